import { parse } from "path";
import { findingsOrCompliant, PolicyRule } from "../rule";
import { blocks, get, isObject, Json, resourcesOfType } from "../synthesized";

export const REQUIRED_TAGS = ["owner", "cost_center", "environment", "managed_by"];

/** Each taggable type keeps its tags in a different shape. */
const TAG_READERS: Record<string, (body: Json) => Record<string, unknown>> = {
  databricks_job: (b) => (isObject(b.tags) ? b.tags : {}),
  databricks_pipeline: (b) => (isObject(b.tags) ? b.tags : {}),
  databricks_model_serving: (b) => fromKeyValueList(b.tags),
  databricks_sql_endpoint: (b) => fromKeyValueList(get(b, "tags.custom_tags")),
};

/** Jobs, pipelines, serving endpoints and warehouses carry the cost-attribution tags. */
export const RequiredTags: PolicyRule = {
  id: "DBX-OPS-001",
  name: parse(__filename).name,
  level: "warning",
  description: `Jobs, pipelines, serving endpoints and SQL warehouses carry the tags ${REQUIRED_TAGS.join(", ")}, with environment matching the stack.`,
  explanation:
    "Tags flow into system.billing.usage: untagged compute cannot be attributed to an owner or cost center (SAT GOV-7). The ResourceTags " +
    "aspect adds them by type; this rule catches a type it does not know yet.",
  check: (stack, context) => {
    const taggable = resourcesOfType(stack, ...Object.keys(TAG_READERS));
    if (taggable.length === 0) return "not-applicable";
    return findingsOrCompliant(
      taggable.flatMap((r) => {
        const tags = TAG_READERS[r.type](r.body);
        const missing = REQUIRED_TAGS.filter((t) => typeof tags[t] !== "string" || tags[t] === "");
        if (missing.length > 0) return [{ address: r.address, message: `lacks tag${missing.length > 1 ? "s" : ""} ${missing.join(", ")}` }];
        if (tags.environment !== context.environment) return [{ address: r.address, message: `tag environment is "${String(tags.environment)}", expected "${context.environment}"` }];
        return [];
      }),
    );
  },
};

function fromKeyValueList(list: unknown): Record<string, unknown> {
  return Object.fromEntries(blocks(list).map((t) => [String(t.key), t.value]));
}
