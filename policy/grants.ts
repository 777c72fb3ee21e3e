import { SynthesizedStack } from "./rule";
import { blocks, Json, resourcesOfType, strings } from "./synthesized";

/** The securable arguments of `databricks_grants` / `databricks_grant`: exactly one is set. */
const SECURABLE_KINDS = [
  "metastore",
  "catalog",
  "schema",
  "table",
  "volume",
  "model",
  "function",
  "external_location",
  "storage_credential",
  "credential",
  "foreign_connection",
  "share",
] as const;

export interface GrantRow {
  /** The grants resource's address. */
  readonly address: string;
  /** `databricks_grants` replaces every grant on the securable; `databricks_grant` one principal's. */
  readonly authoritative: boolean;
  readonly kind: string;
  /** The securable's full name where it can be resolved from the JSON, else the raw reference. */
  readonly securable: string;
  readonly principal: string;
  readonly privileges: readonly string[];
}

/** Every (principal, securable, privileges) triple granted by the stack, in address order. */
export function grantRows(stack: SynthesizedStack): GrantRow[] {
  const rows: GrantRow[] = [];
  for (const r of resourcesOfType(stack, "databricks_grants", "databricks_grant")) {
    const { kind, securable } = securableOf(stack, r.body);
    const authoritative = r.type === "databricks_grants";
    const entries = authoritative ? blocks(r.body.grant) : [r.body];
    for (const g of entries) {
      rows.push({ address: r.address, authoritative, kind, securable, principal: String(g.principal ?? ""), privileges: strings(g.privileges) });
    }
  }
  return rows;
}

export function securableOf(stack: SynthesizedStack, body: Json): { kind: string; securable: string } {
  const kind = SECURABLE_KINDS.find((k) => body[k] !== undefined) ?? "unknown";
  return { kind, securable: resolveName(stack, body[kind]) };
}

const REFERENCE = /^\$\{(databricks_[a-z_0-9]+)\.([^.}]+)\.(name|id|full_name)\}$/;

/**
 * Resolves `${databricks_schema.X.id}`-style references to the UC name written in the same stack,
 * so a grant by reference and a grant by literal name are recognised as the same securable.
 * `.name` is the object's own name; `.id` / `.full_name` the dotted full name.
 */
export function resolveName(stack: SynthesizedStack, value: unknown, depth = 0): string {
  const text = typeof value === "string" ? value : String(value ?? "");
  const match = REFERENCE.exec(text);
  if (!match || depth > 3) return text;
  const body = stack.resource?.[match[1]]?.[match[2]];
  if (!body || typeof body.name !== "string") return text;
  if (match[3] === "name") return body.name;
  const parents = [body.catalog_name, body.schema_name].filter((p) => p !== undefined).map((p) => resolveName(stack, p, depth + 1));
  return [...parents, body.name].join(".");
}
