import * as fs from "fs";
import * as path from "path";
import { parse, stringify } from "yaml";
import { z } from "zod";
import { ConfigError, loadEnvironmentFile } from "../stacks/config/load";
import { environmentSchema } from "../stacks/config/schema";
import { PROJECT_ROOT, tempDir } from "./helpers";

/**
 * Generated, not listed (#12 tests): every field path of the zod schema, found by walking the
 * schema, gets a value of the wrong type in an otherwise valid prod.yaml, and the loader must
 * report it at exactly that path.
 */

type Segment = string | number;
/** Where a discriminated union picks its variant, so the document is built with that variant. */
interface Variant {
  readonly at: Segment[];
  readonly key: string;
  readonly value: string;
}
interface FieldPath {
  readonly path: Segment[];
  /** The zod def type of the field (after unwrapping optional/default/pipe). */
  readonly kind: string;
  readonly variants: Variant[];
}

type Def = { type: string; [key: string]: unknown };
const defOf = (schema: unknown): Def => (schema as { _zod: { def: Def } })._zod.def;

function unwrap(schema: unknown): unknown {
  let s = schema;
  for (;;) {
    const def = defOf(s);
    if (["optional", "default", "prefault", "nullable", "readonly"].includes(def.type)) s = def.innerType;
    else if (def.type === "pipe") s = defOf(def.in).type === "transform" ? def.out : def.in;
    else return s;
  }
}

function fieldPaths(schema: unknown, at: Segment[] = [], variants: Variant[] = []): FieldPath[] {
  const s = unwrap(schema);
  const def = defOf(s);
  const here: FieldPath[] = at.length > 0 ? [{ path: at, kind: def.type, variants }] : [];
  switch (def.type) {
    case "object":
      return [...here, ...Object.entries(def.shape as Record<string, unknown>).flatMap(([k, v]) => fieldPaths(v, [...at, k], variants))];
    case "array":
      return [...here, ...fieldPaths(def.element, [...at, 0], variants)];
    case "record":
      return [...here, ...fieldPaths(def.valueType, [...at, "somekey"], variants)];
    case "union": {
      const discriminator = def.discriminator as string | undefined;
      if (!discriminator) return here;
      return [
        ...here,
        { path: [...at, discriminator], kind: "literal", variants },
        ...(def.options as unknown[]).flatMap((option) => {
          const shape = defOf(unwrap(option)).shape as Record<string, unknown>;
          const value = String((defOf(unwrap(shape[discriminator])).values as unknown[])[0]);
          return fieldPaths(option, at, [...variants, { at, key: discriminator, value }]).filter((f) => f.path.length > at.length && f.path[at.length] !== discriminator);
        }),
      ];
    }
    default:
      return here;
  }
}

/** A value no field of this kind accepts. */
function wrongValue(kind: string): unknown {
  switch (kind) {
    case "string":
    case "enum":
    case "literal":
      return 12345;
    case "number":
      return "not-a-number";
    case "boolean":
      return "not-a-boolean";
    case "union":
      return true;
    default:
      return "not-a-mapping-or-list";
  }
}

const EXAMPLE = parse(fs.readFileSync(path.join(PROJECT_ROOT, "environments", "prod.yaml"), "utf8")) as Record<string, unknown>;

function isMapping(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

/** The example document with `value` at `field.path`, creating what is missing on the way. */
function documentWith(field: FieldPath, value: unknown): Record<string, unknown> {
  const doc = structuredClone(EXAMPLE);
  let parent: Record<string | number, unknown> = doc;
  field.path.forEach((seg, i) => {
    const prefix = field.path.slice(0, i + 1);
    if (i === field.path.length - 1) {
      parent[seg] = value;
      return;
    }
    const next = field.path[i + 1];
    let child = parent[seg];
    if (typeof next === "number") {
      if (!Array.isArray(child) || child.length === 0) child = [{}];
    } else if (!isMapping(child)) {
      child = {};
    }
    const variant = field.variants.find((v) => v.at.length === prefix.length && v.at.every((s, k) => s === prefix[k]));
    if (variant && isMapping(child) && child[variant.key] !== variant.value) child = { [variant.key]: variant.value };
    parent[seg] = child;
    parent = child as Record<string | number, unknown>;
  });
  return doc;
}

function formatPath(p: Segment[]): string {
  return p.map((seg, i) => (typeof seg === "number" ? `[${seg}]` : i === 0 ? seg : `.${seg}`)).join("");
}

const FIELDS = fieldPaths(environmentSchema as z.ZodType);
const root = tempDir("dbx-paths-");
fs.mkdirSync(path.join(root, "environments"));

describe("every field path of the schema reports a wrong type at exactly that path", () => {
  test("the walk finds the schema's fields (sections, leaves, variants)", () => {
    const paths = FIELDS.map((f) => formatPath(f.path));
    expect(FIELDS.length).toBeGreaterThan(150);
    for (const p of ["tier", "catalog.properties.somekey", "stateBackend.useLockfile", "stateBackend.workspaceName", "mlops.models[0].monitoring.alertCron", "observability.destinations[0].integrationKeyVariable", "policy.suppressions[0].reason"]) {
      expect(paths).toContain(p);
    }
  });

  test.each(FIELDS.map((f) => [`${formatPath(f.path)} (${f.kind}${f.variants.length ? `, ${f.variants.map((v) => v.value).join("/")}` : ""})`, f] as const))("%s", (_name, field) => {
    const file = path.join(root, "environments", "prod.yaml");
    fs.writeFileSync(file, stringify(documentWith(field, wrongValue(field.kind))));
    let problems: string[] = [];
    try {
      loadEnvironmentFile(file, {}, root);
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      problems = [...e.problems];
    }
    const at = `environments/prod.yaml: ${formatPath(field.path)}: `;
    const here = problems.filter((p) => p.startsWith(at));
    expect({ field: formatPath(field.path), problems: here.length }).toEqual({ field: formatPath(field.path), problems: 1 });
    expect(here[0]).toMatch(/expected|unknown|invalid/);
    // Nothing is blamed on a path inside the wrong value.
    expect(problems.filter((p) => p.startsWith(`environments/prod.yaml: ${formatPath(field.path)}.`) || p.startsWith(`environments/prod.yaml: ${formatPath(field.path)}[`))).toEqual([]);
  });
});
