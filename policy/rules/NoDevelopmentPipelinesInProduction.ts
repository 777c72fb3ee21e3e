import { parse } from "path";
import { findingsOrCompliant, PolicyRule } from "../rule";
import { resourcesOfType } from "../synthesized";

/** Production pipelines run in production mode. */
export const NoDevelopmentPipelinesInProduction: PolicyRule = {
  id: "DBX-PIPE-003",
  name: parse(__filename).name,
  level: "error",
  description: "Pipelines are not in development mode in production.",
  explanation:
    "Development mode keeps clusters running and disables automatic retries, so a production pipeline in development mode costs more and " +
    "fails on the first transient error.",
  check: (stack, context) => {
    if (context.tier !== "production") return "not-applicable";
    const pipelines = resourcesOfType(stack, "databricks_pipeline");
    if (pipelines.length === 0) return "not-applicable";
    return findingsOrCompliant(
      pipelines.filter((p) => p.body.development === true).map((p) => ({ address: p.address, message: "sets development = true in production" })),
    );
  },
};
