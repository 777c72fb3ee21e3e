import { parse } from "path";
import { findingsOrCompliant, PolicyRule } from "../rule";
import { resourcesOfType } from "../synthesized";

/** SAT INFO-2's default threshold. */
export const MAX_CONCURRENT_RUNS = 5;

/** Jobs run few copies at once. */
export const BoundedConcurrency: PolicyRule = {
  id: "DBX-JOB-006",
  name: parse(__filename).name,
  level: "error",
  description: `Jobs keep max_concurrent_runs between 1 and ${MAX_CONCURRENT_RUNS} (unset means 1).`,
  explanation:
    "Concurrent runs of a MERGE or ingestion job race on the same tables and multiply cost; 0 silently skips every run. " +
    "Security Analysis Tool check INFO-2 recommends a low bound.",
  check: (stack) => {
    const jobs = resourcesOfType(stack, "databricks_job");
    if (jobs.length === 0) return "not-applicable";
    return findingsOrCompliant(
      jobs
        .filter((j) => j.body.max_concurrent_runs !== undefined)
        .filter((j) => {
          const n = j.body.max_concurrent_runs;
          return !(typeof n === "number" && Number.isInteger(n) && n >= 1 && n <= MAX_CONCURRENT_RUNS);
        })
        .map((j) => ({ address: j.address, message: `max_concurrent_runs ${JSON.stringify(j.body.max_concurrent_runs)} is outside 1..${MAX_CONCURRENT_RUNS}` })),
    );
  },
};
