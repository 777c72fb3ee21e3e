import { parse } from "path";
import { findingsOrCompliant, Finding, PolicyRule } from "../rule";
import { findSecret } from "../../vocabulary/secret-shapes";
import { isObject, variableName } from "../synthesized";

/** No string anywhere in the synthesized stack looks like a credential. */
export const NoSecretLiterals: PolicyRule = {
  id: "DBX-SEC-001",
  name: parse(__filename).name,
  level: "error",
  description: "No string anywhere in the synthesized Terraform, value or map key, looks like a credential (docs/secret-shapes.md).",
  explanation:
    "cdk.tf.json is committed to CI artifacts and read by reviewers, and every literal ends up in state and plan files. " +
    "Pass secrets as sensitive Terraform variables (TF_VAR_*) bound at plan/apply time; a `${var.x}` reference is never flagged.",
  check: (stack) => {
    const findings: Finding[] = [];
    walkKeysAndStrings(stack, (text, path, isKey) => {
      if (!isKey && variableName(text)) return;
      const kind = findSecret(text);
      // Never echo the value: the report would leak what the rule protects. A secret key is
      // named by its parent's path, since the key itself is the secret.
      if (kind) findings.push({ address: addressOf(path), message: isKey ? `a key of ${fieldOf(path) || "the stack"} looks like a ${kind}` : `${fieldOf(path)} looks like a ${kind}` });
    });
    return findingsOrCompliant(findings);
  },
};

/** Visits every string value with its path, and every map key with the path of the map holding it. */
function walkKeysAndStrings(value: unknown, visit: (text: string, path: string, isKey: boolean) => void, path = ""): void {
  if (typeof value === "string") visit(value, path, false);
  else if (Array.isArray(value)) value.forEach((v, i) => walkKeysAndStrings(v, visit, `${path}[${i}]`));
  else if (isObject(value)) {
    for (const [k, v] of Object.entries(value)) {
      visit(k, path, true);
      walkKeysAndStrings(v, visit, path ? `${path}.${k}` : k);
    }
  }
}

/** `resource.type.id.a.b` → `type.id`; `provider.databricks[0].token` → `provider.databricks`. */
function addressOf(path: string): string {
  const parts = path.split(".");
  if ((parts[0] === "resource" || parts[0] === "data") && parts.length >= 3) {
    return `${parts[0] === "data" ? "data." : ""}${parts[1]}.${parts[2].replace(/\[\d+\]$/, "")}`;
  }
  return parts.slice(0, 2).join(".").replace(/\[\d+\]$/, "");
}

function fieldOf(path: string): string {
  const parts = path.split(".");
  return parts[0] === "resource" || parts[0] === "data" ? parts.slice(3).join(".") : parts.slice(2).join(".") || path;
}
