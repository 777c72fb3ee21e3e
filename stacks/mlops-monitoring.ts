import { DataDatabricksRegisteredModel } from "@cdktf/provider-databricks/lib/data-databricks-registered-model";
import * as path from "path";
import { Construct } from "constructs";
import { Fn } from "../constructs/core";
import { InferenceMonitor } from "../constructs/inference-monitor";
import { ProcessedInferenceTable } from "../constructs/inference-table";
import { JobTaskSpec, ManagedJob } from "../constructs/managed-job";
import { ServedModelEndpoint } from "../constructs/served-model-endpoint";
import { SqlAlert } from "../constructs/sql-alert";
import { WorkspaceSource } from "../constructs/workspace-source";
import { ResolvedMlopsModel, resolveMlopsModel } from "./config/mlops-schema";
import { PlatformContext } from "./platform-context";

/** Suffix of the processed (flat) inference table: `<prefix>_processed` beside `<prefix>_payload`. */
export const PROCESSED_SUFFIX = "_processed";

/**
 * MLOps monitoring: for each configured model a serving endpoint logging to an AI Gateway
 * inference table, a processed inference table created by the stack, a Lakehouse inference
 * monitor on it, and a drift alert; one job unpacks every payload table. Nothing when no model is
 * configured.
 *
 * Ordering on a fresh environment: the processed table is a `databricks_sql_table`, so the
 * monitor (which needs its table to exist) is created in the same apply, after the table. The
 * payload table is created by the endpoint; the unpack job only reads it at run time.
 */
export function addMlopsMonitoring(scope: Construct, ctx: PlatformContext): void {
  const { config } = ctx;
  const models = config.mlops.models.map((m) => resolveMlopsModel(m, config.tier, config.environment));
  if (models.length === 0) return;

  const root = new Construct(scope, "Mlops");
  const mlopsSchema = ctx.schemas.mlops;
  const workspaceDir = `${ctx.workspaceRoot}/mlops`;
  const pauseStatus = ctx.production ? "UNPAUSED" : "PAUSED";

  const notebook = new WorkspaceSource(root, "UnpackNotebook", {
    localPath: path.join(ctx.projectRoot, "notebooks", "mlops_unpack_inference.py"),
    workspacePath: `${workspaceDir}/mlops_unpack_inference`,
    kind: "notebook",
  });

  const tasks: JobTaskSpec[] = [];
  for (const m of models) {
    const scopeOf = new Construct(root, toId(m.name));
    const endpoint = new ServedModelEndpoint(scopeOf, "Endpoint", {
      name: m.endpointName,
      description: `Serves ${m.model} (${m.alias ? `alias ${m.alias}` : `version ${m.version}`}) with inference logging`,
      modelName: m.model,
      modelVersion: m.version ?? aliasVersion(scopeOf, m),
      workloadSize: m.serving.workloadSize,
      scaleToZero: m.serving.scaleToZero,
      workloadType: m.serving.workloadType,
      inferenceTable: { catalogName: mlopsSchema.catalogName, schemaName: mlopsSchema.name, tableNamePrefix: m.name },
      usageTracking: true,
      rateLimits: m.rateLimits,
      adminGroup: config.principals.platformAdmins,
      consumers: m.consumers,
      tags: { component: "mlops", model: m.model },
    });

    const table = new ProcessedInferenceTable(scopeOf, "ProcessedTable", {
      catalogName: mlopsSchema.catalogName,
      schemaName: mlopsSchema.name,
      name: `${m.name}${PROCESSED_SUFFIX}`,
      warehouseId: ctx.warehouseId,
      ownerGroup: config.catalog.ownerGroup,
      columns: m.columns,
      predictionType: m.predictionType,
      features: m.features,
    });

    const monitor = new InferenceMonitor(scopeOf, "Monitor", {
      tableName: table.fullName,
      dependsOn: [table.resource],
      assetsDir: `${workspaceDir}/monitors/${m.name}`,
      outputSchemaName: mlopsSchema.fullName,
      problemType: m.problemType,
      predictionCol: m.columns.prediction,
      labelCol: m.labels ? m.columns.label : undefined,
      modelIdCol: m.columns.modelId,
      timestampCol: m.columns.timestamp,
      granularities: m.monitoring.granularities,
      baselineTableName: m.baselineTable,
      slicingExprs: m.slicingExprs,
      schedule: { quartzCron: m.monitoring.refreshCron, timezone: m.monitoring.timezone },
      failureEmails: config.notifications.emails,
      warehouseId: ctx.warehouseId,
    });

    new SqlAlert(scopeOf, "DriftAlert", {
      displayName: `${ctx.namePrefix}MLOps drift: ${m.endpointName}`,
      queryText: driftAlertQuery(monitor.driftMetricsTableName, m.monitoring.driftMetric, m.monitoring.granularities[0]),
      warehouseId: ctx.warehouseId,
      column: "drift",
      aggregation: "MAX",
      operator: "GREATER_THAN",
      threshold: m.monitoring.driftThreshold,
      // No drift rows yet (no refresh, or no baseline overlap) is not an incident.
      emptyResultState: "OK",
      schedule: { quartzCron: m.monitoring.alertCron, timezone: m.monitoring.timezone, pauseStatus },
      emails: config.notifications.emails,
      retriggerSeconds: 86_400,
      runAsServicePrincipal: ctx.runAsServicePrincipal,
      // The notebook's folder: it exists once the notebook is uploaded (the reference orders that).
      parentPath: Fn.dirname(notebook.path),
      customSummary: `${m.monitoring.driftMetric} of ${m.endpointName} above ${m.monitoring.driftThreshold} against the training baseline`,
    });

    tasks.push({
      taskKey: `unpack_${m.name}`,
      notebook: { path: notebook.path, parameters: unpackParameters(m, endpoint.payloadTableName, table.fullName, config.mlops.unpack.lookbackHours) },
      retry: { maxRetries: 1, minRetryIntervalMillis: 300_000 },
    });
  }

  const unpack = config.mlops.unpack;
  new ManagedJob(root, "UnpackJob", {
    name: `${ctx.namePrefix}MLOps inference unpack`,
    description: "Unpacks each served model's AI Gateway payload table into its processed inference table (monitored by Lakehouse Monitoring).",
    tasks,
    schedule: { quartzCron: unpack.quartzCron, timezone: unpack.timezone, pauseStatus },
    timeoutSeconds: unpack.timeoutSeconds,
    durationWarningSeconds: Math.floor(unpack.timeoutSeconds * 0.75),
    failureEmails: config.notifications.emails,
    runAsServicePrincipal: ctx.runAsServicePrincipal,
  });
}

/**
 * Latest-window baseline drift of every column (prediction and features), table level (no
 * slice), one granularity. Returns no rows until the monitor has refreshed once.
 */
export function driftAlertQuery(driftTable: string, metric: string, granularity: string): string {
  const base = `FROM ${driftTable}\nWHERE drift_type = 'BASELINE' AND slice_key IS NULL AND granularity = '${granularity}'`;
  return [
    `SELECT column_name, \`window\`.start AS window_start, ${metric} AS drift`,
    base,
    `  AND ${metric} IS NOT NULL`,
    `  AND \`window\`.start = (SELECT MAX(\`window\`.start) ${base.replace("\n", " ")})`,
  ].join("\n");
}

function unpackParameters(m: ResolvedMlopsModel, payloadTable: string, targetTable: string, lookbackHours: number): Record<string, string> {
  return {
    payload_table: payloadTable,
    target_table: targetTable,
    prediction_col: m.columns.prediction,
    label_col: m.columns.label,
    model_id_col: m.columns.modelId,
    timestamp_col: m.columns.timestamp,
    prediction_type: m.predictionType,
    features_json: JSON.stringify(m.features.map((f) => ({ name: f.name, type: f.type }))),
    label_table: m.labels?.table ?? "",
    label_join_key: m.labels?.joinKey ?? "",
    label_source_col: m.labels?.column ?? "",
    retention_days: String(m.monitoring.retentionDays),
    lookback_hours: String(lookbackHours),
    default_model_id: `${m.model}/${m.version ?? m.alias}`,
  };
}

/** Resolves a model alias to its version number at plan time. */
function aliasVersion(scope: Construct, m: ResolvedMlopsModel): string {
  const model = new DataDatabricksRegisteredModel(scope, "RegisteredModel", { fullName: m.model, includeAliases: true });
  const aliases = `${model.fqn}.model_info[0].aliases`;
  return `\${tostring(lookup(zipmap(${aliases}[*].alias_name, ${aliases}[*].version_num), "${m.alias}"))}`;
}

function toId(name: string): string {
  return name
    .split("_")
    .map((p) => p.charAt(0).toUpperCase() + p.slice(1))
    .join("");
}
