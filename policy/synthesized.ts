import { SynthesizedStack } from "./rule";

/**
 * Read helpers over synthesized Terraform JSON. The JSON is untyped input: every helper tolerates
 * a missing or oddly shaped value, because a block may be written as an object or a list of one.
 */

export type Json = Record<string, unknown>;

export interface ResourceEntry {
  readonly type: string;
  readonly logicalId: string;
  /** `type.logicalId`, as Terraform and plan JSON name it. */
  readonly address: string;
  readonly body: Json;
}

export function resourcesOfType(stack: SynthesizedStack, ...types: string[]): ResourceEntry[] {
  return types.flatMap((type) =>
    Object.entries(stack.resource?.[type] ?? {}).map(([logicalId, body]) => ({ type, logicalId, address: `${type}.${logicalId}`, body: body ?? {} })),
  );
}

export function allResources(stack: SynthesizedStack): ResourceEntry[] {
  return resourcesOfType(stack, ...Object.keys(stack.resource ?? {}).sort());
}

export function isObject(value: unknown): value is Json {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** A block written as an object or as a list of objects, always as a list. */
export function blocks(value: unknown): Json[] {
  if (Array.isArray(value)) return value.filter(isObject);
  return isObject(value) ? [value] : [];
}

export function strings(value: unknown): string[] {
  if (typeof value === "string") return [value];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

/** The value at a dotted path, looking through single-element block lists. */
export function get(body: unknown, path: string): unknown {
  let at: unknown = body;
  for (const key of path.split(".")) {
    if (Array.isArray(at) && at.length === 1) at = at[0];
    if (!isObject(at)) return undefined;
    at = at[key];
  }
  return at;
}

const VARIABLE_REFERENCE = /^\$\{var\.([A-Za-z0-9_-]+)\}$/;

/** The variable name if `value` is exactly `${var.NAME}`, else undefined. */
export function variableName(value: unknown): string | undefined {
  return typeof value === "string" ? VARIABLE_REFERENCE.exec(value)?.[1] : undefined;
}

/** True for a value that Terraform resolves at plan time (`${...}` anywhere in it). */
export function isReference(value: unknown): boolean {
  return typeof value === "string" && value.includes("${");
}

/** Visits every string leaf with its JSON path (`a.b[0].c`). */
export function walkStrings(value: unknown, visit: (text: string, path: string) => void, path = ""): void {
  if (typeof value === "string") visit(value, path);
  else if (Array.isArray(value)) value.forEach((v, i) => walkStrings(v, visit, `${path}[${i}]`));
  else if (isObject(value)) for (const [k, v] of Object.entries(value)) walkStrings(v, visit, path ? `${path}.${k}` : k);
}

/** Visits every key/value pair at any depth, with the path of the value. */
export function walkEntries(value: unknown, visit: (key: string, value: unknown, path: string) => void, path = ""): void {
  if (Array.isArray(value)) value.forEach((v, i) => walkEntries(v, visit, `${path}[${i}]`));
  else if (isObject(value)) {
    for (const [k, v] of Object.entries(value)) {
      const at = path ? `${path}.${k}` : k;
      visit(k, v, at);
      walkEntries(v, visit, at);
    }
  }
}

/** The construct path cdktf records in a resource's `"//"` metadata. */
export function constructPath(body: Json): string | undefined {
  const path = get(body, "//.metadata.path");
  return typeof path === "string" ? path : undefined;
}

/** The backend type and its settings, or undefined when the stack declares none. */
export function backendOf(stack: SynthesizedStack): { type: string; settings: Json } | undefined {
  const backend = stack.terraform?.backend;
  if (isObject(backend)) {
    const [type] = Object.keys(backend);
    if (type) return { type, settings: isObject(backend[type]) ? backend[type] : {} };
  }
  // `terraform { cloud { ... } }` is HCP Terraform, remote and encrypted like `remote`.
  if (isObject(stack.terraform?.cloud)) return { type: "cloud", settings: stack.terraform.cloud };
  return undefined;
}

const APPLICATION_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A service principal is named by its application id (UUID), or by a reference resolved at plan time. */
export function isServicePrincipal(value: unknown): boolean {
  return typeof value === "string" && (APPLICATION_ID.test(value) || isReference(value));
}

/** Users are named by e-mail; groups and service principals never contain `@`. */
export function isUserEmail(value: unknown): boolean {
  return typeof value === "string" && value.includes("@") && !isReference(value);
}
