import { parse } from "path";
import { grantRows } from "../grants";
import { Finding, findingsOrCompliant, PolicyRule } from "../rule";

/** Each securable has at most one databricks_grants resource, and no databricks_grant beside it. */
export const OneAuthoritativeGrantsPerSecurable: PolicyRule = {
  id: "DBX-UC-004",
  name: parse(__filename).name,
  level: "error",
  description: "Each securable has at most one authoritative databricks_grants, never mixed with additive databricks_grant.",
  explanation:
    "databricks_grants replaces every grant on its securable: two of them, or one beside a databricks_grant, overwrite each other on every " +
    "apply (permanent drift, provider troubleshooting guide, #2705). Put all principals of a securable into one grants resource.",
  check: (stack) => {
    const rows = grantRows(stack);
    if (rows.length === 0) return "not-applicable";
    const bySecurable = new Map<string, { authoritative: Set<string>; additive: Set<string> }>();
    for (const r of rows) {
      const key = `${r.kind} ${r.securable}`;
      const entry = bySecurable.get(key) ?? { authoritative: new Set(), additive: new Set() };
      (r.authoritative ? entry.authoritative : entry.additive).add(r.address);
      bySecurable.set(key, entry);
    }
    const findings: Finding[] = [];
    for (const [securable, { authoritative, additive }] of bySecurable) {
      if (authoritative.size > 1) {
        for (const address of authoritative) findings.push({ address, message: `one of ${authoritative.size} databricks_grants on ${securable}` });
      }
      if (authoritative.size > 0) {
        for (const address of additive) findings.push({ address, message: `databricks_grant on ${securable}, which ${[...authoritative].join(", ")} manages authoritatively` });
      }
    }
    return findingsOrCompliant(findings);
  },
};
