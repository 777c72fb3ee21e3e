import { SynthesizedStack } from "./rule";
import { allResources, blocks, isObject, walkEntries } from "./synthesized";

/**
 * Where secrets legitimately flow into the configuration: the arguments the provider marks
 * sensitive. Values there must be sensitive Terraform variables, bound at plan/apply time.
 */

/** Notification destination config blocks whose every field is sensitive (the `email` block is not). */
const SECRET_DESTINATION_BLOCKS = ["slack", "microsoft_teams", "pagerduty", "generic_webhook"];

/** Argument names that hold a credential in any resource. `*_plaintext` is matched separately. */
const SECRET_ARGUMENTS = new Set(["password", "client_secret", "oauth_token", "auth_secret", "integration_key", "string_value", "token_value", "private_key"]);

export interface SecretField {
  readonly address: string;
  /** Path inside the resource, e.g. `config.slack.url`. */
  readonly path: string;
  readonly value: unknown;
}

export function secretFields(stack: SynthesizedStack): SecretField[] {
  const fields: SecretField[] = [];
  for (const r of allResources(stack)) {
    if (r.type === "databricks_notification_destination") {
      for (const config of blocks(r.body.config)) {
        for (const kind of SECRET_DESTINATION_BLOCKS) {
          for (const block of blocks(config[kind])) {
            for (const [key, value] of Object.entries(block)) fields.push({ address: r.address, path: `config.${kind}.${key}`, value });
          }
        }
      }
      continue;
    }
    walkEntries(r.body, (key, value, path) => {
      if (path.startsWith("//")) return;
      if (!isObject(value) && !Array.isArray(value) && (SECRET_ARGUMENTS.has(key) || key.endsWith("_plaintext"))) {
        fields.push({ address: r.address, path, value });
      }
    });
  }
  return fields;
}
