import * as fs from "fs";
import * as path from "path";
import { parseDocument } from "yaml";
import { z } from "zod";
import { findSecret } from "../../vocabulary/secret-shapes";
import { EnvironmentConfig, environmentSchema } from "./schema";
import { ConfigProblem, substituteEnvironment } from "./substitute";

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

/**
 * Loads and validates every `*.yaml` file of an environments directory, sorted by name.
 * Throws one ConfigError listing all problems of all files.
 */
export function loadEnvironments(dir: string, env: NodeJS.ProcessEnv = process.env, root = process.cwd()): LoadedEnvironment[] {
  const files = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(".yaml") || f.endsWith(".yml"))
    .sort();
  if (files.length === 0) throw new ConfigError([`${path.relative(root, dir) || dir}: no environment files (*.yaml) found`]);
  const loaded: LoadedEnvironment[] = [];
  const problems: string[] = [];
  for (const f of files) {
    const file = path.relative(root, path.join(dir, f));
    try {
      loaded.push(loadEnvironmentFile(path.join(dir, f), env, root));
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

/** Loads one environment file: YAML, then `${VAR:default}` substitution, then the schema. */
export function loadEnvironmentFile(filePath: string, env: NodeJS.ProcessEnv = process.env, root = process.cwd()): LoadedEnvironment {
  const file = path.relative(root, filePath);
  let text: string;
  try {
    text = fs.readFileSync(filePath, "utf8");
  } catch (e) {
    throw new ConfigError([`${file}: cannot read file (${(e as Error).message})`]);
  }
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(doc.errors.map((err) => `${file}: line ${err.linePos?.[0]?.line ?? "?"}: invalid YAML: ${firstLine(err.message)}`));
  }
  const raw: unknown = doc.toJS();
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    throw new ConfigError([`${file}: expected a mapping of configuration sections at the top level`]);
  }
  const problems: ConfigProblem[] = [];
  const substituted = substituteEnvironment(raw, env, problems);
  problems.push(...findSecretLiterals(substituted));
  const result = environmentSchema.safeParse(substituted, { reportInput: true });
  if (!result.success) {
    // A field whose variable was missing already has its problem; "required" would only repeat it.
    const reported = new Set(problems.map((p) => formatPath(p.path)));
    problems.push(...result.error.issues.flatMap(describeIssue).filter((p) => !reported.has(formatPath(p.path))));
  }
  if (problems.length > 0) {
    throw new ConfigError(problems.map((p) => `${file}: ${formatPath(p.path)}: ${p.message}`).sort());
  }
  return { file, config: (result as { data: EnvironmentConfig }).data };
}

function findSecretLiterals(tree: unknown, at: (string | number)[] = []): ConfigProblem[] {
  if (typeof tree === "string") {
    const kind = findSecret(tree);
    return kind
      ? [{ path: at, message: `looks like a ${kind}; secrets never go in configuration: pass them as sensitive Terraform variables (TF_VAR_*) at plan/apply time` }]
      : [];
  }
  if (Array.isArray(tree)) return tree.flatMap((v, i) => findSecretLiterals(v, [...at, i]));
  if (tree !== null && typeof tree === "object") {
    return Object.entries(tree).flatMap(([k, v]) => findSecretLiterals(v, [...at, k]));
  }
  return [];
}

/** Turns a zod issue into messages that say what was expected and what was found. */
function describeIssue(issue: z.core.$ZodIssue): ConfigProblem[] {
  const at = issue.path.map((p) => (typeof p === "symbol" ? String(p) : p));
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

function show(value: unknown): string {
  const text = JSON.stringify(value);
  if (text === undefined) return String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}

function firstLine(s: string): string {
  return s.split("\n")[0];
}
