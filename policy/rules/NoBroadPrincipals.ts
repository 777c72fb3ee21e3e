import { parse } from "path";
import { grantRows } from "../grants";
import { findingsOrCompliant, PolicyRule } from "../rule";

const BROAD_PRINCIPALS = ["users", "account users", "admins"];

/** Unity Catalog grants never target everyone. */
export const NoBroadPrincipals: PolicyRule = {
  id: "DBX-UC-001",
  name: parse(__filename).name,
  level: "error",
  description: "Unity Catalog grants never go to `users`, `account users` or `admins`.",
  explanation:
    "`account users` is every identity of the account, across workspaces; `users` and `admins` are workspace-local groups that Unity Catalog " +
    "cannot grant to. Grant to a narrow IdP group per role instead (security notes §2.1).",
  check: (stack) => {
    const rows = grantRows(stack);
    if (rows.length === 0) return "not-applicable";
    return findingsOrCompliant(
      rows
        .filter((r) => BROAD_PRINCIPALS.includes(r.principal.trim().toLowerCase()))
        .map((r) => ({ address: r.address, message: `grants ${r.privileges.join(", ")} on ${r.kind} ${r.securable} to "${r.principal}"` })),
    );
  },
};
