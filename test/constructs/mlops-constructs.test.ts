import { InferenceMonitor, InferenceMonitorProps } from "../../constructs/inference-monitor";
import { ProcessedInferenceTable, ProcessedInferenceTableProps } from "../../constructs/inference-table";
import { ServedModelEndpoint, ServedModelEndpointProps } from "../../constructs/served-model-endpoint";
import { onlyResource, synthConstructs } from "../helpers";

const baseEndpoint: ServedModelEndpointProps = {
  name: "dev-churn",
  modelName: "ml.churn.churn_classifier",
  modelVersion: "3",
  workloadSize: "Small",
  scaleToZero: true,
  inferenceTable: { catalogName: "obs", schemaName: "mlops", tableNamePrefix: "churn" },
  adminGroup: "platform-admins",
  consumers: ["data-analysts"],
};
const synthEndpoint = (props: Partial<ServedModelEndpointProps> = {}) =>
  synthConstructs((scope) => new ServedModelEndpoint(scope, "Endpoint", { ...baseEndpoint, ...props }));

describe("ServedModelEndpoint", () => {
  test("serves one version with explicit workload size and scale to zero", () => {
    const serving = onlyResource(synthEndpoint({ workloadSize: "Medium", scaleToZero: false }), "databricks_model_serving");
    expect(serving.name).toBe("dev-churn");
    expect(serving.config).toEqual({
      served_entities: [
        {
          name: "churn-classifier",
          entity_name: "ml.churn.churn_classifier",
          entity_version: "3",
          workload_size: "Medium",
          workload_type: "CPU",
          scale_to_zero_enabled: false,
        },
      ],
    });
  });

  test("logs to an AI Gateway inference table, never the legacy auto_capture_config", () => {
    const serving = onlyResource(synthEndpoint({ rateLimits: [{ calls: 50, key: "user", renewalPeriod: "minute" }] }), "databricks_model_serving");
    expect(serving.ai_gateway).toEqual({
      inference_table_config: { catalog_name: "obs", schema_name: "mlops", table_name_prefix: "churn", enabled: true },
      usage_tracking_config: { enabled: true },
      rate_limits: [{ calls: 50, key: "user", renewal_period: "minute" }],
    });
    expect(JSON.stringify(serving)).not.toContain("auto_capture_config");
    expect(serving.rate_limits).toBeUndefined(); // the deprecated top-level rate limits
  });

  test("exposes the payload table name", () => {
    synthConstructs((scope) => {
      const e = new ServedModelEndpoint(scope, "Endpoint", baseEndpoint);
      expect(e.payloadTableName).toBe("obs.mlops.churn_payload");
    });
  });

  test("CAN_MANAGE for the admin group only, CAN_QUERY for consumers (groups and service principals)", () => {
    const sp = "11111111-2222-4333-8444-555555555555";
    const perms = onlyResource(synthEndpoint({ consumers: ["data-scientists", sp] }), "databricks_permissions");
    expect(perms.serving_endpoint_id).toMatch(/^\$\{databricks_model_serving\.Endpoint_.*\.serving_endpoint_id\}$/);
    expect(perms.access_control).toEqual([
      { group_name: "platform-admins", permission_level: "CAN_MANAGE" },
      { service_principal_name: sp, permission_level: "CAN_QUERY" },
      { group_name: "data-scientists", permission_level: "CAN_QUERY" },
    ]);
  });

  test.each<[string, Partial<ServedModelEndpointProps>, string]>([
    ["an invalid name", { name: "[dev] churn" }, 'name: expected letters, digits, - and _ (at most 63), got "[dev] churn"'],
    ["a 2-part model name", { modelName: "churn.model" }, 'modelName: expected catalog.schema.model, got "churn.model"'],
    ["the admin group as a consumer", { consumers: ["platform-admins"] }, 'consumers: "platform-admins" already has CAN_MANAGE as the admin group'],
    ["a zero rate limit", { rateLimits: [{ calls: 0, key: "endpoint", renewalPeriod: "minute" }] }, "rateLimits: calls must be a positive integer, got 0"],
  ])("refuses %s", (_name, props, message) => {
    expect(() => synthEndpoint(props)).toThrow(message);
  });
});

const baseTable: ProcessedInferenceTableProps = {
  catalogName: "obs",
  schemaName: "mlops",
  name: "churn_processed",
  warehouseId: "wh-1",
  columns: { prediction: "prediction", label: "label", modelId: "model_id", timestamp: "timestamp" },
  predictionType: "double",
  features: [{ name: "tenure_months", type: "double" }],
};

describe("ProcessedInferenceTable", () => {
  test("a managed Delta table with an explicit schema and Change Data Feed", () => {
    const table = onlyResource(synthConstructs((scope) => new ProcessedInferenceTable(scope, "Table", baseTable)), "databricks_sql_table");
    expect(table).toMatchObject({
      catalog_name: "obs",
      schema_name: "mlops",
      name: "churn_processed",
      table_type: "MANAGED",
      data_source_format: "DELTA",
      warehouse_id: "wh-1",
      properties: { "delta.enableChangeDataFeed": "true" },
    });
    const cols = table.column as { name: string; type: string; nullable?: boolean }[];
    expect(cols.map((c) => `${c.name}:${c.type}`)).toEqual([
      "request_id:string",
      "record_index:int",
      "client_request_id:string",
      "timestamp:timestamp",
      "request_date:date",
      "model_id:string",
      "prediction:double",
      "label:double",
      "status_code:int",
      "execution_duration_ms:bigint",
      "requester:string",
      "tenure_months:double",
      "processed_at:timestamp",
    ]);
    expect(cols.filter((c) => c.nullable === false).map((c) => c.name)).toEqual(["request_id", "record_index"]);
  });

  test("refuses a feature that reuses a fixed column", () => {
    expect(() =>
      synthConstructs((scope) => new ProcessedInferenceTable(scope, "Table", { ...baseTable, features: [{ name: "status_code", type: "int" }] })),
    ).toThrow("columns: duplicate column names status_code");
  });
});

const baseMonitor: InferenceMonitorProps = {
  tableName: "obs.mlops.churn_processed",
  assetsDir: "/Workspace/Shared/obs/mlops/monitors/churn",
  outputSchemaName: "obs.mlops",
  problemType: "PROBLEM_TYPE_CLASSIFICATION",
  predictionCol: "prediction",
  labelCol: "label",
  modelIdCol: "model_id",
  timestampCol: "timestamp",
  granularities: ["1 day"],
  baselineTableName: "ml.churn.training",
  slicingExprs: ["plan"],
  schedule: { quartzCron: "0 0 2 * * ?", timezone: "UTC" },
  failureEmails: ["ops@example.com"],
};
const synthMonitor = (props: Partial<InferenceMonitorProps> = {}) =>
  onlyResource(synthConstructs((scope) => new InferenceMonitor(scope, "Monitor", { ...baseMonitor, ...props })), "databricks_quality_monitor");

describe("InferenceMonitor", () => {
  test("an inference_log monitor with baseline, slices, schedule and failure e-mails", () => {
    expect(synthMonitor()).toEqual({
      table_name: "obs.mlops.churn_processed",
      assets_dir: "/Workspace/Shared/obs/mlops/monitors/churn",
      output_schema_name: "obs.mlops",
      baseline_table_name: "ml.churn.training",
      slicing_exprs: ["plan"],
      inference_log: [
        {
          problem_type: "PROBLEM_TYPE_CLASSIFICATION",
          prediction_col: "prediction",
          label_col: "label",
          model_id_col: "model_id",
          timestamp_col: "timestamp",
          granularities: ["1 day"],
        },
      ],
      // pause_status is read-only in the provider: never set.
      schedule: [{ quartz_cron_expression: "0 0 2 * * ?", timezone_id: "UTC" }],
      notifications: [{ on_failure: [{ email_addresses: ["ops@example.com"] }] }],
    });
  });

  test("regression without labels has no label column", () => {
    const log = (synthMonitor({ problemType: "PROBLEM_TYPE_REGRESSION", labelCol: undefined }).inference_log as Record<string, unknown>[])[0];
    expect(log.problem_type).toBe("PROBLEM_TYPE_REGRESSION");
    expect(log).not.toHaveProperty("label_col");
  });

  test.each<[string, Partial<InferenceMonitorProps>, string]>([
    ["an unknown granularity", { granularities: ["1 fortnight"] }, 'granularities: expected one of 5 minutes|30 minutes|1 hour|1 day|1 week|2 weeks|3 weeks|4 weeks|1 month|1 year, got "1 fortnight"'],
    ["no granularity", { granularities: [] }, "granularities: at least one is required"],
    ["no failure e-mail", { failureEmails: [] }, "failureEmails: at least one address is required"],
    ["a relative assets dir", { assetsDir: "monitors" }, 'assetsDir: expected an absolute workspace path, got "monitors"'],
    ["the same column twice", { labelCol: "prediction" }, "columns: prediction, label, model id and timestamp must differ"],
  ])("refuses %s", (_name, props, message) => {
    expect(() => synthMonitor(props)).toThrow(message);
  });
});
