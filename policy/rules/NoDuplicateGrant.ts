import { parse } from "path";
import { grantRows } from "../grants";
import { Finding, findingsOrCompliant, PolicyRule } from "../rule";

/** One databricks_grant per (securable, principal). */
export const NoDuplicateGrant: PolicyRule = {
  id: "DBX-UC-005",
  name: parse(__filename).name,
  level: "error",
  description: "No two databricks_grant resources share the same securable and principal.",
  explanation:
    "databricks_grant is authoritative for one principal on one securable: two of them overwrite each other and only the last privilege list " +
    "survives (provider PR #3024). Merge the privileges into one resource.",
  check: (stack) => {
    const rows = grantRows(stack).filter((r) => !r.authoritative);
    if (rows.length === 0) return "not-applicable";
    const seen = new Map<string, string[]>();
    for (const r of rows) {
      const key = `${r.kind} ${r.securable} to ${r.principal}`;
      seen.set(key, [...(seen.get(key) ?? []), r.address]);
    }
    const findings: Finding[] = [];
    for (const [key, addresses] of seen) {
      if (addresses.length > 1) for (const address of addresses) findings.push({ address, message: `duplicates the grant on ${key} (${addresses.length} resources)` });
    }
    return findingsOrCompliant(findings);
  },
};
