import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Construct } from "constructs";
import { App, TerraformStack, Testing } from "cdktf";
import { ConfigError, loadEnvironmentFile, loadEnvironments } from "../stacks/config/load";
import { EnvironmentConfig } from "../stacks/config/schema";
import { DatabricksProvider } from "@cdktf/provider-databricks/lib/provider";
import { resolvePlatformSpec } from "../stacks/config/resolve";
import { ObservabilityStack } from "../stacks/observability-stack";
import { loadSystemTableRegistry } from "../stacks/registry";
import { withoutTokenCreationStacks } from "../stacks/synth";
import { SystemTableSpec } from "../constructs/system-table";

export const PROJECT_ROOT = path.resolve(__dirname, "..");

/** A synthesized stack as Terraform JSON. */
export interface TfJson {
  resource: Record<string, Record<string, Record<string, unknown>>>;
  terraform: Record<string, unknown>;
  provider: Record<string, unknown[]>;
  [key: string]: unknown;
}

export function systemTables(): SystemTableSpec[] {
  return loadSystemTableRegistry(path.join(PROJECT_ROOT, "sql", "registry", "system_tables.json"), PROJECT_ROOT);
}

/** The shipped example configurations, with no environment variables set. */
export function exampleConfigs(): Record<string, EnvironmentConfig> {
  const loaded = loadEnvironments(path.join(PROJECT_ROOT, "environments"), {}, PROJECT_ROOT);
  return Object.fromEntries(loaded.map((l) => [l.config.environment, l.config]));
}

/**
 * The stack of one shipped example environment. Six test files read the same three stacks, and a
 * cold synth costs each of them 1–2 s, so the first file of a jest run to need one synthesizes it
 * and leaves it in the run's cache folder (test/global-setup.ts: created for the run, removed
 * after it, so never stale); the others parse it. Without that folder (a runner other than this
 * project's jest config), every call synthesizes.
 */
export function exampleStack(env: string): TfJson {
  const cache = process.env[RUN_CACHE_VARIABLE];
  const file = cache ? path.join(cache, `example-${env}.tf.json`) : undefined;
  if (file && fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, "utf8")) as TfJson;
  const config = exampleConfigs()[env];
  if (!config) throw new Error(`no example environment "${env}"`);
  const tf = synthStack(config);
  if (file) {
    // Two workers may synthesize the same stack at once: each writes its own file and renames it.
    const partial = `${file}.${process.pid}`;
    fs.writeFileSync(partial, JSON.stringify(tf));
    fs.renameSync(partial, file);
  }
  return tf;
}

/** Set by test/global-setup.ts to a folder that lives as long as one jest run. */
export const RUN_CACHE_VARIABLE = "DBX_TEST_RUN_CACHE";

/**
 * Built and synthesized as `npm run synth` does, without cdktf's token creation stacks
 * (stacks/synth.ts): the output is byte-identical (tested in config-hostile.test.ts), and
 * formatting those stacks was most of each test's synth time.
 */
export function synthStack(config: EnvironmentConfig, tables: SystemTableSpec[] = systemTables()): TfJson {
  return withoutTokenCreationStacks({}, () => {
    const app = Testing.app();
    const stack = new ObservabilityStack(app, config.environment, { spec: resolvePlatformSpec(config, { projectRoot: PROJECT_ROOT }), systemTables: tables, projectRoot: PROJECT_ROOT });
    return synthLikeTheApp(stack);
  });
}

/** Synthesizes constructs built by `build` inside a bare stack (like synthStack, without token creation stacks). */
export function synthConstructs(build: (scope: Construct) => void): TfJson {
  return withoutTokenCreationStacks({}, () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, "test");
    new DatabricksProvider(stack, "databricks", {});
    build(stack);
    return synthLikeTheApp(stack);
  });
}

/**
 * Testing.synth runs aspects and validations but, unlike the real synth, does not fail on error
 * annotations; this does, so tests see what `npm run synth` would.
 */
export function synthLikeTheApp(stack: TerraformStack): TfJson {
  const json = Testing.synth(stack, true);
  const errors = errorAnnotations(stack);
  if (errors.length > 0) throw new Error(errors.join("\n"));
  return JSON.parse(json) as TfJson;
}

export function errorAnnotations(stack: TerraformStack): string[] {
  return stack.node
    .findAll()
    .flatMap((c) => c.node.metadata.filter((m) => m.type === "@cdktf/error").map((m) => `[${c.node.path}] ${String(m.data)}`));
}

/** All resources of one type, by logical id. */
export function resourcesOf(tf: TfJson, type: string): Record<string, Record<string, unknown>> {
  return tf.resource[type] ?? {};
}

export function onlyResource(tf: TfJson, type: string): Record<string, unknown> {
  const all = Object.values(resourcesOf(tf, type));
  if (all.length !== 1) throw new Error(`expected one ${type}, found ${all.length}`);
  return all[0];
}

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function newApp(): App {
  return Testing.app();
}

/** Every file under `dir`, as sorted paths relative to it. */
export function listFiles(dir: string, prefix = ""): string[] {
  return fs
    .readdirSync(path.join(dir, prefix), { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? listFiles(dir, path.join(prefix, e.name)) : [path.join(prefix, e.name)]))
    .sort();
}

/**
 * The problems `loadEnvironmentFile` reports for `text` as `environments/prod.yaml` of a fresh
 * project root ([] when it loads).
 */
export function prodFileProblems(text: string, env: NodeJS.ProcessEnv = {}): string[] {
  const root = tempDir("dbx-config-");
  fs.mkdirSync(path.join(root, "environments"));
  const file = path.join(root, "environments", "prod.yaml");
  fs.writeFileSync(file, text);
  try {
    loadEnvironmentFile(file, env, root);
  } catch (e) {
    if (e instanceof ConfigError) return [...e.problems];
    throw e;
  }
  return [];
}
