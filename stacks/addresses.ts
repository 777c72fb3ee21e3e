import { Node } from "constructs";
import { makeUniqueId } from "../constructs/core";

/**
 * Capability scopes whose resources sat at the stack root before each capability had its own
 * construct. Their resources keep the Terraform address they had there, so existing state (the
 * catalog, schemas and volume among them) is neither destroyed nor recreated, and jobs keep their
 * ids and run history; their construct paths (for policy suppressions) do include the scope.
 */
export const ROOT_ADDRESSED_SCOPES: readonly string[] = ["Foundation", "Notifications", "Analytics"];

/**
 * The root-style address of a resource under one of ROOT_ADDRESSED_SCOPES, or undefined for any
 * other element. `taken` maps addresses to construct paths: two resources sharing one address throw.
 */
export function rootAddress(stackNode: Node, node: Node, taken: Map<string, string>): string | undefined {
  const scopes = node.scopes.map((s) => s.node);
  const path = scopes.slice(scopes.indexOf(stackNode) + 1).map((n) => n.id);
  if (path.length < 2 || !ROOT_ADDRESSED_SCOPES.includes(path[0])) return undefined;
  const id = makeUniqueId(path.slice(1));
  const owner = taken.get(id);
  if (owner !== undefined && owner !== node.path) throw new Error(`${node.path} and ${owner} would share the Terraform address ${id}`);
  taken.set(id, node.path);
  return id;
}
