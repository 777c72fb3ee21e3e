import { parse } from "path";
import { findingsOrCompliant, PolicyRule } from "../rule";
import { allResources } from "../synthesized";

/** force_destroy is off everywhere in acceptance and production. */
export const NoForceDestroy: PolicyRule = {
  id: "DBX-DL-001",
  name: parse(__filename).name,
  level: "error",
  description: "No resource sets `force_destroy = true` in acceptance or production.",
  explanation:
    "force_destroy deletes a catalog, schema, volume or external location together with all its contents. In protected environments a destroy " +
    "must fail on non-empty securables so data is never dropped by a plan nobody read closely.",
  check: (stack, context) => {
    if (context.tier === "development") return "not-applicable";
    return findingsOrCompliant(
      allResources(stack)
        .filter((r) => r.body.force_destroy === true || r.body.force_destroy === "true")
        .map((r) => ({ address: r.address, message: `sets force_destroy = true in ${context.tier}` })),
    );
  },
};
