import { parse } from "path";
import { Finding, findingsOrCompliant, PolicyRule } from "../rule";
import { get, resourcesOfType } from "../synthesized";

/** SQL alert schedules state their pause status; outside production they are paused. */
export const AlertSchedulesPausedOutsideProduction: PolicyRule = {
  id: "DBX-MON-002",
  name: parse(__filename).name,
  level: "error",
  description: "databricks_alert_v2 schedules set `pause_status`, and it is PAUSED outside production.",
  explanation:
    "An unpaused alert in dev or aut evaluates test data and pages the on-call destinations with noise, and the server defaults to UNPAUSED. " +
    "Suppress with a reason for a non-production alert that must run.",
  check: (stack, context) => {
    const alerts = resourcesOfType(stack, "databricks_alert_v2");
    if (alerts.length === 0) return "not-applicable";
    const findings: Finding[] = [];
    for (const a of alerts) {
      const status = get(a.body, "schedule.pause_status");
      if (status === undefined) findings.push({ address: a.address, message: "schedule has no pause_status (the server defaults to UNPAUSED)" });
      else if (status !== "PAUSED" && context.tier !== "production") findings.push({ address: a.address, message: `schedule is ${String(status)} in ${context.tier}` });
    }
    return findingsOrCompliant(findings);
  },
};
