import { parse } from "path";
import { findingsOrCompliant, PolicyRule } from "../rule";
import { blocks, get, resourcesOfType } from "../synthesized";

/** Every job warns when a run takes too long. */
export const JobDurationHealthRule: PolicyRule = {
  id: "DBX-JOB-005",
  name: parse(__filename).name,
  level: "error",
  description: "Every job has a `health` rule RUN_DURATION_SECONDS GREATER_THAN a positive value.",
  explanation:
    "The timeout only fires at the end; the duration health rule raises on_duration_warning_threshold_exceeded while the run can still finish " +
    "in time, which is the early signal of upstream volume growth or a stuck stream.",
  check: (stack) => {
    const jobs = resourcesOfType(stack, "databricks_job");
    if (jobs.length === 0) return "not-applicable";
    return findingsOrCompliant(
      jobs
        .filter((j) => !blocks(get(j.body, "health.rules")).some((r) => r.metric === "RUN_DURATION_SECONDS" && r.op === "GREATER_THAN" && typeof r.value === "number" && r.value > 0))
        .map((j) => ({ address: j.address, message: "has no RUN_DURATION_SECONDS GREATER_THAN health rule" })),
    );
  },
};
