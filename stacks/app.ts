import * as path from "path";
import { App } from "../constructs/core";
import { environmentCollisions } from "./config/collisions";
import { ConfigError, LoadedEnvironment, loadEnvironments } from "./config/load";
import { resolvePlatformSpec } from "./config/resolve";
import { PlatformSpec } from "./config/spec";
import { ObservabilityStack } from "./observability-stack";
import { loadSystemTableRegistry } from "./registry";

export interface BuildAppOptions {
  readonly projectRoot: string;
  /** Where `app.synth()` writes the JSON (assets are published by stacks/synth.ts, FileAsset). */
  readonly outdir: string;
  /** @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /** @default "<projectRoot>/environments" */
  readonly environmentsDir?: string;
  /** Refuse `${VAR:default}` defaults outside the development tier (`npm run synth -- --strict`). @default false */
  readonly strict?: boolean;
}

export interface BuiltApp {
  readonly app: App;
  /** The validated environments the stacks were built from, one per stack. */
  readonly environments: LoadedEnvironment[];
}

/**
 * Every environment file loaded, validated and resolved, and checked against the others (no two
 * manage the same catalog, state or folder). Throws ConfigError; builds nothing.
 */
export function resolveEnvironments(options: Omit<BuildAppOptions, "outdir">): { environments: LoadedEnvironment[]; specs: PlatformSpec[] } {
  const root = options.projectRoot;
  const environments = loadEnvironments(options.environmentsDir ?? path.join(root, "environments"), options.env ?? process.env, root, { strict: options.strict });
  const resolved = environments.map(({ file, config }) => ({ file, spec: resolvePlatformSpec(config, { projectRoot: root }) }));
  const collisions = environmentCollisions(resolved);
  if (collisions.length > 0) throw new ConfigError(collisions);
  return { environments, specs: resolved.map((r) => r.spec) };
}

/** Builds the app: one stack per environment file. Throws ConfigError before any construct exists. */
export function buildApp(options: BuildAppOptions): BuiltApp {
  const { environments, specs } = resolveEnvironments(options);
  const systemTables = loadSystemTableRegistry(path.join(options.projectRoot, "sql", "registry", "system_tables.json"), options.projectRoot);
  const app = new App({ outdir: options.outdir, stackTraces: false, skipValidation: false });
  for (const spec of specs) {
    new ObservabilityStack(app, spec.environment, { spec, systemTables, projectRoot: options.projectRoot });
  }
  return { app, environments };
}
