import * as fs from "fs";
import * as path from "path";
import { isMap, isScalar, isSeq, parseDocument } from "yaml";
import { z } from "zod";
import { findSecret } from "../../vocabulary/secret-shapes";
import { EnvironmentConfig, environmentSchema } from "./schema";
import { ConfigProblem, DefaultUsed, substituteEnvironment } from "./substitute";

/** Every problem of every file, reported at once; the message is what the user sees. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(problems.join("\n"));
    this.name = "ConfigError";
  }
}

export interface LoadedEnvironment {
  /** The file the configuration came from, relative to the project root, for messages. */
  readonly file: string;
  readonly config: EnvironmentConfig;
}

/** How `--strict` (CI) differs from a newcomer's plain `npm run synth`. */
export interface LoadOptions {
  /**
   * Outside the development tier, a `${VAR:default}` whose variable is unset is an error: CI
   * must never deploy the example placeholders. @default false
   */
  readonly strict?: boolean;
}

/**
 * Loads and validates every `*.yaml` file of an environments directory, sorted by name.
 * Throws one ConfigError listing all problems of all files.
 */
export function loadEnvironments(dir: string, env: NodeJS.ProcessEnv = process.env, root = process.cwd(), options: LoadOptions = {}): LoadedEnvironment[] {
  let entries: string[];
  try {
    entries = fs.readdirSync(dir);
  } catch (e) {
    throw new ConfigError([`${path.relative(root, dir) || dir}: cannot read the environments directory (${(e as NodeJS.ErrnoException).code ?? "error"})`]);
  }
  const files = entries.filter((f) => f.endsWith(".yaml") || f.endsWith(".yml")).sort();
  if (files.length === 0) throw new ConfigError([`${path.relative(root, dir) || dir}: no environment files (*.yaml) found`]);
  const loaded: LoadedEnvironment[] = [];
  const problems: string[] = [];
  for (const f of files) {
    const file = path.relative(root, path.join(dir, f));
    try {
      loaded.push(loadEnvironmentFile(path.join(dir, f), env, root, options));
    } catch (e) {
      if (e instanceof ConfigError) problems.push(...e.problems);
      else throw e;
    }
    const last = loaded[loaded.length - 1];
    if (last?.file === file) {
      const expected = path.basename(f).replace(/\.ya?ml$/, "");
      if (last.config.environment !== expected) {
        problems.push(`${file}: environment: must match the file name "${expected}", got "${last.config.environment}"`);
      }
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return loaded;
}

/** Longest string accepted anywhere in a file; bounds the work every later check does (#12 item 6). */
export const MAX_STRING_LENGTH = 65_536;
/** Environment files are a few KB; anything far larger is not configuration. */
export const MAX_FILE_BYTES = 2 * 1024 * 1024;
/** Deeper than any section of the schema nests, with room to spare. */
const MAX_DEPTH = 32;
/** Keys that are JavaScript object internals: never configuration, refused wherever they appear. */
const RESERVED_KEYS = new Set(["__proto__", "constructor", "prototype"]);
/** Terraform evaluates `${...}` (interpolation) and `%{...}` (template directives) in every string of cdk.tf.json. */
const TERRAFORM_TEMPLATE = /[$%]\{/;

/**
 * Loads one environment file: YAML, then `${VAR:default}` substitution, then the checks every
 * string gets (length, Terraform templates, secret shapes), then the schema. Every problem of the
 * file is reported at once, each with its field path; only ConfigError leaves this function for
 * bad input.
 */
export function loadEnvironmentFile(
  filePath: string,
  env: NodeJS.ProcessEnv = process.env,
  root = process.cwd(),
  options: LoadOptions = {},
): LoadedEnvironment {
  const file = path.relative(root, filePath);
  let text: string;
  try {
    const size = fs.statSync(filePath).size;
    if (size > MAX_FILE_BYTES) throw new ConfigError([`${file}: expected an environment file of at most ${MAX_FILE_BYTES} bytes, got ${size} bytes`]);
    text = fs.readFileSync(filePath, "utf8");
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    throw new ConfigError([`${file}: cannot read file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`]);
  }
  const problems: ConfigProblem[] = [];
  const raw = parseYaml(shortenLongLines(text, file, problems), file);
  const prepared = prepareTree(raw, problems);
  const defaultsUsed: DefaultUsed[] = [];
  const substituted = substituteEnvironment(prepared, env, problems, [], defaultsUsed);
  inspectTree(substituted, problems);
  if (options.strict) problems.push(...strictProblems(substituted, defaultsUsed));
  const result = environmentSchema.safeParse(withoutReservedKeys(substituted), { reportInput: true });
  if (!result.success) {
    // A field that already has a problem (a missing variable, a secret, a template) keeps that
    // one message: the schema's "required" or "invalid" would only repeat it.
    const reported = problems.map((p) => formatPath(p.path));
    const covered = (p: ConfigProblem) => reported.some((r) => r === formatPath(p.path) || formatPath(p.path).startsWith(`${r}.`) || formatPath(p.path).startsWith(`${r}[`));
    // A wrong type is the one thing to say about a field: zod also runs length checks on the
    // wrong value (`.max(3)` on a string), which would only confuse.
    const wrongType = new Set(result.error.issues.filter((i) => i.code === "invalid_type" && i.input !== undefined).map((i) => formatPath(pathOf(i))));
    const issues = result.error.issues.filter((i) => i.code === "invalid_type" || !wrongType.has(formatPath(pathOf(i))));
    problems.push(...issues.flatMap(describeIssue).filter((p) => !covered(p)));
  }
  if (problems.length > 0) {
    throw new ConfigError([...new Set(problems.map((p) => `${file}: ${formatPath(p.path)}: ${p.message}`))].sort());
  }
  return { file, config: (result as { data: EnvironmentConfig }).data };
}

/**
 * The YAML parser takes ~0.3 s of CPU per MB of double-quoted scalar, so a value longer than any
 * field may hold is cut out before parsing: its line keeps the key and gets an empty value, and
 * the problem is reported at the field's path, found from the shortened document's positions.
 */
function shortenLongLines(text: string, file: string, problems: ConfigProblem[]): string {
  const lines = text.split("\n");
  const long: { index: number; length: number }[] = [];
  lines.forEach((line, index) => {
    if (line.length <= MAX_STRING_LENGTH) return;
    // `key: value` or `- value`: keep what precedes the value, so the structure parses as before.
    const head = /^(\s{0,256}(?:- {1,8})?[^\s:#"'][^:#]{0,1024}: |\s{0,256}- )/.exec(line.slice(0, 2048))?.[0];
    if (!head) throw new ConfigError([`${file}: line ${index + 1}: expected lines of at most ${MAX_STRING_LENGTH} characters, got ${line.length} characters`]);
    const value = line.slice(head.length).trim();
    const quoted = value.length >= 2 && (value[0] === '"' || value[0] === "'") && value[value.length - 1] === value[0];
    lines[index] = `${head}""`;
    long.push({ index, length: quoted ? value.length - 2 : value.length });
  });
  if (long.length === 0) return text;
  const shortened = lines.join("\n");
  const offsets: number[] = [];
  for (let i = 0, at = 0; i < lines.length; at += lines[i].length + 1, i++) offsets.push(at);
  const doc = parseDocument(shortened, { uniqueKeys: false });
  for (const { index, length } of long) {
    const found = pathAtOffset(doc.contents, offsets[index], offsets[index] + lines[index].length, []);
    problems.push({ path: found ?? [`(line ${index + 1})`], message: `expected at most ${MAX_STRING_LENGTH} characters, got ${length} characters` });
  }
  return shortened;
}

/** The path of the scalar value that starts within [from, to), walking maps and sequences. */
function pathAtOffset(node: unknown, from: number, to: number, at: (string | number)[]): (string | number)[] | undefined {
  if (isMap(node)) {
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      const found = pathAtOffset(pair.value, from, to, [...at, key]);
      if (found) return found;
    }
  } else if (isSeq(node)) {
    for (let i = 0; i < node.items.length; i++) {
      const found = pathAtOffset(node.items[i], from, to, [...at, i]);
      if (found) return found;
    }
  } else if (isScalar(node) && node.range && node.range[0] >= from && node.range[0] < to) {
    return at;
  }
  return undefined;
}

/** YAML to a JS tree; a syntax error, an alias bomb or absurd nesting is that file's YAML error. */
function parseYaml(text: string, file: string): unknown {
  let raw: unknown;
  try {
    const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
    if (doc.errors.length > 0) {
      throw new ConfigError(doc.errors.map((err) => `${file}: line ${err.linePos?.[0]?.line ?? "?"}: invalid YAML: ${firstLine(err.message)}`));
    }
    // toJS resolves aliases; the yaml package refuses excessive expansion ("billion laughs").
    raw = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    const reason = e instanceof RangeError ? "nested too deeply" : firstLine((e as Error).message ?? String(e));
    throw new ConfigError([`${file}: invalid YAML: ${reason}`]);
  }
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    throw new ConfigError([`${file}: expected a mapping of configuration sections at the top level, got ${describeKind(raw)}`]);
  }
  return raw;
}

/**
 * Copies the parsed tree into prototype-free mappings (a `__proto__` key stays a plain key), and
 * refuses what no field can hold before any pattern runs: over-long strings, absurd nesting.
 */
function prepareTree(tree: unknown, problems: ConfigProblem[], at: (string | number)[] = []): unknown {
  if (at.length > MAX_DEPTH) {
    problems.push({ path: at, message: `expected at most ${MAX_DEPTH} levels of nesting` });
    return undefined;
  }
  if (typeof tree === "string") {
    if (tree.length > MAX_STRING_LENGTH) {
      problems.push({ path: at, message: `expected at most ${MAX_STRING_LENGTH} characters, got ${tree.length} characters` });
      return "";
    }
    return tree;
  }
  if (Array.isArray(tree)) return tree.map((v, i) => prepareTree(v, problems, [...at, i]));
  if (tree instanceof Date) return tree.toISOString();
  // YAML tags !!omap/!!pairs, !!set and !!binary come out as Map, Set and Uint8Array.
  if (tree instanceof Map) return prepareTree(Object.fromEntries([...tree].map(([k, v]) => [String(k), v])), problems, at);
  if (tree instanceof Set) return prepareTree([...tree], problems, at);
  if (ArrayBuffer.isView(tree)) {
    problems.push({ path: at, message: "expected text, got binary data (!!binary)" });
    return undefined;
  }
  if (tree !== null && typeof tree === "object") {
    const out: Record<string, unknown> = Object.create(null);
    for (const key of Object.keys(tree)) {
      if (key.length > MAX_STRING_LENGTH) {
        problems.push({ path: at, message: `expected keys of at most ${MAX_STRING_LENGTH} characters, got a key of ${key.length} characters` });
        continue;
      }
      const value = prepareTree((tree as Record<string, unknown>)[key], problems, [...at, key]);
      if (value !== undefined) out[key] = value;
    }
    return out;
  }
  return tree;
}

/** Checks every key and string after substitution, where values from the environment have arrived. */
function inspectTree(tree: unknown, problems: ConfigProblem[], at: (string | number)[] = []): void {
  if (typeof tree === "string") {
    problems.push(...stringProblems(tree, at, "value"));
  } else if (Array.isArray(tree)) {
    tree.forEach((v, i) => inspectTree(v, problems, [...at, i]));
  } else if (tree !== null && typeof tree === "object") {
    for (const key of Object.keys(tree)) {
      const keyPath = [...at, key];
      if (RESERVED_KEYS.has(key)) {
        problems.push({ path: keyPath, message: "unknown key (__proto__, constructor and prototype are never configuration keys)" });
      } else {
        // Reported at the mapping's path: a path through the key would print the key, and the
        // key may be the secret.
        problems.push(...stringProblems(key, at, "key"));
      }
      inspectTree((tree as Record<string, unknown>)[key], problems, keyPath);
    }
  }
}

function stringProblems(text: string, at: (string | number)[], what: "key" | "value"): ConfigProblem[] {
  if (text.length > MAX_STRING_LENGTH) {
    return [{ path: at, message: `expected at most ${MAX_STRING_LENGTH} characters, got ${text.length} characters` }];
  }
  const kind = findSecret(text);
  if (kind) {
    return [
      {
        path: at,
        message: `${what === "key" ? "a key " : ""}looks like a ${kind}; secrets never go in configuration: pass them as sensitive Terraform variables (TF_VAR_*) at plan/apply time`,
      },
    ];
  }
  if (TERRAFORM_TEMPLATE.test(text)) {
    return [
      {
        path: at,
        message: `expected ${what === "key" ? "keys" : "literal text"} without "\${" or "%{" (Terraform would evaluate it as an expression or template in the synthesized stack), got ${what === "key" ? "the key " : ""}${show(text)}`,
      },
    ];
  }
  return [];
}

/** `--strict`: outside development, every `${VAR:default}` must have found its variable. */
function strictProblems(tree: unknown, defaultsUsed: readonly DefaultUsed[]): ConfigProblem[] {
  const tier = tree !== null && typeof tree === "object" ? (tree as Record<string, unknown>).tier : undefined;
  if (tier === "development") return [];
  return defaultsUsed.map((d) => ({
    path: d.path,
    message: `environment variable ${d.variable} is not set; --strict refuses the \${${d.variable}:default} default outside the development tier (${typeof tier === "string" ? `tier ${show(tier)}` : "tier not set"})`,
  }));
}

/** Reserved keys have their problem already; the schema sees a tree without them. */
function withoutReservedKeys(tree: unknown): unknown {
  if (Array.isArray(tree)) return tree.map(withoutReservedKeys);
  if (tree !== null && typeof tree === "object") {
    const out: Record<string, unknown> = Object.create(null);
    for (const key of Object.keys(tree)) {
      if (!RESERVED_KEYS.has(key)) out[key] = withoutReservedKeys((tree as Record<string, unknown>)[key]);
    }
    return out;
  }
  return tree;
}

/** Turns a zod issue into messages that say what was expected and what was found. */
function pathOf(issue: z.core.$ZodIssue): (string | number)[] {
  return issue.path.map((p) => (typeof p === "symbol" ? String(p) : p));
}

function describeIssue(issue: z.core.$ZodIssue): ConfigProblem[] {
  const at = pathOf(issue);
  const got = "input" in issue && issue.input !== undefined ? `, got ${show(issue.input)}` : "";
  switch (issue.code) {
    case "unrecognized_keys":
      return issue.keys.map((key) => ({ path: [...at, key], message: "unknown key" }));
    case "invalid_value":
      return [{ path: at, message: `expected one of ${issue.values.map(String).join("|")}${got}` }];
    case "invalid_type":
      return [
        issue.input === undefined
          ? { path: at, message: `required (expected ${issue.expected})` }
          : { path: at, message: `expected ${issue.expected}${got}` },
      ];
    case "invalid_union": {
      // A discriminated union reports the whole object as input; show the discriminator instead.
      const discriminator = (issue as { discriminator?: string }).discriminator;
      const value = discriminator ? (issue.input as Record<string, unknown> | undefined)?.[discriminator] : issue.input;
      return [{ path: at, message: `${issue.message}, got ${show(value)}` }];
    }
    case "custom":
      // Cross-field rules see a whole object as input: only a field-level rule shows its value.
      return [{ path: at, message: `${issue.message}${typeof issue.input === "object" ? "" : got}` }];
    default:
      return [{ path: at, message: `${lowerFirst(issue.message)}${got}` }];
  }
}

function formatPath(p: (string | number)[]): string {
  if (p.length === 0) return "(top level)";
  return p.map((seg, i) => (typeof seg === "number" ? `[${seg}]` : i === 0 ? seg : `.${seg}`)).join("");
}

/** A value as the user wrote it, never a secret and never more than a line. */
function show(value: unknown): string {
  if (typeof value === "number" && !Number.isFinite(value)) return Number.isNaN(value) ? ".nan" : value > 0 ? ".inf" : "-.inf";
  if (typeof value === "string") {
    const kind = findSecret(value);
    if (kind) return `a value that looks like a ${kind} (not shown)`;
  }
  let text: string | undefined;
  try {
    text = JSON.stringify(value, (_k, v: unknown) => (typeof v === "number" && !Number.isFinite(v) ? show(v) : v));
  } catch {
    text = undefined;
  }
  if (text === undefined) return String(value);
  if (typeof value === "object" && value !== null && findSecret(text)) return `${describeKind(value)} (not shown: it contains a secret-shaped value)`;
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function describeKind(value: unknown): string {
  if (value === null || value === undefined) return "nothing";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  return `${typeof value} ${show(value)}`;
}

function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}

function firstLine(s: string): string {
  return s.split("\n")[0];
}
