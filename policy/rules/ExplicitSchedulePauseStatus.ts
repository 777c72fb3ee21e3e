import { parse } from "path";
import { Finding, findingsOrCompliant, PolicyRule } from "../rule";
import { blocks, resourcesOfType } from "../synthesized";

/** Job schedules, triggers and continuous runs state their pause status; outside production they are paused. */
export const ExplicitSchedulePauseStatus: PolicyRule = {
  id: "DBX-JOB-008",
  name: parse(__filename).name,
  level: "error",
  description: "Job schedule/trigger/continuous blocks set `pause_status` (and schedules `timezone_id`); outside production it is PAUSED.",
  explanation:
    "When pause_status is omitted the server defaults to UNPAUSED, so a new environment starts running unattended. Development and acceptance " +
    "run on demand; suppress this rule with a reason for a non-production schedule that must run.",
  check: (stack, context) => {
    const findings: Finding[] = [];
    let applicable = false;
    for (const job of resourcesOfType(stack, "databricks_job")) {
      for (const kind of ["schedule", "trigger", "continuous"]) {
        for (const block of blocks(job.body[kind])) {
          applicable = true;
          const status = block.pause_status;
          if (status === undefined) findings.push({ address: job.address, message: `${kind} has no pause_status (the server defaults to UNPAUSED)` });
          else if (status !== "PAUSED" && context.tier !== "production") findings.push({ address: job.address, message: `${kind} is ${String(status)} in ${context.tier}` });
          if (kind === "schedule" && block.timezone_id === undefined) findings.push({ address: job.address, message: "schedule has no timezone_id" });
        }
      }
    }
    return applicable ? findingsOrCompliant(findings) : "not-applicable";
  },
};
