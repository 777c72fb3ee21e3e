import { parse } from "path";
import { findingsOrCompliant, PolicyRule } from "../rule";
import { blocks, resourcesOfType, strings } from "../synthesized";

const FAILURE_ALERTS = ["on-update-failure", "on-update-fatal-failure"];

/** Pipelines notify someone when an update fails. */
export const PipelineFailureNotifications: PolicyRule = {
  id: "DBX-PIPE-004",
  name: parse(__filename).name,
  level: "error",
  description: "Pipelines have a `notification` with email recipients for on-update-failure and on-update-fatal-failure.",
  explanation:
    "A failing ingestion pipeline is silent otherwise, and system tables expire: a failure noticed after the retention window loses data.",
  check: (stack) => {
    const pipelines = resourcesOfType(stack, "databricks_pipeline");
    if (pipelines.length === 0) return "not-applicable";
    return findingsOrCompliant(
      pipelines.flatMap((p) => {
        const routed = blocks(p.body.notification).filter((n) => strings(n.email_recipients).length > 0);
        const covered = new Set(routed.flatMap((n) => strings(n.alerts)));
        const missing = FAILURE_ALERTS.filter((a) => !covered.has(a));
        return missing.length > 0 ? [{ address: p.address, message: `no notification with recipients for ${missing.join(", ")}` }] : [];
      }),
    );
  },
};
