import { parse } from "path";
import { findingsOrCompliant, PolicyRule } from "../rule";
import { get, resourcesOfType, strings } from "../synthesized";

/** Quality monitors notify on refresh failure. */
export const QualityMonitorFailureNotifications: PolicyRule = {
  id: "DBX-MON-001",
  name: parse(__filename).name,
  level: "error",
  description: "Quality monitors set `notifications.on_failure.email_addresses`.",
  explanation:
    "A monitor whose refresh fails stops producing drift and profile metrics without telling anyone; the dashboards just go stale.",
  check: (stack) => {
    const monitors = resourcesOfType(stack, "databricks_quality_monitor");
    if (monitors.length === 0) return "not-applicable";
    return findingsOrCompliant(
      monitors
        .filter((m) => strings(get(m.body, "notifications.on_failure.email_addresses")).length === 0)
        .map((m) => ({ address: m.address, message: "has no notifications.on_failure.email_addresses" })),
    );
  },
};
