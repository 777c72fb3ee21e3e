import { parse } from "path";
import { findingsOrCompliant, PolicyRule } from "../rule";
import { get, resourcesOfType, strings } from "../synthesized";

const HIDDEN_BLOCKS = ["task", "schedule", "trigger", "continuous"];

/** Jobs never ignore changes to their tasks or schedule. */
export const NoIgnoreChangesOnJobs: PolicyRule = {
  id: "DBX-JOB-010",
  name: parse(__filename).name,
  level: "error",
  description: "Jobs do not set lifecycle.ignore_changes on task, schedule, trigger or continuous (or `all`).",
  explanation:
    "ignore_changes on tasks hides base_parameters and task_key changes, and on schedules hides a schedule removed in the UI (provider #3871, " +
    "#4703, #5624): the deployed job silently diverges from the reviewed code.",
  check: (stack) => {
    const jobs = resourcesOfType(stack, "databricks_job");
    if (jobs.length === 0) return "not-applicable";
    return findingsOrCompliant(
      jobs.flatMap((j) => {
        const ignored = strings(get(j.body, "lifecycle.ignore_changes"));
        const hidden = ignored.filter((path) => path === "all" || HIDDEN_BLOCKS.includes(path.split(/[.[]/)[0]));
        return hidden.length > 0 ? [{ address: j.address, message: `lifecycle.ignore_changes hides ${hidden.join(", ")}` }] : [];
      }),
    );
  },
};
