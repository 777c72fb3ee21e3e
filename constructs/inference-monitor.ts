import { QualityMonitor } from "@cdktf/provider-databricks/lib/quality-monitor";
import { Construct } from "constructs";
import { TerraformResource } from "./core";
import { throwIfProblems } from "./errors";

export const MONITOR_PROBLEM_TYPES = ["PROBLEM_TYPE_CLASSIFICATION", "PROBLEM_TYPE_REGRESSION"] as const;

/** Window sizes Lakehouse Monitoring accepts (Databricks docs, "Create a monitor using the API"). */
export const MONITOR_GRANULARITIES = [
  "5 minutes",
  "30 minutes",
  "1 hour",
  "1 day",
  "1 week",
  "2 weeks",
  "3 weeks",
  "4 weeks",
  "1 month",
  "1 year",
] as const;
export type MonitorGranularity = (typeof MONITOR_GRANULARITIES)[number];

export interface InferenceMonitorProps {
  /** The monitored table, `catalog.schema.table`; it must exist when the monitor is created. */
  readonly tableName: string;
  /** Resources the table's existence depends on (e.g. its `databricks_sql_table`). @default - none */
  readonly dependsOn?: TerraformResource[];
  /** Workspace folder for the dashboard and monitor assets. */
  readonly assetsDir: string;
  /** `catalog.schema` the profile and drift metric tables are written to. */
  readonly outputSchemaName: string;
  readonly problemType: (typeof MONITOR_PROBLEM_TYPES)[number];
  readonly predictionCol: string;
  /** @default - no label column: no model-quality metrics */
  readonly labelCol?: string;
  readonly modelIdCol: string;
  readonly timestampCol: string;
  readonly granularities: readonly string[];
  /** Training data: baseline drift is computed only when set. */
  readonly baselineTableName: string;
  /** @default - no slices */
  readonly slicingExprs?: readonly string[];
  /** Refresh schedule. Its pause status is read-only in the provider and never set. */
  readonly schedule: { readonly quartzCron: string; readonly timezone: string };
  /** Told when a refresh fails (e-mail only: monitors take no destinations). */
  readonly failureEmails: readonly string[];
  /** Warehouse of the generated dashboard; create-only. @default - chosen by Databricks */
  readonly warehouseId?: string;
}

/**
 * A Lakehouse `inference_log` monitor (`databricks_quality_monitor`) on a processed inference
 * table: profile and drift metrics per window and model, drift against the training baseline, a
 * refresh schedule and failure e-mails.
 */
export class InferenceMonitor extends Construct {
  readonly resource: QualityMonitor;
  /** `{output_schema}.{table}_drift_metrics`, as a reference known once the monitor exists. */
  readonly driftMetricsTableName: string;
  /** `{output_schema}.{table}_profile_metrics`, as a reference. */
  readonly profileMetricsTableName: string;

  constructor(scope: Construct, id: string, props: InferenceMonitorProps) {
    super(scope, id);
    throwIfProblems(this, validate(props));
    this.resource = new QualityMonitor(this, "Resource", {
      tableName: props.tableName,
      assetsDir: props.assetsDir,
      outputSchemaName: props.outputSchemaName,
      baselineTableName: props.baselineTableName,
      slicingExprs: props.slicingExprs?.length ? [...props.slicingExprs] : undefined,
      inferenceLog: [
        {
          problemType: props.problemType,
          predictionCol: props.predictionCol,
          labelCol: props.labelCol,
          modelIdCol: props.modelIdCol,
          timestampCol: props.timestampCol,
          granularities: [...props.granularities],
        },
      ],
      schedule: [{ quartzCronExpression: props.schedule.quartzCron, timezoneId: props.schedule.timezone }],
      notifications: [{ onFailure: [{ emailAddresses: [...props.failureEmails] }] }],
      warehouseId: props.warehouseId,
      dependsOn: props.dependsOn,
    });
    this.driftMetricsTableName = this.resource.driftMetricsTableName;
    this.profileMetricsTableName = this.resource.profileMetricsTableName;
  }
}

function validate(props: InferenceMonitorProps): string[] {
  const problems: string[] = [];
  if (props.granularities.length === 0) problems.push("granularities: at least one is required");
  for (const g of props.granularities) {
    if (!(MONITOR_GRANULARITIES as readonly string[]).includes(g)) problems.push(`granularities: expected one of ${MONITOR_GRANULARITIES.join("|")}, got "${g}"`);
  }
  if (!MONITOR_PROBLEM_TYPES.includes(props.problemType)) {
    problems.push(`problemType: expected one of ${MONITOR_PROBLEM_TYPES.join("|")}, got "${props.problemType}"`);
  }
  if (!props.assetsDir.startsWith("/")) problems.push(`assetsDir: expected an absolute workspace path, got "${props.assetsDir}"`);
  if (props.failureEmails.length === 0) problems.push("failureEmails: at least one address is required");
  if (!props.baselineTableName) problems.push("baselineTableName: required (baseline drift is computed only against it)");
  const cols = [props.predictionCol, props.modelIdCol, props.timestampCol, ...(props.labelCol ? [props.labelCol] : [])];
  if (new Set(cols).size !== cols.length) problems.push(`columns: prediction, label, model id and timestamp must differ, got ${cols.join(", ")}`);
  return problems;
}
