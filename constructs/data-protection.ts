import { IConstruct } from "constructs";
import { Annotations, IAspect, TerraformResource } from "./core";

/**
 * Resource types whose destruction loses data or history that cannot be recreated: a deleted
 * pipeline drops its streaming tables, and system tables keep only 90-365 days, so bronze
 * history is lost for good. Shared with the policy pack and the plan gate.
 */
export const STATEFUL_RESOURCE_TYPES: readonly string[] = [
  "databricks_catalog",
  "databricks_schema",
  "databricks_volume",
  "databricks_sql_table",
  "databricks_pipeline",
  "databricks_quality_monitor",
  "databricks_model_serving",
  "databricks_registered_model",
];

export interface DataProtectionProps {
  /** Adds `lifecycle.prevent_destroy` to every stateful resource. */
  readonly preventDestroy: boolean;
}

/**
 * Protects stateful resources by type, so a construct added later is covered without remembering
 * to. Also refuses `force_destroy = true` anywhere it is protecting.
 */
export class DataProtection implements IAspect {
  constructor(private readonly props: DataProtectionProps) {}

  visit(node: IConstruct): void {
    if (!(node instanceof TerraformResource)) return;
    if (!STATEFUL_RESOURCE_TYPES.includes(node.terraformResourceType)) return;
    if (!this.props.preventDestroy) return;
    node.lifecycle = { ...node.lifecycle, preventDestroy: true };
    const forceDestroy = (node as { forceDestroyInput?: unknown }).forceDestroyInput;
    if (forceDestroy === true) {
      Annotations.of(node).addError(`${node.terraformResourceType} sets force_destroy = true in a protected environment; it deletes all contents`);
    }
  }
}
