import * as fs from "fs";
import * as path from "path";
import { DashboardDescription } from "../constructs/lakeview/builder";
import { platformDashboards, PlatformDashboardsInput } from "../constructs/lakeview/dashboards";
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

export function exportDashboards(): DashboardExport {
  return {
    generatedBy: "scripts/export-dashboards.ts (npm run export:dashboards)",
    input: TEST_INPUT,
    dashboards: platformDashboards({ ...TEST_INPUT, sqlDir: path.join(projectRoot(), "sql", "dashboards") }).map((d) => d.describe()),
  };
}

export function exportJson(): string {
  return JSON.stringify(exportDashboards(), null, 2) + "\n";
}

if (require.main === module) {
  fs.writeFileSync(EXPORT_PATH, exportJson());
  console.log(`wrote ${path.relative(process.cwd(), EXPORT_PATH)}`);
}
