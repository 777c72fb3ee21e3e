import * as fs from "fs";
import * as path from "path";
import { Construct } from "constructs";
import { throwIfProblems } from "./errors";
import { JobScheduleSpec, ManagedJob } from "./managed-job";
import { SqlAlert } from "./sql-alert";
import { bindSqlParameters } from "./sql-parameters";
import { WorkspaceSource } from "./workspace-source";

/** The alert kinds: each is a query file `sql/alerts/<kind>.sql`; what `threshold` means differs. */
export const ALERT_KINDS = {
  failed_job_runs: "failed runs of one job in the last 24 h at or above which the alert fires (1 = every failure)",
  job_health_low: "health score (0-100) below which a job is reported",
  job_duration_anomaly: "robust z-score at or above which a slow run is reported (3.5 is the usual cut-off)",
  bronze_ingestion_stale: "hours without new bronze rows after which a table is stale",
  dbu_cost_spike: "day-over-day increase of the DBU list cost, in percent",
  etl_mandatory_blockers: "number of failed mandatory ETL tasks at or above which the alert fires (1 = any)",
  platform_failures: "look-back in hours for failed runs of the platform's own jobs and pipelines",
} as const;
export type AlertKind = keyof typeof ALERT_KINDS;

export interface AnalyticsAlertSpec {
  /** Display and construct name; distinct per alert. */
  readonly name: string;
  /** Picks `sql/alerts/<kind>.sql`. */
  readonly kind: AlertKind;
  /** Meaning per kind: see ALERT_KINDS. */
  readonly threshold: number;
  readonly schedule: JobScheduleSpec;
  /** Destination ids notified. @default - none */
  readonly destinationIds?: readonly string[];
  /** Extra e-mail subscribers. @default - none */
  readonly emails?: readonly string[];
  /** Minutes between two notifications while the alert stays triggered (0 = once). */
  readonly retriggerMinutes: number;
  /** @default true */
  readonly notifyOnOk?: boolean;
}

export interface AnalyticsProps {
  /** Local `sql/` directory (analytics, ETL monitor, report and alert queries). */
  readonly sqlDir: string;
  /** Local `notebooks/` directory (the report notebook). */
  readonly notebooksDir: string;
  /** Workspace folder the SQL files and the notebook are deployed to. */
  readonly workspaceDir: string;
  /** Prefix of job and alert names, e.g. `[dev] `. @default "" */
  readonly namePrefix?: string;
  /** Pass references (Foundation's names) so the jobs are created after the catalog and schemas. */
  readonly catalogName: string;
  readonly schemas: { readonly bronze: string; readonly gold: string; readonly etlMonitor: string };
  /** `/Volumes/...` path the failed-run CSV is written under. */
  readonly reportsVolumePath: string;
  /** Pro or serverless warehouse of the SQL tasks and alerts. */
  readonly warehouseId: string;
  readonly refreshSchedule: JobScheduleSpec;
  readonly reportSchedule: JobScheduleSpec;
  readonly healthWindowDays: number;
  readonly anomaly: { readonly baselineDays: number; readonly detectionHours: number; readonly minBaselineRuns: number; readonly zThreshold: number };
  readonly reportWindowHours: number;
  readonly timeoutSeconds: number;
  /** Must be below the timeout. */
  readonly durationWarningSeconds: number;
  readonly failureEmails: readonly string[];
  /** @default - none */
  readonly failureWebhookIds?: readonly string[];
  /** @default - the deploying identity */
  readonly runAsServicePrincipal?: string;
  /**
   * Jobs and pipelines of other capabilities (ingestion) the `platform_failures` alert watches,
   * besides this construct's own jobs. @default - none
   */
  readonly watchedJobIds?: readonly string[];
  /** @default - none */
  readonly watchedPipelineIds?: readonly string[];
  /** @default - none */
  readonly alerts?: readonly AnalyticsAlertSpec[];
}

/** SQL files deployed as workspace files (SQL file tasks) and the report notebook. */
const SQL_FILES = {
  setupGold: "gold/setup.sql",
  health: "analytics/job_health_scores.sql",
  anomalies: "analytics/job_duration_anomalies.sql",
  etlSetup: "etl_monitor/setup.sql",
  failedRuns: "reports/failed_runs.sql",
} as const;
const REPORT_NOTEBOOK = "report_failed_runs.py";

/** Severity-neutral evaluation shared by every alert kind: the query returns one row per offending item. */
const ALERT_COLUMN = "alert_key";

/**
 * Job-health analytics (gold tables, health scores, duration anomalies), the ETL process monitor
 * schema, the daily failed-run report and the SQL alerts over them.
 */
export class Analytics extends Construct {
  readonly refreshJob: ManagedJob;
  readonly reportJob: ManagedJob;
  /** Alerts by name. */
  readonly alerts: ReadonlyMap<string, SqlAlert>;

  constructor(scope: Construct, id: string, props: AnalyticsProps) {
    super(scope, id);
    const alerts = props.alerts ?? [];
    throwIfProblems(this, [
      ...alerts.filter((a, i) => alerts.findIndex((b) => b.name === a.name) !== i).map((a) => `alerts: duplicate name "${a.name}"`),
      ...alerts.filter((a) => !(a.kind in ALERT_KINDS)).map((a) => `alerts.${a.name}.kind: unknown kind "${a.kind}"`),
      ...alerts.filter((a) => !(a.destinationIds?.length || a.emails?.length)).map((a) => `alerts.${a.name}: no destination or e-mail, nobody would be notified`),
    ]);
    const prefix = props.namePrefix ?? "";
    const sqlFile = (key: keyof typeof SQL_FILES) =>
      new WorkspaceSource(this, `AnalyticsSql-${key}`, {
        localPath: path.join(props.sqlDir, SQL_FILES[key]),
        workspacePath: `${props.workspaceDir}/sql/${SQL_FILES[key]}`,
        kind: "file",
      }).path;
    const files = Object.fromEntries((Object.keys(SQL_FILES) as (keyof typeof SQL_FILES)[]).map((k) => [k, sqlFile(k)])) as Record<keyof typeof SQL_FILES, string>;
    const notebook = new WorkspaceSource(this, "AnalyticsNotebook-report", {
      localPath: path.join(props.notebooksDir, REPORT_NOTEBOOK),
      workspacePath: `${props.workspaceDir}/${REPORT_NOTEBOOK.replace(/\.py$/, "")}`,
      kind: "notebook",
    }).path;

    const names = { catalog: props.catalogName, bronze_schema: props.schemas.bronze, gold_schema: props.schemas.gold, etl_schema: props.schemas.etlMonitor };
    const warehouseId = props.warehouseId;
    const common = {
      timeoutSeconds: props.timeoutSeconds,
      durationWarningSeconds: props.durationWarningSeconds,
      failureEmails: props.failureEmails,
      failureWebhookIds: props.failureWebhookIds,
      runAsServicePrincipal: props.runAsServicePrincipal,
    };

    this.refreshJob = new ManagedJob(this, "AnalyticsRefreshJob", {
      ...common,
      name: `${prefix}Observability Analytics Refresh`,
      description:
        "Creates the gold tables and the ETL monitor schema (idempotent), then refreshes job health scores and duration anomalies from bronze.",
      schedule: props.refreshSchedule,
      tasks: [
        { taskKey: "setup_gold", sqlFile: { path: files.setupGold, warehouseId, parameters: pick(names, "catalog", "gold_schema") } },
        { taskKey: "setup_etl_monitor", sqlFile: { path: files.etlSetup, warehouseId, parameters: pick(names, "catalog", "etl_schema") } },
        {
          taskKey: "job_health_scores",
          dependsOn: ["setup_gold"],
          sqlFile: {
            path: files.health,
            warehouseId,
            parameters: { ...pick(names, "catalog", "bronze_schema", "gold_schema"), window_days: String(props.healthWindowDays), as_of: "" },
          },
        },
        {
          taskKey: "job_duration_anomalies",
          dependsOn: ["setup_gold"],
          sqlFile: {
            path: files.anomalies,
            warehouseId,
            parameters: {
              ...pick(names, "catalog", "bronze_schema", "gold_schema"),
              as_of: "",
              detection_hours: String(props.anomaly.detectionHours),
              baseline_days: String(props.anomaly.baselineDays),
              min_baseline_runs: String(props.anomaly.minBaselineRuns),
              z_threshold: String(props.anomaly.zThreshold),
            },
          },
        },
      ],
    });

    this.reportJob = new ManagedJob(this, "FailedRunReportJob", {
      ...common,
      name: `${prefix}Failed Run Report`,
      description: `Writes failed_runs_YYYY-MM-DD.csv (failed job runs of the last ${props.reportWindowHours} h) into ${props.reportsVolumePath}/failed_runs.`,
      schedule: props.reportSchedule,
      tasks: [
        {
          taskKey: "report_failed_runs",
          notebook: {
            path: notebook,
            parameters: {
              sql_path: files.failedRuns,
              ...pick(names, "catalog", "bronze_schema"),
              output_dir: `${props.reportsVolumePath}/failed_runs`,
              window_hours: String(props.reportWindowHours),
              as_of: "",
            },
          },
        },
      ],
    });

    const platformJobIds = [...(props.watchedJobIds ?? []), this.refreshJob.jobId, this.reportJob.jobId].join(",");
    const platformPipelineIds = (props.watchedPipelineIds ?? []).join(",");
    const byName = new Map<string, SqlAlert>();
    for (const a of alerts) {
      byName.set(
        a.name,
        new SqlAlert(this, `Alert-${a.name}`, {
          displayName: `${prefix}${title(a.name)}`,
          queryText: renderAlertQuery(props.sqlDir, a.kind, {
            ...names,
            threshold: String(a.threshold),
            platform_job_ids: platformJobIds,
            platform_pipeline_ids: platformPipelineIds,
          }),
          warehouseId,
          column: ALERT_COLUMN,
          aggregation: "COUNT",
          operator: "GREATER_THAN",
          threshold: 0,
          emptyResultState: "OK",
          schedule: a.schedule,
          emails: a.emails ?? [],
          destinationIds: a.destinationIds ?? [],
          retriggerSeconds: a.retriggerMinutes * 60,
          notifyOnOk: a.notifyOnOk ?? true,
          runAsServicePrincipal: props.runAsServicePrincipal,
          customSummary: `${title(a.name)}: ${ALERT_KINDS[a.kind]} = ${a.threshold}`,
        }),
      );
    }
    this.alerts = byName;
  }
}

export function alertQueryPath(sqlDir: string, kind: AlertKind): string {
  return path.join(sqlDir, "alerts", `${kind}.sql`);
}

/** The alert's query file with its parameters bound as literals (alert_v2 has no parameters in 1.99). */
export function renderAlertQuery(sqlDir: string, kind: AlertKind, params: Record<string, string>): string {
  const file = alertQueryPath(sqlDir, kind);
  if (!fs.existsSync(file)) throw new Error(`alert kind "${kind}": query file ${file} not found`);
  return bindSqlParameters(fs.readFileSync(file, "utf8"), params).trim();
}

function pick<T extends Record<string, string>, K extends keyof T>(o: T, ...keys: K[]): Record<K, string> {
  return Object.fromEntries(keys.map((k) => [k, o[k]])) as unknown as Record<K, string>;
}

function title(s: string): string {
  return s
    .split(/[_-]/)
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join(" ");
}
