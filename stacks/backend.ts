import { Construct } from "constructs";
import { AzurermBackend, GcsBackend, LocalBackend, NamedRemoteWorkspace, RemoteBackend, S3Backend, TerraformStack } from "../constructs/core";
import { StateBackendConfig } from "./config/schema";

/** Declares the stack's state backend, as resolved (stacks/config/resolve.ts: key per environment). */
export function declareBackend(stack: TerraformStack, backend: StateBackendConfig): void {
  const scope: Construct = stack;
  switch (backend.type) {
    case "local":
      new LocalBackend(scope, { path: backend.path });
      return;
    case "s3":
      new S3Backend(scope, {
        bucket: backend.bucket,
        key: backend.key!,
        region: backend.region,
        encrypt: backend.encrypt,
        kmsKeyId: backend.kmsKeyId,
      });
      // cdktf 0.21's S3Backend predates native S3 locking (hashicorp/terraform-cdk#3834).
      if (backend.useLockfile) stack.addOverride("terraform.backend.s3.use_lockfile", true);
      return;
    case "azurerm":
      new AzurermBackend(scope, {
        resourceGroupName: backend.resourceGroupName,
        storageAccountName: backend.storageAccountName,
        containerName: backend.containerName,
        key: backend.key!,
        useAzureadAuth: backend.useAzureadAuth,
      });
      return;
    case "gcs":
      new GcsBackend(scope, { bucket: backend.bucket, prefix: backend.prefix, kmsEncryptionKey: backend.kmsEncryptionKey });
      return;
    case "remote":
      new RemoteBackend(scope, {
        hostname: backend.hostname,
        organization: backend.organization,
        workspaces: new NamedRemoteWorkspace(backend.workspaceName),
      });
      return;
  }
}
