import { parse } from "path";
import { findingsOrCompliant, PolicyRule } from "../rule";
import { isUserEmail, resourcesOfType } from "../synthesized";

/** Catalogs, schemas and volumes name a group (or service principal) owner explicitly. */
export const GroupOwnedSecurables: PolicyRule = {
  id: "DBX-UC-006",
  name: parse(__filename).name,
  level: "error",
  description: "Catalogs, schemas and volumes set `owner` explicitly to a group, never a user and never left to the deploying identity.",
  explanation:
    "Without owner the securable belongs to whoever ran apply (the CI identity), who then holds every privilege on it. A user owner leaves " +
    "with the user. Use the platform group (Unity Catalog ownership best practice).",
  check: (stack) => {
    const securables = resourcesOfType(stack, "databricks_catalog", "databricks_schema", "databricks_volume");
    if (securables.length === 0) return "not-applicable";
    return findingsOrCompliant(
      securables.flatMap((r) => {
        const owner = r.body.owner;
        if (typeof owner !== "string" || owner.trim() === "") return [{ address: r.address, message: "has no explicit owner" }];
        if (isUserEmail(owner)) return [{ address: r.address, message: `is owned by a user (${owner}); use a group` }];
        return [];
      }),
    );
  },
};
