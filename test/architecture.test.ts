import * as fs from "fs";
import * as path from "path";
import { PROJECT_ROOT } from "./helpers";

/**
 * The layer rules of docs/architecture.md, checked on the import graph of the TypeScript
 * sources: constructs/ never imports stacks/ or policy/, vocabulary/ imports no layer, and no
 * module imports itself through a cycle.
 */
const LAYERS = ["stacks", "constructs", "policy", "vocabulary", "scripts"] as const;
type Layer = (typeof LAYERS)[number];

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(full);
    return e.name.endsWith(".ts") && !e.name.endsWith(".d.ts") ? [full] : [];
  });
}

/** Relative import specifiers (import/export ... from, import(), require()), resolved to files. */
export function importsOf(file: string, text = fs.readFileSync(file, "utf8")): string[] {
  const specifiers = [...text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+)["']([^"']+)["']/gm)].map((m) => m[1]);
  return specifiers
    .filter((s) => s.startsWith("."))
    .map((s) => {
      const base = path.resolve(path.dirname(file), s);
      return [`${base}.ts`, path.join(base, "index.ts"), base].find((f) => fs.existsSync(f) && fs.statSync(f).isFile()) ?? base;
    });
}

function layerOf(file: string): Layer | undefined {
  const top = path.relative(PROJECT_ROOT, file).split(path.sep)[0];
  return (LAYERS as readonly string[]).includes(top) ? (top as Layer) : undefined;
}

/** One cycle of the graph as a path a -> b -> a, or undefined. */
export function findCycle(graph: ReadonlyMap<string, readonly string[]>): string[] | undefined {
  const state = new Map<string, "visiting" | "done">();
  const stack: string[] = [];
  const visit = (node: string): string[] | undefined => {
    if (state.get(node) === "done") return undefined;
    if (state.get(node) === "visiting") return [...stack.slice(stack.indexOf(node)), node];
    state.set(node, "visiting");
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      const found = graph.has(next) ? visit(next) : undefined;
      if (found) return found;
    }
    stack.pop();
    state.set(node, "done");
    return undefined;
  };
  for (const node of [...graph.keys()].sort()) {
    const found = visit(node);
    if (found) return found;
  }
  return undefined;
}

const files = LAYERS.flatMap((l) => (fs.existsSync(path.join(PROJECT_ROOT, l)) ? sourceFiles(path.join(PROJECT_ROOT, l)) : []));
const graph = new Map(files.map((f) => [f, importsOf(f)]));
const rel = (f: string) => path.relative(PROJECT_ROOT, f);

function violations(from: Layer, forbidden: readonly Layer[]): string[] {
  return [...graph.entries()]
    .filter(([f]) => layerOf(f) === from)
    .flatMap(([f, deps]) => deps.filter((d) => forbidden.includes(layerOf(d) as Layer)).map((d) => `${rel(f)} imports ${rel(d)}`));
}

describe("the layer rules", () => {
  test("sees the sources of every layer", () => {
    for (const l of ["stacks", "constructs", "policy", "vocabulary"] as const) expect(files.some((f) => layerOf(f) === l)).toBe(true);
    expect(graph.get(path.join(PROJECT_ROOT, "stacks", "observability-stack.ts"))).toContain(path.join(PROJECT_ROOT, "constructs", "foundation.ts"));
  });

  test("constructs/ imports nothing from stacks/ or policy/", () => {
    expect(violations("constructs", ["stacks", "policy", "scripts"])).toEqual([]);
  });

  test("vocabulary/ imports no layer", () => {
    expect(violations("vocabulary", ["stacks", "constructs", "policy", "scripts"])).toEqual([]);
  });

  test("policy/ reads no configuration or construct code (its CLI, policy/main.ts, loads the environment files)", () => {
    const found = violations("policy", ["stacks", "constructs", "scripts"]).filter((v) => !v.startsWith(`policy${path.sep}main.ts `));
    expect(found).toEqual([]);
  });

  test("there are no import cycles", () => {
    const cycle = findCycle(graph);
    expect(cycle?.map(rel).join(" -> ")).toBeUndefined();
  });

  test("the cycle finder reports a cycle, and the import reader sees every specifier form", () => {
    expect(findCycle(new Map([["a", ["b"]], ["b", ["c"]], ["c", ["a"]]]))).toEqual(["a", "b", "c", "a"]);
    expect(findCycle(new Map([["a", ["b"]], ["b", []]]))).toBeUndefined();
    const fake = path.join(PROJECT_ROOT, "constructs", "x.ts");
    const text = `import { a } from "./core";\nexport * from "../stacks/app";\nimport "./errors";\nconst m = require("../policy/pack");\nconst n = await import("../vocabulary/tiers");\nimport * as fs from "fs";`;
    expect(importsOf(fake, text).map(rel)).toEqual([
      path.join("constructs", "core.ts"),
      path.join("stacks", "app.ts"),
      path.join("constructs", "errors.ts"),
      path.join("policy", "pack.ts"),
      path.join("vocabulary", "tiers.ts"),
    ]);
  });
});
