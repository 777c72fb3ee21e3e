import { parse } from "path";
import { findingsOrCompliant, PolicyRule } from "../rule";
import { resourcesOfType, walkEntries } from "../synthesized";

/** Serving endpoints reference external-model keys from a secret scope instead of *_plaintext arguments. */
export const ServingKeysUseSecretScopes: PolicyRule = {
  id: "DBX-SEC-004",
  name: parse(__filename).name,
  level: "warning",
  description: "Model serving endpoints take external-model keys as `{{secrets/<scope>/<key>}}`, not *_plaintext arguments.",
  explanation:
    "A *_plaintext key, even from a sensitive variable, is stored in Terraform state. A secret-scope reference keeps the key in " +
    "Databricks secrets only; the endpoint resolves it at serving time (model_serving.md).",
  check: (stack) => {
    const endpoints = resourcesOfType(stack, "databricks_model_serving");
    if (endpoints.length === 0) return "not-applicable";
    return findingsOrCompliant(
      endpoints.flatMap((r) => {
        const paths: string[] = [];
        walkEntries(r.body, (key, value, path) => {
          if (key.endsWith("_plaintext") && value !== undefined && value !== null) paths.push(path);
        });
        return paths.map((path) => ({ address: r.address, message: `${path}: use the secret-reference argument ({{secrets/<scope>/<key>}}) instead` }));
      }),
    );
  },
};
