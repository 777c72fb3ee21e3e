import * as fs from "fs";
import * as path from "path";
import { Construct } from "constructs";
import { JobScheduleSpec, ManagedJob, MAX_WEBHOOKS_PER_EVENT } from "../constructs/managed-job";
import { DestinationTarget, NotificationDestination, sensitiveVariable } from "../constructs/notification-destination";
import { SqlAlert } from "../constructs/sql-alert";
import { bindSqlParameters } from "../constructs/sql-parameters";
import { SystemTableIngestion } from "../constructs/system-table-ingestion";
import { WorkspaceSource } from "../constructs/workspace-source";
import { ALERT_KINDS, AlertConfig, AlertKind, DestinationConfig, ObservabilityConfig } from "./config/analytics-schema";
import { PlatformContext } from "./platform-context";

/**
 * Job-health analytics, the ETL process monitor, the failed-run report, notification
 * destinations and SQL alerts (the `observability` config section). Two steps, because the
 * destinations must exist before the bronze orchestrator (its failure webhooks) and the alerts
 * need the orchestrator's ids:
 *
 *   const destinations = createNotificationDestinations(this, ctx);
 *   const ingestion = new SystemTableIngestion(..., { failureWebhookIds: destinations.orchestratorFailureIds });
 *   createAnalytics(this, ctx, ingestion, destinations);
 */

export interface DestinationSet {
  /** Enabled destinations by config name. */
  readonly byName: ReadonlyMap<string, NotificationDestination>;
  /** Ids for the bronze orchestrator's failure webhooks (at most 3). */
  readonly orchestratorFailureIds: readonly string[];
}

export interface Analytics {
  readonly refreshJob: ManagedJob;
  readonly reportJob: ManagedJob;
  readonly alerts: ReadonlyMap<string, SqlAlert>;
}

const NO_DESTINATIONS: DestinationSet = { byName: new Map(), orchestratorFailureIds: [] };

/** Declares the enabled destinations of the environment; secret fields from sensitive variables. */
export function createNotificationDestinations(scope: Construct, ctx: PlatformContext): DestinationSet {
  const o = ctx.config.observability;
  if (!o) return NO_DESTINATIONS;
  const byName = new Map<string, NotificationDestination>();
  for (const d of o.destinations.filter((x) => x.enabled)) {
    byName.set(
      d.name,
      new NotificationDestination(scope, `Destination-${d.name}`, {
        displayName: `${ctx.namePrefix}${d.name}`,
        target: target(scope, d),
      }),
    );
  }
  const orchestratorFailureIds = o.orchestratorFailureDestinations
    .filter((n) => byName.has(n))
    .slice(0, MAX_WEBHOOKS_PER_EVENT)
    .map((n) => byName.get(n)!.destinationId);
  return { byName, orchestratorFailureIds };
}

function target(scope: Construct, d: DestinationConfig): DestinationTarget {
  const secret = (variable: string, what: string) => sensitiveVariable(scope, variable, `${what} of notification destination "${d.name}" (secret: pass TF_VAR_${variable})`);
  switch (d.type) {
    case "email":
      return { type: "email", addresses: d.addresses };
    case "slack":
      return { type: "slack", url: secret(d.urlVariable, "Slack webhook URL") };
    case "microsoft_teams":
      return { type: "microsoft_teams", url: secret(d.urlVariable, "Microsoft Teams webhook URL") };
    case "pagerduty":
      return { type: "pagerduty", integrationKey: secret(d.integrationKeyVariable, "PagerDuty integration key") };
    case "generic_webhook":
      return {
        type: "generic_webhook",
        url: secret(d.urlVariable, "Webhook URL"),
        username: d.usernameVariable ? secret(d.usernameVariable, "Webhook user name") : undefined,
        password: d.passwordVariable ? secret(d.passwordVariable, "Webhook password") : undefined,
      };
  }
}

/** SQL files deployed as workspace files (SQL file tasks) and the report notebook. */
const SQL_FILES = {
  setupGold: "analytics/setup_gold_tables.sql",
  health: "analytics/job_health_scores.sql",
  anomalies: "analytics/job_duration_anomalies.sql",
  etlSetup: "etl_monitor/setup.sql",
  failedRuns: "reports/failed_runs.sql",
} as const;
const REPORT_NOTEBOOK = "report_failed_runs.py";

/** Severity-neutral evaluation shared by every alert kind: the query returns one row per offending item. */
const ALERT_COLUMN = "alert_key";

export function alertQueryPath(projectRoot: string, kind: AlertKind): string {
  return path.join(projectRoot, "sql", "alerts", `${kind}.sql`);
}

/** Creates the refresh and report jobs and the alerts; nothing without an `observability` section. */
export function createAnalytics(
  scope: Construct,
  ctx: PlatformContext,
  ingestion: SystemTableIngestion,
  destinations: DestinationSet,
): Analytics | undefined {
  const o = ctx.config.observability;
  if (!o) return undefined;
  const root = `${ctx.workspaceRoot}/analytics`;
  const sqlFile = (key: keyof typeof SQL_FILES) =>
    new WorkspaceSource(scope, `AnalyticsSql-${key}`, {
      localPath: path.join(ctx.projectRoot, "sql", SQL_FILES[key]),
      workspacePath: `${root}/sql/${SQL_FILES[key]}`,
      kind: "file",
    }).path;
  const files = Object.fromEntries((Object.keys(SQL_FILES) as (keyof typeof SQL_FILES)[]).map((k) => [k, sqlFile(k)])) as Record<keyof typeof SQL_FILES, string>;
  const notebook = new WorkspaceSource(scope, "AnalyticsNotebook-report", {
    localPath: path.join(ctx.projectRoot, "notebooks", REPORT_NOTEBOOK),
    workspacePath: `${root}/${REPORT_NOTEBOOK.replace(/\.py$/, "")}`,
    kind: "notebook",
  }).path;

  const names = {
    catalog: ctx.catalogName,
    bronze_schema: ctx.schemas.bronze.name,
    gold_schema: ctx.schemas.gold.name,
    etl_schema: ctx.schemas.etlMonitor.name,
  };
  const warehouseId = ctx.warehouseId;
  const failureEmails = ctx.config.notifications.emails;
  const common = {
    timeoutSeconds: o.timeoutSeconds,
    durationWarningSeconds: o.durationWarningSeconds,
    failureEmails,
    failureWebhookIds: destinations.orchestratorFailureIds,
    runAsServicePrincipal: ctx.runAsServicePrincipal,
  };
  const schedule = (s: ObservabilityConfig["refreshSchedule"]): JobScheduleSpec => ({ quartzCron: s.quartzCron, timezone: s.timezone, pauseStatus: s.pauseStatus });

  const refreshJob = new ManagedJob(scope, "AnalyticsRefreshJob", {
    ...common,
    name: `${ctx.namePrefix}Observability Analytics Refresh`,
    description:
      "Creates the gold tables and the ETL monitor schema (idempotent), then refreshes job health scores and duration anomalies from bronze.",
    schedule: schedule(o.refreshSchedule),
    tasks: [
      { taskKey: "setup_gold", sqlFile: { path: files.setupGold, warehouseId, parameters: pick(names, "catalog", "gold_schema") } },
      { taskKey: "setup_etl_monitor", sqlFile: { path: files.etlSetup, warehouseId, parameters: pick(names, "catalog", "etl_schema") } },
      {
        taskKey: "job_health_scores",
        dependsOn: ["setup_gold"],
        sqlFile: {
          path: files.health,
          warehouseId,
          parameters: { ...pick(names, "catalog", "bronze_schema", "gold_schema"), window_days: String(o.healthWindowDays), as_of: "" },
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
            detection_hours: String(o.anomaly.detectionHours),
            baseline_days: String(o.anomaly.baselineDays),
            min_baseline_runs: String(o.anomaly.minBaselineRuns),
            z_threshold: String(o.anomaly.zThreshold),
          },
        },
      },
    ],
  });

  const reportJob = new ManagedJob(scope, "FailedRunReportJob", {
    ...common,
    name: `${ctx.namePrefix}Failed Run Report`,
    description: `Writes failed_runs_YYYY-MM-DD.csv (failed job runs of the last ${o.reportWindowHours} h) into ${ctx.reportsVolumePath}/failed_runs.`,
    schedule: schedule(o.reportSchedule),
    tasks: [
      {
        taskKey: "report_failed_runs",
        notebook: {
          path: notebook,
          parameters: {
            sql_path: files.failedRuns,
            ...pick(names, "catalog", "bronze_schema"),
            output_dir: `${ctx.reportsVolumePath}/failed_runs`,
            window_hours: String(o.reportWindowHours),
            as_of: "",
          },
        },
      },
    ],
  });

  const platformJobIds = [ingestion.orchestrator, ingestion.setupJob, ingestion.mergeJob, refreshJob, reportJob].map((j) => j.jobId).join(",");
  const platformPipelineIds = [...ingestion.pipelines.values()].map((p) => p.pipelineId).join(",");
  const alerts = new Map<string, SqlAlert>();
  for (const a of o.alerts) {
    const alertName = a.name ?? a.kind;
    alerts.set(
      alertName,
      new SqlAlert(scope, `Alert-${alertName}`, {
        displayName: `${ctx.namePrefix}${title(alertName)}`,
        queryText: renderAlertQuery(ctx.projectRoot, a.kind, {
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
        schedule: alertSchedule(a, ctx.production),
        emails: a.emails,
        destinationIds: a.destinations.filter((n) => destinations.byName.has(n)).map((n) => destinations.byName.get(n)!.destinationId),
        retriggerSeconds: a.retriggerMinutes * 60,
        notifyOnOk: a.notifyOnOk,
        runAsServicePrincipal: ctx.runAsServicePrincipal,
        customSummary: `${title(alertName)}: ${ALERT_KINDS[a.kind]} = ${a.threshold}`,
      }),
    );
  }
  return { refreshJob, reportJob, alerts };
}

/** Alerts run only in production; elsewhere they are deployed paused (policy DBX-MON-002). */
export function alertSchedule(a: AlertConfig, production: boolean): JobScheduleSpec {
  return { quartzCron: a.schedule.quartzCron, timezone: a.schedule.timezone, pauseStatus: production ? "UNPAUSED" : "PAUSED" };
}

/** The alert's query file with its parameters bound as literals (alert_v2 has no parameters in 1.99). */
export function renderAlertQuery(projectRoot: string, kind: AlertKind, params: Record<string, string>): string {
  const file = alertQueryPath(projectRoot, kind);
  if (!fs.existsSync(file)) throw new Error(`alert kind "${kind}": query file ${path.relative(projectRoot, file)} not found`);
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
