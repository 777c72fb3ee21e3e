import { parse } from "path";
import { findingsOrCompliant, PolicyRule } from "../rule";
import { resourcesOfType } from "../synthesized";

/** Every serving endpoint has a databricks_permissions resource. */
export const ServingEndpointPermissions: PolicyRule = {
  id: "DBX-SRV-001",
  name: parse(__filename).name,
  level: "error",
  description: "Every databricks_model_serving has a databricks_permissions resource for its serving_endpoint_id.",
  explanation:
    "Without declared permissions, who may query or manage the endpoint is whatever was clicked in the UI, and it is never reviewed. " +
    "Grant CAN_QUERY to consumer groups and CAN_MANAGE only to the platform group (KICS a4edb7e1, SAT NS-7).",
  check: (stack) => {
    const endpoints = resourcesOfType(stack, "databricks_model_serving");
    if (endpoints.length === 0) return "not-applicable";
    const covered = resourcesOfType(stack, "databricks_permissions").map((p) => String(p.body.serving_endpoint_id ?? ""));
    return findingsOrCompliant(
      endpoints
        .filter((e) => !covered.some((ref) => ref.includes(`\${${e.address}.`)))
        .map((e) => ({ address: e.address, message: "has no databricks_permissions (serving_endpoint_id)" })),
    );
  },
};
