import { parse } from "path";
import { findingsOrCompliant, PolicyRule } from "../rule";
import { isReference, resourcesOfType } from "../synthesized";

/** Every job has a timeout. */
export const JobTimeout: PolicyRule = {
  id: "DBX-JOB-002",
  name: parse(__filename).name,
  level: "error",
  description: "Every job sets a positive `timeout_seconds`.",
  explanation:
    "The default is no timeout: a hung run holds its compute and, with max_concurrent_runs = 1, blocks every later run until someone notices.",
  check: (stack) => {
    const jobs = resourcesOfType(stack, "databricks_job");
    if (jobs.length === 0) return "not-applicable";
    return findingsOrCompliant(
      jobs
        .filter((j) => !isReference(j.body.timeout_seconds) && !(typeof j.body.timeout_seconds === "number" && j.body.timeout_seconds > 0))
        .map((j) => ({ address: j.address, message: `timeout_seconds is ${JSON.stringify(j.body.timeout_seconds) ?? "unset"}; set a positive timeout` })),
    );
  },
};
