import { parse } from "path";
import { Finding, findingsOrCompliant, PolicyRule } from "../rule";
import { blocks, Json, resourcesOfType } from "../synthesized";

/** Above this, a failing task burns hours of compute before anyone hears of it. */
export const MAX_TASK_RETRIES = 10;

/** Task retries are bounded and spaced. */
export const BoundedRetries: PolicyRule = {
  id: "DBX-JOB-003",
  name: parse(__filename).name,
  level: "error",
  description: `Task max_retries is between 0 and ${MAX_TASK_RETRIES} (never -1), and retries > 0 set min_retry_interval_millis.`,
  explanation:
    "-1 retries forever. Retries without an interval fire immediately into the same transient failure. Retries are only safe for idempotent " +
    "tasks (MERGE on keys, batch-id deduplication).",
  check: (stack) => {
    const jobs = resourcesOfType(stack, "databricks_job");
    if (jobs.length === 0) return "not-applicable";
    const findings: Finding[] = [];
    for (const j of jobs) {
      for (const task of tasksOf(j.body)) {
        const key = String(task.task_key ?? "?");
        const retries = task.max_retries;
        if (retries === undefined) continue;
        if (typeof retries !== "number" || !Number.isInteger(retries) || retries < 0 || retries > MAX_TASK_RETRIES) {
          findings.push({ address: j.address, message: `task ${key}: max_retries ${JSON.stringify(retries)} is outside 0..${MAX_TASK_RETRIES}` });
        } else if (retries > 0 && !(typeof task.min_retry_interval_millis === "number" && task.min_retry_interval_millis > 0)) {
          findings.push({ address: j.address, message: `task ${key}: ${retries} retries without min_retry_interval_millis` });
        }
      }
    }
    return findingsOrCompliant(findings);
  },
};

/** Tasks, including those nested in for_each_task. */
function tasksOf(job: Json): Json[] {
  return blocks(job.task).flatMap((t) => [t, ...blocks(t.for_each_task).flatMap((f) => blocks(f.task))]);
}
