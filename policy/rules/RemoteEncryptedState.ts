import { parse } from "path";
import { PolicyRule } from "../rule";
import { backendOf } from "../synthesized";

/** Backends that keep state remotely and encrypted at rest by the service itself. */
const ENCRYPTED_REMOTE_BACKENDS = ["azurerm", "gcs", "remote", "cloud"];

/** Outside development, state lives in a remote backend that encrypts it. */
export const RemoteEncryptedState: PolicyRule = {
  id: "DBX-SEC-006",
  name: parse(__filename).name,
  level: "error",
  description: "Acceptance and production stacks use a remote, encrypted state backend (s3 with encrypt, azurerm, gcs, remote/cloud).",
  explanation:
    "State holds notification-destination secrets and resource IDs in clear. A local state file is neither encrypted, locked nor shared, " +
    "and losing it orphans protected resources. Development may use local state.",
  check: (stack, context) => {
    if (context.tier === "development") return "not-applicable";
    const backend = backendOf(stack);
    if (!backend) return [{ address: "terraform.backend", message: "no backend: state would be a local file; configure stateBackend" }];
    const address = `terraform.backend.${backend.type}`;
    if (backend.type === "s3") {
      return backend.settings.encrypt === true ? "compliant" : [{ address, message: "s3 backend without encrypt = true" }];
    }
    if (ENCRYPTED_REMOTE_BACKENDS.includes(backend.type)) return "compliant";
    return [{ address, message: `${backend.type} backend is not allowed in ${context.tier}: use s3 (encrypt), azurerm, gcs or remote` }];
  },
};
