import * as fs from "fs";
import * as path from "path";
import { Construct } from "constructs";
import { throwIfProblems } from "./errors";
import { JobScheduleSpec, ManagedJob } from "./managed-job";
import { SqlAlert } from "./sql-alert";
import { bindSqlParameters, sqlParameterNames } from "./sql-parameters";
import { WorkspaceSource } from "./workspace-source";

/** The alert kinds: each is a query file `sql/alerts/<kind>.sql`; what `threshold` means differs. */
export const ALERT_KINDS = {
  failed_job_runs: "failed runs of one job in the last 24 h at or above which the alert fires (1 = every failure)",
  job_health_low: "health score (0-100) below which a job is reported",
  job_duration_anomaly: "robust z-score at or above which a slow run is reported (3.5 is the usual cut-off)",
  bronze_ingestion_stale: "hours without new bronze rows after which a table is stale",
  dbu_cost_spike: "day-over-day % increase of a workspace's DBU cost yesterday, USD at the effective list price",
  etl_mandatory_blockers: "number of failed mandatory ETL tasks at or above which the alert fires (1 = any)",
  platform_failures: "look-back in hours for failed runs of the platform's own jobs and pipelines",
  job_overprovisioned: "peak CPU % under which a multi-node job's recent successful runs are over-provisioned",
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
  /** Names of those destinations, recorded as `destination:<name>` in alert_history.channels_sent. @default - none */
  readonly destinationNames?: readonly string[];
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
  /** Hours of bronze re-read before each gold table's watermark (late slices, repairs). */
  readonly goldLookbackHours: number;
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
  /** The `job_overprovisioned` alert's thresholds besides its CPU `threshold`. */
  readonly overprovisioned: { readonly memoryPercent: number; readonly minRuns: number };
  /** Idle stretches of gold `cluster_idle_stretches`: every node under `cpuPercent` CPU (user + system) for at least `minMinutes` minutes. */
  readonly idleClusters: { readonly cpuPercent: number; readonly minMinutes: number };
  /** `driver_bound` of gold `job_rightsizing`: multi-node, avg driver CPU >= `driverCpuPercent`, avg worker CPU < `workerCpuPercent`. */
  readonly driverBound: { readonly driverCpuPercent: number; readonly workerCpuPercent: number };
}

/** SQL files deployed as workspace files (SQL file tasks and the notebooks' queries), by task role. */
const SQL_FILES = {
  setupGold: "gold/setup.sql",
  usagePriced: "gold/usage_priced.sql",
  jobRuns: "gold/job_runs.sql",
  jobTaskRuns: "gold/job_task_runs.sql",
  pipelineUpdates: "gold/pipeline_updates.sql",
  dailyCost: "gold/daily_cost.sql",
  utilizationSetup: "gold/utilization_setup.sql",
  utilization: "gold/utilization.sql",
  health: "analytics/job_health_scores.sql",
  anomalies: "analytics/job_duration_anomalies.sql",
  etlSetup: "etl_monitor/setup.sql",
  failedRuns: "reports/failed_runs.sql",
} as const;
type SqlFileKey = keyof typeof SQL_FILES;
const REPORT_NOTEBOOK = "report_failed_runs.py";
const EVALUATE_NOTEBOOK = "evaluate_alerts.py";

/**
 * Alert parameters besides the schema names, offered to every kind; each kind's query gets the
 * ones its file has markers for. `{{job.id}}` is a job dynamic value reference: the evaluation
 * task cannot name its own job's id (a Terraform self-reference), the run substitutes it.
 * https://docs.databricks.com/aws/en/jobs/dynamic-value-references
 */
const SELF_JOB_ID = "{{job.id}}";

/** Severity-neutral evaluation shared by every alert kind: the query returns one row per offending item. */
const ALERT_COLUMN = "alert_key";

/**
 * Job-health analytics: the gold run model (job_runs, job_task_runs, pipeline_updates, daily_cost,
 * run utilization; sql/gold/), health scores and duration anomalies computed from it, the ETL
 * process monitor schema, the daily failed-run report, the SQL alerts and their alert_history.
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
    const deploy = (id: string, rel: string) =>
      new WorkspaceSource(this, id, { localPath: path.join(props.sqlDir, rel), workspacePath: `${props.workspaceDir}/sql/${rel}`, kind: "file" }).path;
    const files = Object.fromEntries((Object.keys(SQL_FILES) as SqlFileKey[]).map((k) => [k, deploy(`AnalyticsSql-${k}`, SQL_FILES[k])])) as Record<SqlFileKey, string>;
    // Every alert query, read by the evaluation notebook from one folder as <kind>.sql.
    const alertSqlDir = `${props.workspaceDir}/sql/alerts`;
    for (const kind of Object.keys(ALERT_KINDS) as AlertKind[]) deploy(`AlertSql-${kind}`, `alerts/${kind}.sql`);
    const notebook = (file: string) =>
      new WorkspaceSource(this, `AnalyticsNotebook-${file === REPORT_NOTEBOOK ? "report" : file.replace(/\.py$/, "")}`, {
        localPath: path.join(props.notebooksDir, file),
        workspacePath: `${props.workspaceDir}/${file.replace(/\.py$/, "")}`,
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

    // Each SQL task binds exactly its file's markers: a missing or unknown one fails synth.
    const problems: string[] = [];
    const sqlTask = (taskKey: string, key: SqlFileKey, parameters: Record<string, string>, dependsOn?: string[]) => {
      const expected = sqlParameterNames(fs.readFileSync(path.join(props.sqlDir, SQL_FILES[key]), "utf8"));
      const given = Object.keys(parameters).sort();
      const missing = expected.filter((m) => !given.includes(m));
      const unknown = given.filter((g) => !expected.includes(g));
      if (missing.length) problems.push(`tasks.${taskKey}: sql/${SQL_FILES[key]} needs parameter(s) ${missing.join(", ")}`);
      if (unknown.length) problems.push(`tasks.${taskKey}: sql/${SQL_FILES[key]} has no marker(s) ${unknown.join(", ")}`);
      return { taskKey, dependsOn, sqlFile: { path: files[key], warehouseId, parameters } };
    };
    const lookback = String(props.goldLookbackHours);
    const L = { ...pick(names, "catalog", "bronze_schema", "gold_schema"), lookback_hours: lookback };
    const model = [
      sqlTask("setup_gold", "setupGold", pick(names, "catalog", "bronze_schema", "gold_schema")),
      sqlTask("setup_etl_monitor", "etlSetup", pick(names, "catalog", "etl_schema")),
      sqlTask("gold_usage_priced", "usagePriced", L, ["setup_gold"]),
      sqlTask("gold_job_runs", "jobRuns", L, ["gold_usage_priced"]),
      sqlTask("gold_job_task_runs", "jobTaskRuns", L, ["setup_gold"]),
      sqlTask("gold_pipeline_updates", "pipelineUpdates", L, ["gold_usage_priced"]),
      sqlTask("gold_daily_cost", "dailyCost", { ...pick(names, "catalog", "gold_schema"), lookback_hours: lookback }, ["gold_usage_priced"]),
      // The thresholds are baked into the views as literals at each run (a view takes no parameters).
      sqlTask(
        "utilization_setup",
        "utilizationSetup",
        {
          ...pick(names, "catalog", "bronze_schema", "gold_schema"),
          driver_cpu_percent: String(props.driverBound.driverCpuPercent),
          worker_cpu_percent: String(props.driverBound.workerCpuPercent),
          idle_cpu_percent: String(props.idleClusters.cpuPercent),
          idle_min_minutes: String(props.idleClusters.minMinutes),
        },
        ["setup_gold"],
      ),
      sqlTask("utilization", "utilization", L, ["gold_job_runs", "utilization_setup"]),
      sqlTask(
        "job_health_scores",
        "health",
        { ...pick(names, "catalog", "gold_schema"), window_days: String(props.healthWindowDays), as_of: "" },
        ["gold_job_runs"],
      ),
      sqlTask(
        "job_duration_anomalies",
        "anomalies",
        {
          ...pick(names, "catalog", "gold_schema"),
          as_of: "",
          detection_hours: String(props.anomaly.detectionHours),
          baseline_days: String(props.anomaly.baselineDays),
          min_baseline_runs: String(props.anomaly.minBaselineRuns),
          z_threshold: String(props.anomaly.zThreshold),
        },
        ["gold_job_runs"],
      ),
    ];

    const reportParameters = {
      sql_path: files.failedRuns,
      ...pick(names, "catalog", "gold_schema"),
      output_dir: `${props.reportsVolumePath}/failed_runs`,
      window_hours: String(props.reportWindowHours),
      as_of: "",
    };
    const reportNotebook = notebook(REPORT_NOTEBOOK);
    this.reportJob = new ManagedJob(this, "FailedRunReportJob", {
      ...common,
      name: `${prefix}Failed Run Report`,
      description: `Writes failed_runs_YYYY-MM-DD.csv (failed job runs of the last ${props.reportWindowHours} h, from the gold run model) into ${props.reportsVolumePath}/failed_runs.`,
      schedule: props.reportSchedule,
      tasks: [{ taskKey: "report_failed_runs", notebook: { path: reportNotebook, parameters: reportParameters } }],
    });

    const platformPipelineIds = (props.watchedPipelineIds ?? []).join(",");
    const alertParameters = (a: AnalyticsAlertSpec, ownJobId: string): Record<string, string> => {
      const offered: Record<string, string> = {
        threshold: String(a.threshold),
        platform_job_ids: [...(props.watchedJobIds ?? []), ownJobId, this.reportJob.jobId].join(","),
        platform_pipeline_ids: platformPipelineIds,
        mem_threshold: String(props.overprovisioned.memoryPercent),
        min_runs: String(props.overprovisioned.minRuns),
      };
      const markers = sqlParameterNames(fs.readFileSync(alertQueryPath(props.sqlDir, a.kind), "utf8"));
      return Object.fromEntries(markers.filter((m) => m in offered).map((m) => [m, offered[m]]));
    };
    for (const a of alerts) {
      // Fails synth when the kind's query has a marker nobody binds.
      bindSqlParameters(fs.readFileSync(alertQueryPath(props.sqlDir, a.kind), "utf8"), { ...names, ...alertParameters(a, SELF_JOB_ID) });
    }
    throwIfProblems(this, problems);

    const evaluate = {
      taskKey: "evaluate_alerts",
      dependsOn: model.map((t) => t.taskKey),
      notebook: {
        path: notebook(EVALUATE_NOTEBOOK),
        parameters: {
          sql_dir: alertSqlDir,
          ...pick(names, "catalog", "gold_schema"),
          common_parameters: JSON.stringify(names),
          alerts: JSON.stringify(
            alerts.map((a) => ({
              name: a.name,
              kind: a.kind,
              parameters: alertParameters(a, SELF_JOB_ID),
              subscribers: [...(a.emails ?? []), ...(a.destinationNames ?? []).map((n) => `destination:${n}`)],
              retrigger_minutes: a.retriggerMinutes,
            })),
          ),
          evaluated_at: "",
        },
      },
    };

    this.refreshJob = new ManagedJob(this, "AnalyticsRefreshJob", {
      ...common,
      name: `${prefix}Observability Analytics Refresh`,
      description:
        "Creates the gold run model and the ETL monitor schema (idempotent), refreshes job_runs, job_task_runs, pipeline_updates, daily_cost and run utilization incrementally from bronze, then health scores, duration anomalies and alert_history.",
      schedule: props.refreshSchedule,
      tasks: [...model, evaluate],
    });

    const byName = new Map<string, SqlAlert>();
    for (const a of alerts) {
      const extra = alertParameters(a, this.refreshJob.jobId);
      byName.set(
        a.name,
        new SqlAlert(this, `Alert-${a.name}`, {
          displayName: `${prefix}${title(a.name)}`,
          queryText: renderAlertQuery(props.sqlDir, a.kind, { ...names, ...extra }),
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
