import { parse } from "path";
import { grantRows } from "../grants";
import { findingsOrCompliant, PolicyRule } from "../rule";

const FORBIDDEN = ["ALL_PRIVILEGES", "ALL PRIVILEGES", "MANAGE"];

/** No grant uses ALL_PRIVILEGES or MANAGE. */
export const NoAllPrivilegesOrManage: PolicyRule = {
  id: "DBX-UC-002",
  name: parse(__filename).name,
  level: "error",
  description: "No grant includes ALL_PRIVILEGES or MANAGE.",
  explanation:
    "ALL_PRIVILEGES expands at check time to privileges that do not exist yet; MANAGE lets a non-owner re-grant and, when held by the deploying " +
    "identity, must itself be declared or Terraform revokes it. Grant the explicit privilege set of the role (vocabulary/privileges.ts).",
  check: (stack) => {
    const rows = grantRows(stack);
    if (rows.length === 0) return "not-applicable";
    return findingsOrCompliant(
      rows.flatMap((r) =>
        r.privileges
          .filter((p) => FORBIDDEN.includes(p.toUpperCase()))
          .map((p) => ({ address: r.address, message: `grants ${p} on ${r.kind} ${r.securable} to ${r.principal}` })),
      ),
    );
  },
};
