import type { StateBackendConfig } from "./schema";
import type { PlatformSpec } from "./spec";

/**
 * Environments that would manage the same things. Copying aut.yaml and renaming `environment`
 * must not give a stack that writes aut's state or manages aut's catalog authoritatively, so
 * after every environment is resolved, any two that share a state location, a catalog on the
 * same workspace, or a workspace folder on the same workspace are refused, naming both files.
 */
export interface ResolvedEnvironment {
  /** The environment file, for messages. */
  readonly file: string;
  readonly spec: PlatformSpec;
}

/** Where a backend keeps state, as one comparable string. */
export function stateLocation(backend: StateBackendConfig): string {
  switch (backend.type) {
    case "local":
      return `local:${backend.path}`;
    case "s3":
      return `s3://${backend.bucket}/${backend.key}`;
    case "azurerm":
      return `azurerm://${backend.storageAccountName}/${backend.containerName}/${backend.key}`;
    case "gcs":
      return `gcs://${backend.bucket}/${backend.prefix}`;
    case "remote":
      return `remote://${backend.hostname}/${backend.organization}/${backend.workspaceName}`;
  }
}

export function environmentCollisions(environments: readonly ResolvedEnvironment[]): string[] {
  const host = (s: PlatformSpec) => s.provider.host.replace(/\/+$/, "").toLowerCase();
  const claims: { what: string; key: (s: PlatformSpec) => string }[] = [
    { what: "state location", key: (s) => stateLocation(s.backend) },
    { what: "catalog", key: (s) => `${s.foundation.catalog.name} on ${host(s)}` },
    { what: "workspace folder", key: (s) => `${s.workspaceRoot} on ${host(s)}` },
  ];
  const problems: string[] = [];
  for (const claim of claims) {
    const owner = new Map<string, string>();
    for (const { file, spec } of environments) {
      const key = claim.key(spec);
      const first = owner.get(key);
      if (first) problems.push(`${file}: shares its ${claim.what} ${key} with ${first}: each environment needs its own (set it, or let the environment name derive it)`);
      else owner.set(key, file);
    }
  }
  return problems;
}
