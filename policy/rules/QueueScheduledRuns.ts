import { parse } from "path";
import { findingsOrCompliant, PolicyRule } from "../rule";
import { get, resourcesOfType } from "../synthesized";

/** Scheduled jobs queue runs that hit the concurrency limit. */
export const QueueScheduledRuns: PolicyRule = {
  id: "DBX-JOB-007",
  name: parse(__filename).name,
  level: "error",
  description: "Jobs with a schedule, trigger or continuous block set `queue.enabled = true`.",
  explanation:
    "Without a queue, a scheduled run that finds the previous one still running is skipped, and the skipped window is never ingested.",
  check: (stack) => {
    const scheduled = resourcesOfType(stack, "databricks_job").filter((j) => ["schedule", "trigger", "continuous"].some((k) => j.body[k] !== undefined));
    if (scheduled.length === 0) return "not-applicable";
    return findingsOrCompliant(
      scheduled.filter((j) => get(j.body, "queue.enabled") !== true).map((j) => ({ address: j.address, message: "is scheduled but does not enable queue" })),
    );
  },
};
