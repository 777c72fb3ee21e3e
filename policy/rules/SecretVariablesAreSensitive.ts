import { parse } from "path";
import { Finding, findingsOrCompliant, PolicyRule } from "../rule";
import { secretFields } from "../secret-fields";
import { variableName } from "../synthesized";

/** Variables that feed sensitive arguments are declared sensitive, with no default, and never output in clear. */
export const SecretVariablesAreSensitive: PolicyRule = {
  id: "DBX-SEC-003",
  name: parse(__filename).name,
  level: "error",
  description: "Variables feeding sensitive arguments are declared `sensitive = true` with no default, and outputs using them are sensitive.",
  explanation:
    "A non-sensitive variable is printed in plan output and CI logs; a default is a secret committed to the repository. " +
    "Declare the variable with TerraformVariable({ sensitive: true, type: \"string\" }) and bind it with TF_VAR_<name> from the CI secret store.",
  check: (stack) => {
    const names = [...new Set(secretFields(stack).map((f) => variableName(f.value)).filter((n): n is string => n !== undefined))].sort();
    if (names.length === 0) return "not-applicable";
    const findings: Finding[] = [];
    for (const name of names) {
      const declared = stack.variable?.[name];
      const address = `variable.${name}`;
      if (!declared) findings.push({ address, message: "is referenced by a sensitive argument but not declared" });
      else {
        if (declared.sensitive !== true) findings.push({ address, message: "feeds a sensitive argument: declare it with sensitive = true" });
        if (declared.default !== undefined) findings.push({ address, message: "feeds a sensitive argument: remove its default (a default is a committed secret)" });
      }
    }
    for (const [name, output] of Object.entries(stack.output ?? {})) {
      const uses = names.filter((n) => JSON.stringify(output.value ?? "").includes(`var.${n}`));
      if (uses.length > 0 && output.sensitive !== true) findings.push({ address: `output.${name}`, message: `exposes ${uses.map((n) => `var.${n}`).join(", ")}: mark it sensitive` });
    }
    return findingsOrCompliant(findings);
  },
};
