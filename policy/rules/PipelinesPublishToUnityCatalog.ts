import { parse } from "path";
import { Finding, findingsOrCompliant, PolicyRule } from "../rule";
import { resourcesOfType } from "../synthesized";

/** Pipelines publish to a Unity Catalog catalog and schema, not to a legacy target or storage location. */
export const PipelinesPublishToUnityCatalog: PolicyRule = {
  id: "DBX-PIPE-001",
  name: parse(__filename).name,
  level: "error",
  description: "Pipelines set `catalog` and `schema` and never `target` or `storage`.",
  explanation:
    "`storage` and `target` publish to the Hive metastore outside Unity Catalog governance, and switching between storage and catalog forces " +
    "pipeline recreation, which drops its tables (pipeline.md).",
  check: (stack) => {
    const pipelines = resourcesOfType(stack, "databricks_pipeline");
    if (pipelines.length === 0) return "not-applicable";
    const findings: Finding[] = [];
    for (const p of pipelines) {
      for (const missing of ["catalog", "schema"].filter((k) => p.body[k] === undefined)) findings.push({ address: p.address, message: `has no ${missing}` });
      for (const legacy of ["target", "storage"].filter((k) => p.body[k] !== undefined)) findings.push({ address: p.address, message: `sets ${legacy}; use catalog + schema` });
    }
    return findingsOrCompliant(findings);
  },
};
