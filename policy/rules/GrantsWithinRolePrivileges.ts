import { parse } from "path";
import { grantRows } from "../grants";
import { CATALOG_PRIVILEGES, SCHEMA_PRIVILEGES, SYSTEM_SCHEMA_READ_PRIVILEGES, VOLUME_PRIVILEGES } from "../../vocabulary/privileges";
import { findingsOrCompliant, PolicyRule } from "../rule";

/** The most a role may hold per securable kind: the union of the role sets in vocabulary/privileges.ts. */
const ALLOWED: Record<string, Set<string>> = {
  catalog: new Set(Object.values(CATALOG_PRIVILEGES).flat()),
  schema: new Set([...Object.values(SCHEMA_PRIVILEGES).flat(), ...SYSTEM_SCHEMA_READ_PRIVILEGES]),
  volume: new Set(Object.values(VOLUME_PRIVILEGES).flat()),
};

/** Catalog, schema and volume grants stay within the privilege sets of the platform's roles. */
export const GrantsWithinRolePrivileges: PolicyRule = {
  id: "DBX-UC-007",
  name: parse(__filename).name,
  level: "error",
  description: "Catalog, schema and volume grants use only privileges of a declared role (vocabulary/privileges.ts).",
  explanation:
    "The role privilege sets are the reviewed least-privilege model (admin, writer, reader, auditor). A privilege outside every set, such as " +
    "CREATE_CONNECTION or EXTERNAL_USE_SCHEMA, was not reviewed: add it to a role set first, or suppress with a reason.",
  check: (stack) => {
    const rows = grantRows(stack).filter((r) => ALLOWED[r.kind]);
    if (rows.length === 0) return "not-applicable";
    return findingsOrCompliant(
      rows.flatMap((r) => {
        const extra = r.privileges.filter((p) => !ALLOWED[r.kind].has(p));
        return extra.length > 0 ? [{ address: r.address, message: `grants ${extra.join(", ")} on ${r.kind} ${r.securable} to ${r.principal}: not in any role set` }] : [];
      }),
    );
  },
};
