import { parse } from "path";
import { findingsOrCompliant, PolicyRule } from "../rule";
import { secretFields } from "../secret-fields";
import { variableName } from "../synthesized";

/** Sensitive arguments are set only from Terraform variables, never from literals. */
export const SecretFieldsUseVariables: PolicyRule = {
  id: "DBX-SEC-002",
  name: parse(__filename).name,
  level: "error",
  description: "Sensitive arguments (destination URLs, tokens, passwords, *_plaintext keys) are set only as `${var.NAME}`.",
  explanation:
    "Notification destination config (Slack/Teams/PagerDuty/webhook url, oauth_token, integration_key, auth_secret, username, password), " +
    "secret values and model-serving *_plaintext keys are credentials. A literal lands in Git, in cdk.tf.json and in every plan; " +
    "a sensitive variable keeps it in the CI secret store until plan/apply.",
  check: (stack) => {
    const fields = secretFields(stack);
    if (fields.length === 0) return "not-applicable";
    return findingsOrCompliant(
      fields
        .filter((f) => !variableName(f.value))
        .map((f) => ({ address: f.address, message: `${f.path} must be a sensitive variable reference \${var.NAME}, found a ${typeof f.value === "string" ? "literal or expression" : typeof f.value}` })),
    );
  },
};
