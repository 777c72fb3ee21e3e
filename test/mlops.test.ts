import * as fs from "fs";
import * as path from "path";
import { driftStatistics } from "../constructs/drift-statistics";
import { ConfigError, loadEnvironmentFile } from "../stacks/config/load";
import { EnvironmentConfig } from "../stacks/config/schema";
import { exampleStack, PROJECT_ROOT, TfJson, exampleConfigs, resourcesOf, synthStack, tempDir } from "./helpers";

const PROD = fs.readFileSync(path.join(PROJECT_ROOT, "environments", "prod.yaml"), "utf8");

function problemsOf(text: string): string[] {
  const root = tempDir("dbx-mlops-config-");
  fs.mkdirSync(path.join(root, "environments"));
  fs.writeFileSync(path.join(root, "environments", "prod.yaml"), text);
  try {
    loadEnvironmentFile(path.join(root, "environments", "prod.yaml"), {}, root);
  } catch (e) {
    if (e instanceof ConfigError) return [...e.problems];
    throw e;
  }
  return [];
}

const configs = exampleConfigs();
const stacks: Record<string, TfJson> = {};
beforeAll(() => {
  for (const env of ["dev", "aut", "prod"]) stacks[env] = exampleStack(env);
});

type R = Record<string, unknown>;
/** The MLOps resources of one type for the model `name` (logical ids start with Mlops_<Name>_). */
function mlops(env: string, type: string, model = "ChurnClassifier"): R[] {
  return Object.entries(resourcesOf(stacks[env], type))
    .filter(([id]) => id.startsWith(`Mlops_${model}_`))
    .map(([, r]) => r);
}
const one = (env: string, type: string, model?: string): R => {
  const all = mlops(env, type, model);
  if (all.length !== 1) throw new Error(`expected one ${type} for ${model ?? "ChurnClassifier"} in ${env}, found ${all.length}`);
  return all[0];
};
const servedEntity = (env: string, model?: string) => ((one(env, "databricks_model_serving", model).config as R).served_entities as R[])[0];
const inferenceLog = (env: string, model?: string) => (one(env, "databricks_quality_monitor", model).inference_log as R[])[0];
const unpackJob = (env: string) => Object.entries(resourcesOf(stacks[env], "databricks_job")).find(([id]) => id.startsWith("Mlops_UnpackJob"))![1];

describe("MLOps monitoring per environment (the reference's settings table)", () => {
  test.each([
    ["dev", "Small", true, "0 0 0 * * ?", 0.1, "PAUSED"],
    ["aut", "Small", true, "0 0 0 * * ?", 0.1, "PAUSED"],
    ["prod", "Medium", false, "0 0 2 * * ?", 0.05, "UNPAUSED"],
  ])("%s: workload %s, scale to zero %s, refresh %s, drift threshold %s, alert %s", (env, size, scaleToZero, cron, threshold, pause) => {
    expect(servedEntity(env)).toMatchObject({ workload_size: size, scale_to_zero_enabled: scaleToZero, entity_name: "ml_models.churn.churn_classifier" });
    const monitor = one(env, "databricks_quality_monitor");
    expect(monitor.schedule).toEqual([{ quartz_cron_expression: cron, timezone_id: "UTC" }]);
    expect(inferenceLog(env).granularities).toEqual(["1 day"]);
    const alert = one(env, "databricks_alert_v2");
    expect(alert.evaluation).toMatchObject({
      comparison_operator: "GREATER_THAN",
      threshold: { value: { double_value: threshold } },
      source: { name: "drift", aggregation: "MAX" },
      notification: { subscriptions: configs[env].notifications.emails.map((user_email) => ({ user_email })) },
    });
    expect((alert.schedule as R).pause_status).toBe(pause);
    const job = unpackJob(env);
    expect((job.schedule as R).pause_status).toBe(pause);
    const task = (job.task as R[]).find((t) => t.task_key === "unpack_churn_classifier")!;
    expect((task.notebook_task as R).base_parameters).toMatchObject({ retention_days: "90", prediction_type: "string" });
  });

  test.each(["dev", "aut", "prod"])("%s: AI Gateway inference table in the mlops schema; no legacy auto_capture_config", (env) => {
    const serving = one(env, "databricks_model_serving");
    expect((serving.ai_gateway as R).inference_table_config).toEqual({
      catalog_name: expect.stringContaining("${databricks_schema.MlopsSchema_"),
      schema_name: expect.stringMatching(/^\$\{databricks_schema\.MlopsSchema_\w+\.name\}$/),
      table_name_prefix: "churn_classifier",
      enabled: true,
    });
    expect((serving.ai_gateway as R).usage_tracking_config).toEqual({ enabled: true });
    expect(JSON.stringify(stacks[env])).not.toContain("auto_capture_config");
    expect(serving.name).toBe(`${env}-churn-classifier`);
  });

  test.each(["dev", "aut", "prod"])("%s: CAN_MANAGE for platform admins only, CAN_QUERY for the configured consumers", (env) => {
    expect(one(env, "databricks_permissions").access_control).toEqual([
      { group_name: "platform-admins", permission_level: "CAN_MANAGE" },
      { group_name: "data-analysts", permission_level: "CAN_QUERY" },
    ]);
  });

  test("rate limits come from the configuration", () => {
    expect((one("prod", "databricks_model_serving").ai_gateway as R).rate_limits).toEqual([
      { calls: 1000, key: "endpoint", renewal_period: "minute" },
      { calls: 100, key: "user", renewal_period: "minute" },
    ]);
  });

  test("the endpoint carries the platform's default tags", () => {
    const tags = one("prod", "databricks_model_serving").tags as { key: string; value: string }[];
    expect(tags.map((t) => t.key)).toEqual(["component", "cost_center", "environment", "managed_by", "model", "owner"]);
    expect(tags.find((t) => t.key === "environment")!.value).toBe("prod");
  });

  test("the monitor is created after the processed table the stack creates, with CDF on", () => {
    const [tableId] = Object.keys(resourcesOf(stacks.dev, "databricks_sql_table")).filter((id) => id.startsWith("Mlops_ChurnClassifier_"));
    const table = one("dev", "databricks_sql_table");
    expect(table).toMatchObject({ table_type: "MANAGED", data_source_format: "DELTA", name: "churn_classifier_processed" });
    expect(table.properties).toEqual({ "delta.enableChangeDataFeed": "true" });
    expect(table.warehouse_id).toMatch(/databricks_sql_endpoint\.Warehouse/);
    const monitor = one("dev", "databricks_quality_monitor");
    expect(monitor.depends_on).toEqual([`databricks_sql_table.${tableId}`]);
    expect(monitor.table_name).toContain(`databricks_sql_table.${tableId}.name`);
    expect(monitor.output_schema_name).toMatch(/databricks_schema\.MlopsSchema_\w+\.catalog_name\}\.\$\{databricks_schema\.MlopsSchema_\w+\.name/);
    expect(monitor.assets_dir).toBe("/Workspace/Shared/databricks-observability/dev/mlops/monitors/churn_classifier");
    expect(monitor.baseline_table_name).toBe("ml_models.churn.churn_training");
    expect(monitor.slicing_exprs).toEqual(["plan"]);
    expect(monitor.notifications).toEqual([{ on_failure: [{ email_addresses: ["platform-alerts-dev@example.com"] }] }]);
  });

  test("stateful MLOps resources are protected from destroy outside development", () => {
    for (const type of ["databricks_model_serving", "databricks_quality_monitor", "databricks_sql_table"]) {
      expect(one("prod", type).lifecycle).toEqual({ prevent_destroy: true });
      expect(one("aut", type).lifecycle).toEqual({ prevent_destroy: true });
      expect(one("dev", type).lifecycle).toBeUndefined();
    }
  });

  test("monitor shape per problem type: classification, and forecasting as regression", () => {
    expect(inferenceLog("dev")).toEqual({
      problem_type: "PROBLEM_TYPE_CLASSIFICATION",
      prediction_col: "prediction",
      model_id_col: "model_id",
      timestamp_col: "timestamp",
      granularities: ["1 day"],
    });
    // aut and prod join labels, so the monitor computes model quality too.
    expect(inferenceLog("prod").label_col).toBe("label");
    expect(inferenceLog("dev", "DemandForecast")).toMatchObject({ problem_type: "PROBLEM_TYPE_REGRESSION", prediction_col: "forecast" });
    const forecastColumns = one("dev", "databricks_sql_table", "DemandForecast").column as R[];
    expect(forecastColumns.find((c) => c.name === "forecast")!.type).toBe("double");
    expect(forecastColumns.find((c) => c.name === "horizon_days")!.type).toBe("int");
  });

  test("the drift alert reads the monitor's drift table: latest window, baseline drift, no slices", () => {
    const alert = one("prod", "databricks_alert_v2");
    const query = alert.query_text as string;
    expect(query).toMatch(/FROM IDENTIFIER\('\$\{databricks_quality_monitor\.Mlops_ChurnClassifier_Monitor_\w+\.drift_metrics_table_name\}'\)/);
    // Each column kind by its own statistic (sql/registry/drift_statistics.json defaults).
    expect(query).toContain("CASE 'js_distance'");
    expect(query).toContain("CASE 'ks_statistic'");
    expect(query).toContain("drift_type = 'BASELINE'");
    expect(query).toContain("AND granularity = '1 day'");
    expect(query).toContain("> CAST('0.05' AS DOUBLE)");
    expect(query).not.toMatch(/:[a-z_]+_statistic|:drift_table|:threshold/);
    expect(alert.display_name).toBe("[prod] MLOps drift: prod-churn-classifier");
    expect((alert.evaluation as R).empty_result_state).toBe("OK");
    expect(alert.parent_path).toMatch(/^\$\{dirname\(databricks_notebook\.Mlops_UnpackNotebook_\w+\.path\)\}$/);
  });

  test("a driftMetric override replaces the default of its own column kind only", () => {
    expect(driftStatistics("population_stability_index")).toEqual({ categorical: "js_distance", numeric: "population_stability_index" });
    expect(driftStatistics("chi_squared_pvalue")).toEqual({ categorical: "chi_squared_pvalue", numeric: "ks_statistic" });
    expect(() => driftStatistics("psi")).toThrow(/unknown drift statistic "psi"/);
  });

  test("one unpack job with a task per model, running the deployed notebook", () => {
    const job = unpackJob("dev");
    const tasks = job.task as R[];
    expect(tasks.map((t) => t.task_key)).toEqual(["unpack_churn_classifier", "unpack_demand_forecast"]);
    const params = (tasks[0].notebook_task as R).base_parameters as Record<string, string>;
    expect((tasks[0].notebook_task as R).notebook_path).toMatch(/databricks_notebook\.Mlops_UnpackNotebook_\w+\.path/);
    expect(params.payload_table).toMatch(/\.churn_classifier_payload$/);
    expect(params.target_table).toContain("databricks_sql_table.Mlops_ChurnClassifier_ProcessedTable_");
    expect(JSON.parse(params.features_json)).toEqual([
      { name: "tenure_months", type: "double" },
      { name: "plan", type: "string" },
      { name: "monthly_charges", type: "double" },
    ]);
    expect(params.label_table).toBe("");
    expect(job.name).toBe("[dev] MLOps inference unpack");
  });

  test("an alias is resolved to its version at plan time; a version is used as is", () => {
    expect(servedEntity("aut").entity_version).toBe("3");
    expect(servedEntity("prod").entity_version).toMatch(/^\$\{tostring\(lookup\(zipmap\(data\.databricks_registered_model\.Mlops_ChurnClassifier_RegisteredModel_\w+\.model_info\[0\]\.aliases\[\*\]\.alias_name, .*"champion"\)\)\}$/);
    const data = (stacks.prod as { data?: Record<string, Record<string, R>> }).data!.databricks_registered_model;
    expect(Object.values(data)).toEqual([{ full_name: "ml_models.churn.churn_classifier", include_aliases: true }]);
  });

  test("a model's serving and monitoring settings override the tier defaults", () => {
    const config: EnvironmentConfig = structuredClone(configs.dev);
    const m = config.mlops.models[0];
    config.mlops.models = [{ ...m, serving: { ...m.serving, workloadSize: "Large", scaleToZero: false }, monitoring: { ...m.monitoring, driftThreshold: 0.2, granularities: ["1 hour", "1 day"] } }];
    const tf = synthStack(config);
    const entity = ((Object.values(resourcesOf(tf, "databricks_model_serving"))[0].config as R).served_entities as R[])[0];
    expect(entity).toMatchObject({ workload_size: "Large", scale_to_zero_enabled: false });
    const alert = Object.entries(resourcesOf(tf, "databricks_alert_v2")).find(([id]) => id.startsWith("Mlops_"))![1];
    expect(((alert.evaluation as R).threshold as R).value).toEqual({ double_value: 0.2 });
    expect((Object.values(resourcesOf(tf, "databricks_quality_monitor"))[0].inference_log as R[])[0].granularities).toEqual(["1 hour", "1 day"]);
  });

  test("no models, no MLOps resources", () => {
    const config: EnvironmentConfig = structuredClone(configs.dev);
    config.mlops.models = [];
    const tf = synthStack(config);
    const ids = Object.values(tf.resource).flatMap((rs) => Object.keys(rs));
    expect(ids.filter((id) => id.startsWith("Mlops_"))).toEqual([]);
    expect(resourcesOf(tf, "databricks_model_serving")).toEqual({});
  });
});

describe("mlops configuration errors are clear", () => {
  test("the section is optional and defaults to no models", () => {
    const withoutSection = PROD.slice(0, PROD.indexOf("\n# Served models"));
    expect(problemsOf(withoutSection)).toEqual([]);
    const root = tempDir("dbx-mlops-config-");
    fs.mkdirSync(path.join(root, "environments"));
    fs.writeFileSync(path.join(root, "environments", "prod.yaml"), withoutSection);
    const { config } = loadEnvironmentFile(path.join(root, "environments", "prod.yaml"), {}, root);
    expect(config.mlops.models).toEqual([]);
  });

  test.each([
    ["an unknown template", PROD.replace("template: classification", "template: ranking"), 'environments/prod.yaml: mlops.models[0].template: expected one of classification|regression|forecasting, got "ranking"'],
    [
      "a bad granularity",
      PROD.replace("      template: classification\n", '      template: classification\n      monitoring: { granularities: ["1 fortnight"] }\n'),
      'environments/prod.yaml: mlops.models[0].monitoring.granularities[0]: expected one of 5 minutes|30 minutes|1 hour|1 day|1 week|2 weeks|3 weeks|4 weeks|1 month|1 year, got "1 fortnight"',
    ],
    [
      "a drift threshold above 1",
      PROD.replace("      template: classification\n", "      template: classification\n      monitoring: { driftThreshold: 1.5 }\n"),
      "environments/prod.yaml: mlops.models[0].monitoring.driftThreshold: expected a number between 0 and 1, got 1.5",
    ],
    [
      "a negative drift threshold",
      PROD.replace("      template: classification\n", "      template: classification\n      monitoring: { driftThreshold: -0.1 }\n"),
      "environments/prod.yaml: mlops.models[0].monitoring.driftThreshold: expected a number of 0 or more, got -0.1",
    ],
    ["a missing baseline", PROD.replace("      baselineTable: ml_models.churn.churn_training\n", ""), "environments/prod.yaml: mlops.models[0].baselineTable: required (expected string)"],
    [
      "a 2-part baseline",
      PROD.replace("baselineTable: ml_models.churn.churn_training", "baselineTable: churn_training"),
      'environments/prod.yaml: mlops.models[0].baselineTable: expected a 3-part Unity Catalog name catalog.schema.name, got "churn_training"',
    ],
    [
      "an unknown workload size",
      PROD.replace("      template: classification\n", "      template: classification\n      serving: { workloadSize: Huge }\n"),
      'environments/prod.yaml: mlops.models[0].serving.workloadSize: expected one of Small|Medium|Large, got "Huge"',
    ],
    ["both version and alias", PROD.replace("      alias: champion\n", "      alias: champion\n      version: 4\n"), "environments/prod.yaml: mlops.models[0].version: set exactly one of version, alias"],
    ["neither version nor alias", PROD.replace("      alias: champion\n", ""), "environments/prod.yaml: mlops.models[0].version: set exactly one of version, alias"],
    ["an unknown key", PROD.replace("      template: classification\n", "      template: classification\n      treshold: 0.1\n"), "environments/prod.yaml: mlops.models[0].treshold: unknown key"],
    [
      "a label join key that is not a column",
      PROD.replace("joinKey: client_request_id", "joinKey: customer_id"),
      'environments/prod.yaml: mlops.models[0].labels.joinKey: "customer_id" is not a column of the processed table (a fixed column or a feature)',
    ],
  ])("%s", (_name, text, expected) => {
    expect(problemsOf(text)).toEqual([expected]);
  });
});
