import { IConstruct } from "constructs";
import { STATEFUL_RESOURCE_TYPES } from "../vocabulary/stateful-types";
import { Annotations, IAspect, TerraformResource } from "./core";

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
