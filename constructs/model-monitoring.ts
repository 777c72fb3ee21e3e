import { DataDatabricksRegisteredModel } from "@cdktf/provider-databricks/lib/data-databricks-registered-model";
import * as path from "path";
import { Construct } from "constructs";
import { Fn } from "./core";
import { driftAlertQuery, driftStatistics } from "./drift-statistics";
import { throwIfProblems } from "./errors";
import { MONITOR_GRANULARITIES, MONITOR_PROBLEM_TYPES, InferenceMonitor } from "./inference-monitor";
import { InferenceFeature, InferenceTableColumns, ProcessedInferenceTable } from "./inference-table";
import { JobScheduleSpec, JobTaskSpec, ManagedJob } from "./managed-job";
import { MLOPS_CONTRACT_FILE, unpackParameters } from "./mlops-contract";
import { SERVING_WORKLOAD_SIZES, SERVING_WORKLOAD_TYPES, ServedModelEndpoint, ServingRateLimit } from "./served-model-endpoint";
import { SqlAlert } from "./sql-alert";
import { WorkspaceSource } from "./workspace-source";


/** One served and monitored model, every setting explicit. */
export interface MonitoredModelSpec {
  /** Short name: inference table prefix, job task key, construct id. */
  readonly name: string;
  readonly endpointName: string;
  /** Unity Catalog model, `catalog.schema.model`. */
  readonly model: string;
  /** Exactly one of version, alias: an alias is resolved to its version at plan time. */
  readonly version?: string;
  readonly alias?: string;
  readonly problemType: (typeof MONITOR_PROBLEM_TYPES)[number];
  /** Spark type of the prediction and label columns. */
  readonly predictionType: "string" | "double";
  readonly columns: InferenceTableColumns;
  readonly features: readonly InferenceFeature[];
  /** Training data: baseline drift is computed against it. */
  readonly baselineTable: string;
  /** Ground truth joined into the processed table. @default - no labels: no model-quality metrics */
  readonly labels?: { readonly table: string; readonly joinKey: string; readonly column: string };
  /** @default - no slices */
  readonly slicingExprs?: readonly string[];
  /** Granted CAN_QUERY. @default - none */
  readonly consumers?: readonly string[];
  /** @default - none */
  readonly rateLimits?: readonly ServingRateLimit[];
  readonly serving: {
    readonly workloadSize: (typeof SERVING_WORKLOAD_SIZES)[number];
    readonly scaleToZero: boolean;
    readonly workloadType: (typeof SERVING_WORKLOAD_TYPES)[number];
  };
  readonly monitoring: {
    readonly granularities: readonly (typeof MONITOR_GRANULARITIES)[number][];
    /** Monitor refresh. Monitors cannot be paused (the provider's pause_status is read-only). */
    readonly refreshSchedule: { readonly quartzCron: string; readonly timezone: string };
    readonly retentionDays: number;
    readonly driftThreshold: number;
    /**
     * Replaces the contract's default statistic of its column kind (sql/registry/drift_statistics.json).
     * @default - js_distance for categorical columns, ks_test.statistic for numeric ones
     */
    readonly driftMetric?: string;
    /** When the drift alert is evaluated; after the refresh. */
    readonly alertSchedule: JobScheduleSpec;
  };
}

export interface ModelMonitoringProps {
  readonly models: readonly MonitoredModelSpec[];
  /** The job that unpacks every model's payload table into its processed table. */
  readonly unpack: { readonly schedule: JobScheduleSpec; readonly timeoutSeconds: number; readonly lookbackHours: number };
  /** Local `notebooks/` directory (the unpack notebook). */
  readonly notebooksDir: string;
  /** Local `sql/` directory (the MLOps contract the notebook reads). */
  readonly sqlDir: string;
  /** Workspace folder of the notebook and the monitor assets. */
  readonly workspaceDir: string;
  /** Prefix of job, alert names, e.g. `[dev] `. @default "" */
  readonly namePrefix?: string;
  /** Schema of the inference and processed tables and the monitor outputs; pass references. */
  readonly schema: { readonly catalogName: string; readonly name: string; readonly fullName: string };
  readonly warehouseId: string;
  /** Owner of the processed tables. */
  readonly ownerGroup: string;
  /** The only principal with CAN_MANAGE on the endpoints. */
  readonly adminGroup: string;
  /** Told about failed unpack runs, monitor refreshes and drift. */
  readonly failureEmails: readonly string[];
  /** @default - the deploying identity */
  readonly runAsServicePrincipal?: string;
}

/** Suffix of the processed (flat) inference table: `<prefix>_processed` beside `<prefix>_payload`. */
export const PROCESSED_SUFFIX = "_processed";

/** What one model becomes. */
export interface MonitoredModel {
  readonly endpoint: ServedModelEndpoint;
  readonly table: ProcessedInferenceTable;
  readonly monitor: InferenceMonitor;
  readonly driftAlert: SqlAlert;
}

/**
 * MLOps monitoring: for each model a serving endpoint logging to an AI Gateway inference table, a
 * processed inference table, a Lakehouse inference monitor on it and a drift alert; one job
 * unpacks every payload table.
 *
 * Ordering on a fresh environment: the processed table is a `databricks_sql_table`, so the
 * monitor (which needs its table to exist) is created in the same apply, after the table. The
 * payload table is created by the endpoint; the unpack job only reads it at run time.
 */
export class ModelMonitoring extends Construct {
  readonly models: ReadonlyMap<string, MonitoredModel>;
  readonly unpackJob: ManagedJob;

  constructor(scope: Construct, id: string, props: ModelMonitoringProps) {
    super(scope, id);
    const names = props.models.map((m) => m.name);
    throwIfProblems(this, [
      ...(props.models.length === 0 ? ["models: at least one model is required"] : []),
      ...names.filter((n, i) => names.indexOf(n) !== i).map((n) => `models: duplicate name "${n}"`),
      ...props.models.filter((m) => (m.version === undefined) === (m.alias === undefined)).map((m) => `models.${m.name}: set exactly one of version, alias`),
    ]);
    const prefix = props.namePrefix ?? "";
    const notebook = new WorkspaceSource(this, "UnpackNotebook", {
      localPath: path.join(props.notebooksDir, "mlops_unpack_inference.py"),
      workspacePath: `${props.workspaceDir}/mlops_unpack_inference`,
      kind: "notebook",
    });
    // The notebook reads the processed columns and its parameters from the same contract file.
    const contract = new WorkspaceSource(this, "Contract", {
      localPath: path.join(props.sqlDir, path.relative("sql", MLOPS_CONTRACT_FILE)),
      workspacePath: `${props.workspaceDir}/mlops_contract.json`,
      kind: "file",
    });

    const tasks: JobTaskSpec[] = [];
    const models = new Map<string, MonitoredModel>();
    for (const m of props.models) {
      const scopeOf = new Construct(this, toId(m.name));
      const endpoint = new ServedModelEndpoint(scopeOf, "Endpoint", {
        name: m.endpointName,
        description: `Serves ${m.model} (${m.alias ? `alias ${m.alias}` : `version ${m.version}`}) with inference logging`,
        modelName: m.model,
        modelVersion: m.version ?? aliasVersion(scopeOf, m.model, m.alias!),
        workloadSize: m.serving.workloadSize,
        scaleToZero: m.serving.scaleToZero,
        workloadType: m.serving.workloadType,
        inferenceTable: { catalogName: props.schema.catalogName, schemaName: props.schema.name, tableNamePrefix: m.name },
        usageTracking: true,
        rateLimits: m.rateLimits,
        adminGroup: props.adminGroup,
        consumers: m.consumers,
        tags: { component: "mlops", model: m.model },
      });

      const table = new ProcessedInferenceTable(scopeOf, "ProcessedTable", {
        catalogName: props.schema.catalogName,
        schemaName: props.schema.name,
        name: `${m.name}${PROCESSED_SUFFIX}`,
        warehouseId: props.warehouseId,
        ownerGroup: props.ownerGroup,
        columns: m.columns,
        predictionType: m.predictionType,
        features: m.features,
      });

      const monitor = new InferenceMonitor(scopeOf, "Monitor", {
        tableName: table.fullName,
        dependsOn: [table.resource],
        assetsDir: `${props.workspaceDir}/monitors/${m.name}`,
        outputSchemaName: props.schema.fullName,
        problemType: m.problemType,
        predictionCol: m.columns.prediction,
        labelCol: m.labels ? m.columns.label : undefined,
        modelIdCol: m.columns.modelId,
        timestampCol: m.columns.timestamp,
        granularities: m.monitoring.granularities,
        baselineTableName: m.baselineTable,
        slicingExprs: m.slicingExprs,
        schedule: m.monitoring.refreshSchedule,
        failureEmails: props.failureEmails,
        warehouseId: props.warehouseId,
      });

      const driftAlert = new SqlAlert(scopeOf, "DriftAlert", {
        displayName: `${prefix}MLOps drift: ${m.endpointName}`,
        queryText: driftAlertQuery(monitor.driftMetricsTableName, m.monitoring.granularities[0], m.monitoring.driftThreshold, m.monitoring.driftMetric),
        warehouseId: props.warehouseId,
        column: "drift",
        aggregation: "MAX",
        operator: "GREATER_THAN",
        threshold: m.monitoring.driftThreshold,
        // No drift rows yet (no refresh, or no baseline overlap) is not an incident.
        emptyResultState: "OK",
        schedule: m.monitoring.alertSchedule,
        emails: props.failureEmails,
        retriggerSeconds: 86_400,
        runAsServicePrincipal: props.runAsServicePrincipal,
        // The notebook's folder: it exists once the notebook is uploaded (the reference orders that).
        parentPath: Fn.dirname(notebook.path),
        customSummary: `${driftSummary(m.monitoring.driftMetric)} of ${m.endpointName} above ${m.monitoring.driftThreshold} against the training baseline`,
      });

      tasks.push({
        taskKey: `unpack_${m.name}`,
        notebook: {
          path: notebook.path,
          parameters: unpackParameters({
            contract_path: contract.path,
            payload_table: endpoint.payloadTableName,
            target_table: table.fullName,
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
            lookback_hours: String(props.unpack.lookbackHours),
            default_model_id: `${m.model}/${m.version ?? m.alias}`,
          }),
        },
        retry: { maxRetries: 1, minRetryIntervalMillis: 300_000 },
      });
      models.set(m.name, { endpoint, table, monitor, driftAlert });
    }
    this.models = models;

    this.unpackJob = new ManagedJob(this, "UnpackJob", {
      name: `${prefix}MLOps inference unpack`,
      description: "Unpacks each served model's AI Gateway payload table into its processed inference table (monitored by Lakehouse Monitoring).",
      tasks,
      schedule: props.unpack.schedule,
      timeoutSeconds: props.unpack.timeoutSeconds,
      durationWarningSeconds: Math.floor(props.unpack.timeoutSeconds * 0.75),
      failureEmails: props.failureEmails,
      runAsServicePrincipal: props.runAsServicePrincipal,
    });
  }
}

function driftSummary(override?: string): string {
  const s = driftStatistics(override);
  return `drift (${s.categorical} for categorical, ${s.numeric} for numeric columns)`;
}

/** Resolves a model alias to its version number at plan time. */
function aliasVersion(scope: Construct, model: string, alias: string): string {
  const registered = new DataDatabricksRegisteredModel(scope, "RegisteredModel", { fullName: model, includeAliases: true });
  const aliases = `${registered.fqn}.model_info[0].aliases`;
  return `\${tostring(lookup(zipmap(${aliases}[*].alias_name, ${aliases}[*].version_num), "${alias}"))}`;
}

function toId(name: string): string {
  return name
    .split("_")
    .map((p) => p.charAt(0).toUpperCase() + p.slice(1))
    .join("");
}
