import * as fs from "fs";
import * as path from "path";
import { DashboardDescription } from "../constructs/lakeview/builder";
import { platformDashboards, PlatformDashboardsInput } from "../constructs/lakeview/dashboards";
import { ConfigError, loadEnvironmentFile } from "../stacks/config/load";
import { resolvePlatformSpec } from "../stacks/config/resolve";
import { loadSystemTableRegistry } from "../stacks/registry";
import { projectRoot } from "./project-root";

/**
 * The dashboards as the Spark dataset tests (test/python/test_dashboard_datasets.py) and the
 * offline preview see them: every dataset's bound SQL and parameters, every widget's encoded
 * fields. Bound for the local Spark catalog with fixed schema names the tests create; three
 * bronze tables and two models (one with the forecasting template's column names) stand in for
 * the registry and the configured models. The output is checked in and a jest test keeps it
 * up to date: `npm run export:dashboards` rewrites it.
 */
export const TEST_INPUT: Omit<PlatformDashboardsInput, "sqlDir"> = {
  catalog: "spark_catalog",
  schemas: { gold: "dash_gold", bronze: "dash_bronze", etl: "dash_etl", mlops: "dash_mlops" },
  bronzeTables: [
    { name: "audit", domain: "access" },
    { name: "usage", domain: "billing" },
    { name: "job_run_timeline", domain: "lakeflow" },
  ],
  models: [
    { name: "churn_classifier", processedTable: "churn_classifier_processed", payloadTable: "churn_classifier_payload", modelIdCol: "model_id", granularity: "1 day", problemType: "PROBLEM_TYPE_CLASSIFICATION" },
    { name: "demand_forecast", processedTable: "demand_forecast_processed", payloadTable: "demand_forecast_payload", modelIdCol: "served_model", granularity: "1 day", problemType: "PROBLEM_TYPE_REGRESSION" },
  ],
};

export const EXPORT_PATH = path.join(projectRoot(), "test", "python", "dashboard_definitions.json");

export interface DashboardExport {
  readonly generatedBy: string;
  readonly input: Omit<PlatformDashboardsInput, "sqlDir">;
  readonly dashboards: readonly DashboardDescription[];
}

export function exportDashboards(input: Omit<PlatformDashboardsInput, "sqlDir"> = TEST_INPUT): DashboardExport {
  return {
    generatedBy: "scripts/export-dashboards.ts (npm run export:dashboards)",
    input,
    dashboards: platformDashboards({ ...input, sqlDir: path.join(projectRoot(), "sql", "dashboards") }).map((d) => d.describe()),
  };
}

const SCHEMA_KEYS = ["gold", "bronze", "etl", "mlops"] as const;

/**
 * The input a deployment of `envFile` would bind, on another catalog and schemas: the served
 * models come from the environment's resolved spec (the stack's own resolve step), the bronze
 * tables from the registry. `npm run simulate` binds its local workspace this way, so its
 * previews show exactly the datasets the environment would deploy.
 */
export function environmentInput(envFile: string, catalog: string, schemas: string, root = projectRoot()): Omit<PlatformDashboardsInput, "sqlDir"> {
  const pairs = new Map(schemas.split(",").map((kv) => kv.split("=", 2) as [string, string]));
  const missing = SCHEMA_KEYS.filter((k) => !pairs.get(k));
  const unknown = [...pairs.keys()].filter((k) => !(SCHEMA_KEYS as readonly string[]).includes(k));
  if (missing.length || unknown.length) {
    throw new ConfigError([`--schemas: expected ${SCHEMA_KEYS.map((k) => `${k}=<schema>`).join(",")}, got "${schemas}"`]);
  }
  const { config } = loadEnvironmentFile(path.resolve(envFile), process.env, root);
  const spec = resolvePlatformSpec(config, { projectRoot: root });
  const tables = loadSystemTableRegistry(path.join(root, "sql", "registry", "system_tables.json"), root);
  return {
    catalog,
    schemas: { gold: pairs.get("gold")!, bronze: pairs.get("bronze")!, etl: pairs.get("etl")!, mlops: pairs.get("mlops")! },
    bronzeTables: tables.map((t) => ({ name: t.name, domain: t.domain })),
    models: spec.dashboards?.models ?? [],
  };
}

function flag(argv: readonly string[], name: string): string | undefined {
  const i = argv.indexOf(name);
  if (i < 0) return undefined;
  const value = argv[i + 1];
  if (value === undefined || value.startsWith("--")) throw new ConfigError([`${name}: expected a value`]);
  return value;
}

export function exportJson(): string {
  return JSON.stringify(exportDashboards(), null, 2) + "\n";
}

/**
 * No flags: rewrites the checked-in test export. `--env <file> --catalog <c> --schemas
 * gold=..,bronze=..,etl=..,mlops=.. --out <file>`: the export for that environment's models on
 * the given catalog and schemas (written to a temporary file, then renamed).
 */
function main(argv: readonly string[]): void {
  const envFile = flag(argv, "--env");
  if (envFile === undefined) {
    fs.writeFileSync(EXPORT_PATH, exportJson());
    console.log(`wrote ${path.relative(process.cwd(), EXPORT_PATH)}`);
    return;
  }
  const out = flag(argv, "--out");
  const catalog = flag(argv, "--catalog");
  const schemas = flag(argv, "--schemas");
  if (!out || !catalog || !schemas) throw new ConfigError(["--env needs --catalog, --schemas and --out"]);
  const text = JSON.stringify(exportDashboards(environmentInput(envFile, catalog, schemas)), null, 2) + "\n";
  fs.mkdirSync(path.dirname(path.resolve(out)), { recursive: true });
  fs.writeFileSync(`${out}.tmp`, text);
  fs.renameSync(`${out}.tmp`, out);
  console.log(`wrote ${out}`);
}

if (require.main === module) {
  try {
    main(process.argv.slice(2));
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    for (const problem of e.problems) console.error(problem);
    process.exit(1);
  }
}
