import * as fc from "fast-check";
import * as fs from "fs";
import * as path from "path";
import { stringify } from "yaml";
import { ConfigError, loadEnvironmentFile } from "../stacks/config/load";
import { PROJECT_ROOT, tempDir } from "./helpers";

/**
 * Seeded, time-bounded property test (#12 tests): random YAML documents and random mutations of
 * the example files go to the loader. Every input yields a valid configuration or a ConfigError
 * whose problems each name the file - never another exception, a stack trace, a hang or a file
 * written next to the input.
 */

const SEED = 20261201;
// A fixed number of seeded inputs keeps the run deterministic and inside the `npm test` budget
// (npm run bench -- --suites); the time limit only guards against a hang. A longer soak:
// PROPERTY_RUNS=5000 npx jest test/config-property.test.ts
const RUNS = Number(process.env.PROPERTY_RUNS ?? 150);
const TIME_LIMIT_MS = 45_000;
const EXAMPLES = ["aut", "dev", "prod"].map((e) => fs.readFileSync(path.join(PROJECT_ROOT, "environments", `${e}.yaml`), "utf8"));

/** Fragments hostile files are made of: object internals, templates, YAML features, odd scalars. */
const HOSTILE = [
  "__proto__:",
  "constructor: x",
  "prototype:",
  "${X}",
  "${${X}}",
  "${X:}",
  "$${var.x}",
  "%{ if true }",
  ".inf",
  "-.inf",
  ".nan",
  "~",
  "null",
  "&a [1, 2]",
  "*a",
  "*undefined_alias",
  "!!binary aGVsbG8=",
  "!!set { a, b }",
  "!!omap [ a: 1 ]",
  "!!timestamp 2026-01-01",
  "!!js/function 'x'",
  "[",
  "{",
  ": :",
  "- - -",
  "? complex key",
  "'unterminated",
  '"\\u0000"',
  "0x1F",
  "1e400",
  "-0",
  "2026-12-01",
  "0 0 25 * * ?",
  "Mars/Olympus",
  "\t",
  "#",
  "<<: *a",
];

const mutation = fc.oneof(
  fc.record({ op: fc.constant("delete" as const), at: fc.nat() }),
  fc.record({ op: fc.constant("duplicate" as const), at: fc.nat() }),
  fc.record({ op: fc.constant("swap" as const), at: fc.nat(), with: fc.nat() }),
  fc.record({ op: fc.constant("value" as const), at: fc.nat(), text: fc.oneof(fc.constantFrom(...HOSTILE), fc.string({ maxLength: 20 })) }),
  fc.record({ op: fc.constant("insert" as const), at: fc.nat(), text: fc.oneof(fc.constantFrom(...HOSTILE), fc.string({ maxLength: 40 })) }),
  fc.record({ op: fc.constant("indent" as const), at: fc.nat(), by: fc.integer({ min: -4, max: 4 }) }),
);
type Mutation = typeof mutation extends fc.Arbitrary<infer T> ? T : never;

function mutate(text: string, mutations: Mutation[]): string {
  const lines = text.split("\n");
  for (const m of mutations) {
    const i = m.at % lines.length;
    switch (m.op) {
      case "delete":
        if (lines.length > 1) lines.splice(i, 1);
        break;
      case "duplicate":
        lines.splice(i, 0, lines[i]);
        break;
      case "swap": {
        const k = m.with % lines.length;
        [lines[i], lines[k]] = [lines[k], lines[i]];
        break;
      }
      case "value": {
        const colon = lines[i].indexOf(": ");
        lines[i] = colon >= 0 ? `${lines[i].slice(0, colon + 2)}${m.text}` : `${lines[i]} ${m.text}`;
        break;
      }
      case "insert":
        lines.splice(i, 0, `${" ".repeat(lines[i].length - lines[i].trimStart().length)}${m.text}`);
        break;
      case "indent":
        lines[i] = m.by >= 0 ? `${" ".repeat(m.by)}${lines[i]}` : lines[i].slice(Math.min(-m.by, lines[i].length - lines[i].trimStart().length));
        break;
    }
  }
  return lines.join("\n");
}

const randomDocument = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.jsonValue({ maxDepth: 5 }).map((v) => stringify(v)),
  fc.dictionary(fc.constantFrom("environment", "tier", "workspace", "catalog", "__proto__", "constructor", "policy", "mlops"), fc.jsonValue({ maxDepth: 3 })).map((v) => stringify(v)),
  fc.array(fc.constantFrom(...HOSTILE), { maxLength: 12 }).map((parts) => parts.join("\n")),
);

const input = fc.record({
  text: fc.oneof(
    randomDocument,
    fc.record({ example: fc.nat({ max: EXAMPLES.length - 1 }), mutations: fc.array(mutation, { minLength: 1, maxLength: 6 }) }).map(({ example, mutations }) => mutate(EXAMPLES[example], mutations)),
  ),
  env: fc.dictionary(fc.constantFrom("X", "DBX_CATALOG_PROD", "DBX_COST_CENTER", "DATABRICKS_HOST_PROD", "__proto__"), fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom(...HOSTILE))),
  strict: fc.boolean(),
});

test("every input yields a valid configuration or ConfigError problems naming the file", () => {
  const root = tempDir("dbx-property-");
  const dir = path.join(root, "environments");
  fs.mkdirSync(dir);
  const file = path.join(dir, "prod.yaml");
  let valid = 0;
  let refused = 0;
  fc.assert(
    fc.property(input, ({ text, env, strict }) => {
      fs.writeFileSync(file, text);
      try {
        const { config } = loadEnvironmentFile(file, env, root, { strict });
        expect(typeof config.environment).toBe("string");
        valid++;
      } catch (e) {
        if (!(e instanceof ConfigError)) throw new Error(`not a ConfigError: ${String(e)}`);
        expect(e.problems.length).toBeGreaterThan(0);
        for (const p of e.problems) {
          expect(p.startsWith("environments/prod.yaml: ")).toBe(true);
          expect(p).not.toMatch(/\n\s+at |Error: /);
        }
        refused++;
      }
      expect(fs.readdirSync(root)).toEqual(["environments"]);
      expect(fs.readdirSync(dir)).toEqual(["prod.yaml"]);
    }),
    { seed: SEED, numRuns: RUNS, interruptAfterTimeLimit: TIME_LIMIT_MS, markInterruptAsFailure: true },
  );
  // Both outcomes occur: the generator reaches valid files as well as broken ones.
  expect(valid).toBeGreaterThan(0);
  expect(refused).toBeGreaterThan(0);
}, TIME_LIMIT_MS + 60_000);
