import { parse } from "path";
import { STATEFUL_RESOURCE_TYPES } from "../../vocabulary/stateful-types";
import { findingsOrCompliant, PolicyRule } from "../rule";
import { get, resourcesOfType } from "../synthesized";

/** Stateful resources carry lifecycle.prevent_destroy in acceptance and production. */
export const PreventDestroyOnStatefulResources: PolicyRule = {
  id: "DBX-DL-002",
  name: parse(__filename).name,
  level: "error",
  description: "Stateful resources (catalog, schema, volume, sql_table, pipeline, quality monitor, serving endpoint, registered model) set `lifecycle.prevent_destroy` in acceptance and production.",
  explanation:
    "Deleting a pipeline drops its tables, and system tables keep only 90-365 days: bronze history lost is lost for good. prevent_destroy makes " +
    "Terraform refuse any plan that destroys or replaces the resource. The DataProtection aspect sets it by type; the plan gate covers removals.",
  check: (stack, context) => {
    if (context.tier === "development") return "not-applicable";
    const stateful = resourcesOfType(stack, ...STATEFUL_RESOURCE_TYPES);
    if (stateful.length === 0) return "not-applicable";
    return findingsOrCompliant(
      stateful.filter((r) => get(r.body, "lifecycle.prevent_destroy") !== true).map((r) => ({ address: r.address, message: `lacks lifecycle.prevent_destroy = true in ${context.tier}` })),
    );
  },
};
