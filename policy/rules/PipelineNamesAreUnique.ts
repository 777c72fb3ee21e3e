import { parse } from "path";
import { findingsOrCompliant, PolicyRule } from "../rule";
import { resourcesOfType } from "../synthesized";

/** Pipelines refuse duplicate names. */
export const PipelineNamesAreUnique: PolicyRule = {
  id: "DBX-PIPE-002",
  name: parse(__filename).name,
  level: "error",
  description: "Pipelines keep `allow_duplicate_names = false`.",
  explanation:
    "With duplicates allowed, a lost state or a second stack silently creates a twin pipeline writing to the same tables. With the default, " +
    "the deployment fails on the name conflict instead.",
  check: (stack) => {
    const pipelines = resourcesOfType(stack, "databricks_pipeline");
    if (pipelines.length === 0) return "not-applicable";
    return findingsOrCompliant(
      pipelines.filter((p) => p.body.allow_duplicate_names === true).map((p) => ({ address: p.address, message: "sets allow_duplicate_names = true" })),
    );
  },
};
