import { Job } from "@cdktf/provider-databricks/lib/job";
import { ModelServing } from "@cdktf/provider-databricks/lib/model-serving";
import { Pipeline } from "@cdktf/provider-databricks/lib/pipeline";
import { SqlEndpoint } from "@cdktf/provider-databricks/lib/sql-endpoint";
import { IConstruct } from "constructs";
import { Annotations, IAspect } from "./core";

/** Databricks allows at most 25 tags on a pipeline. */
const PIPELINE_TAG_LIMIT = 25;

/**
 * Applies default tags (owner, cost center, environment, ...) to every taggable resource.
 * Databricks resources disagree on the tag field's shape, so each type has its own adapter; tags a
 * resource sets itself win over the defaults.
 */
export class ResourceTags implements IAspect {
  constructor(private readonly tags: Readonly<Record<string, string>>) {}

  visit(node: IConstruct): void {
    if (node instanceof Job) {
      node.tags = sorted({ ...this.tags, ...(node.tagsInput ?? {}) });
    } else if (node instanceof Pipeline) {
      const merged = sorted({ ...this.tags, ...(node.tagsInput ?? {}) });
      if (Object.keys(merged).length > PIPELINE_TAG_LIMIT) {
        Annotations.of(node).addError(`a pipeline takes at most ${PIPELINE_TAG_LIMIT} tags, got ${Object.keys(merged).length}`);
      }
      node.tags = merged;
    } else if (node instanceof SqlEndpoint) {
      const own = Object.fromEntries(asList(node.tagsInput?.customTags).map((t) => [t.key, t.value ?? ""]));
      node.putTags({ customTags: Object.entries(sorted({ ...this.tags, ...own })).map(([key, value]) => ({ key, value })) });
    } else if (node instanceof ModelServing) {
      const own = Object.fromEntries(asList(node.tagsInput).map((t) => [t.key, t.value ?? ""]));
      node.putTags(Object.entries(sorted({ ...this.tags, ...own })).map(([key, value]) => ({ key, value })));
    }
  }
}

function sorted(tags: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(tags).sort(([a], [b]) => a.localeCompare(b)));
}

/** Tag lists in the bindings may be tokens (IResolvable); only literal lists can be merged. */
function asList(value: unknown): { key: string; value?: string }[] {
  return Array.isArray(value) ? value : [];
}
