import { parse } from "path";
import { grantRows } from "../grants";
import { Finding, findingsOrCompliant, PolicyRule } from "../rule";
import { blocks, isUserEmail, resourcesOfType } from "../synthesized";

/** Grants and permissions name groups or service principals, never individual users. */
export const PrincipalsAreGroupsOrServicePrincipals: PolicyRule = {
  id: "DBX-UC-003",
  name: parse(__filename).name,
  level: "error",
  description: "Grants and databricks_permissions name groups or service principals, never a user e-mail.",
  explanation:
    "Access granted to a person outlives their role and is invisible in group reviews. Unity Catalog best practice: grant to groups, " +
    "run automation as service principals.",
  check: (stack) => {
    const rows = grantRows(stack);
    const permissions = resourcesOfType(stack, "databricks_permissions");
    if (rows.length === 0 && permissions.length === 0) return "not-applicable";
    const findings: Finding[] = rows
      .filter((r) => isUserEmail(r.principal))
      .map((r) => ({ address: r.address, message: `grants on ${r.kind} ${r.securable} to a user e-mail; grant to a group` }));
    for (const p of permissions) {
      for (const acl of blocks(p.body.access_control)) {
        if (acl.user_name !== undefined) findings.push({ address: p.address, message: `gives ${String(acl.permission_level)} to a user; use group_name or service_principal_name` });
      }
    }
    return findingsOrCompliant(findings);
  },
};
