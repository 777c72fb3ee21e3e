import { parse } from "path";
import { Finding, findingsOrCompliant, PolicyRule } from "../rule";
import { blocks, resourcesOfType } from "../synthesized";

/** Job tasks and their dependencies are written in task_key order. */
export const SortedJobTasks: PolicyRule = {
  id: "DBX-JOB-009",
  name: parse(__filename).name,
  level: "warning",
  description: "Job tasks are sorted by task_key, and each task's depends_on is sorted.",
  explanation:
    "The API returns tasks sorted by key; any other order in configuration shows as a permanent diff on every plan (provider #3560), which " +
    "trains reviewers to ignore job diffs.",
  check: (stack) => {
    const jobs = resourcesOfType(stack, "databricks_job");
    if (jobs.length === 0) return "not-applicable";
    const findings: Finding[] = [];
    for (const j of jobs) {
      const tasks = blocks(j.body.task);
      const keys = tasks.map((t) => String(t.task_key ?? ""));
      if (!isSorted(keys)) findings.push({ address: j.address, message: `tasks are not sorted by task_key: ${keys.join(", ")}` });
      for (const t of tasks) {
        const deps = blocks(t.depends_on).map((d) => String(d.task_key ?? ""));
        if (!isSorted(deps)) findings.push({ address: j.address, message: `task ${String(t.task_key)}: depends_on is not sorted: ${deps.join(", ")}` });
      }
    }
    return findingsOrCompliant(findings);
  },
};

function isSorted(values: string[]): boolean {
  return values.every((v, i) => i === 0 || values[i - 1] <= v);
}
