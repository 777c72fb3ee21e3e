import * as fs from "fs";
import * as path from "path";
import {
  avg,
  count,
  daily,
  DashboardBuilder,
  dateRangeParameter,
  field,
  max,
  stringParameter,
  sum,
  temporal,
  Widget,
} from "./builder";

/**
 * The platform's dashboards, defined in code: platform health, cost, ETL processes, alerts and
 * model monitoring. Dataset SQL lives in sql/dashboards/*.sql and reads only the stack's own
 * catalog (gold, bronze, ETL and MLOps schemas), never `system.*`: retention, cost and grants
 * are the platform's.
 */

export interface DashboardModel {
  /** Short model name (the mlops config `name`): label in the charts. */
  readonly name: string;
  /** Processed inference table, unqualified (in the MLOps schema), e.g. `churn_classifier_processed`. */
  readonly processedTable: string;
  /** AI Gateway payload table, unqualified, e.g. `churn_classifier_payload`. */
  readonly payloadTable: string;
  /** Model id column of the processed table. */
  readonly modelIdCol: string;
  /** Monitor granularity the charts read, e.g. `1 day`. */
  readonly granularity: string;
  readonly problemType: "PROBLEM_TYPE_CLASSIFICATION" | "PROBLEM_TYPE_REGRESSION";
}

export interface PlatformDashboardsInput {
  readonly catalog: string;
  readonly schemas: { readonly gold: string; readonly bronze: string; readonly etl: string; readonly mlops: string };
  /** Every bronze table (sql/registry/system_tables.json): name and domain. */
  readonly bronzeTables: readonly { readonly name: string; readonly domain: string }[];
  /** Served models; the model-monitoring dashboard is defined only when there is at least one. */
  readonly models: readonly DashboardModel[];
  /** Absolute path of the dataset SQL folder (`<project>/sql/dashboards`). */
  readonly sqlDir: string;
}

/** Profile-metrics column holding the headline model-quality metric, by problem type (monitor-output docs). */
export const QUALITY_METRIC: Record<DashboardModel["problemType"], string> = {
  PROBLEM_TYPE_CLASSIFICATION: "accuracy_score",
  PROBLEM_TYPE_REGRESSION: "mean_absolute_error",
};

const dateRange = dateRangeParameter();
const workspace = stringParameter("workspace_id", "Workspace id", "All");

const dateFilter = (title = "Date range"): Widget => ({ type: "date-range-filter", title, parameter: dateRange.keyword });
const workspaceFilter = (): Widget => ({ type: "select-filter", title: "Workspace (id or All)", parameter: workspace.keyword });

export function platformDashboards(input: PlatformDashboardsInput): DashboardBuilder[] {
  if (!path.isAbsolute(input.sqlDir)) throw new Error(`platformDashboards: sqlDir must be absolute, got "${input.sqlDir}"`);
  const read = (file: string) => fs.readFileSync(path.join(input.sqlDir, file), "utf-8");
  const bindings = {
    catalog: input.catalog,
    gold_schema: input.schemas.gold,
    bronze_schema: input.schemas.bronze,
    etl_schema: input.schemas.etl,
    mlops_schema: input.schemas.mlops,
  };
  const dashboards = [
    platformHealth(new DashboardBuilder({ id: "platform-health", displayName: "Platform health", bindings }), read, input),
    cost(new DashboardBuilder({ id: "cost", displayName: "Cost", bindings }), read),
    etlProcesses(new DashboardBuilder({ id: "etl-processes", displayName: "ETL processes", bindings }), read),
    alerts(new DashboardBuilder({ id: "alerts", displayName: "Alerts", bindings }), read),
  ];
  if (input.models.length > 0) {
    dashboards.push(modelMonitoring(new DashboardBuilder({ id: "model-monitoring", displayName: "Model monitoring", bindings }), read, input.models));
  }
  return dashboards;
}

function platformHealth(d: DashboardBuilder, read: (f: string) => string, input: PlatformDashboardsInput): DashboardBuilder {
  const both = [dateRange, workspace];
  const scores = d.dataset("health_scores", { displayName: "Job health scores (latest)", sql: read("health_scores.sql"), parameters: both });
  const outcomes = d.dataset("run_outcomes", { displayName: "Job runs per day and outcome", sql: read("run_outcomes.sql"), parameters: both });
  const anomalies = d.dataset("duration_anomalies", { displayName: "Duration anomalies", sql: read("duration_anomalies.sql"), parameters: both });
  if (input.bronzeTables.length === 0) throw new Error("platformDashboards: bronzeTables must not be empty");
  const freshness = d.dataset("bronze_freshness", {
    displayName: "Bronze table freshness",
    sql: read("bronze_freshness.sql"),
    unionOver: input.bronzeTables.map((t) => ({ bronze_table: t.name, domain: t.domain })),
  });

  d.page("health", "Health")
    .row(2, [dateFilter(), 3], [workspaceFilter(), 3])
    .row(
      2,
      [{ type: "counter", title: "Average health score", dataset: scores, value: avg("health_score"), format: "plain" }, 2],
      [{ type: "counter", title: "Failed runs", dataset: outcomes, value: sum("failed_runs") }, 2],
      [{ type: "counter", title: "Repaired runs", dataset: outcomes, value: sum("repaired_runs") }, 2],
    )
    .row(
      6,
      [{ type: "bar", title: "Health-score distribution", dataset: scores, x: field("score_band", "Health score"), y: count("job_id", "Jobs") }, 3],
      [
        {
          type: "table",
          title: "Worst jobs",
          dataset: scores,
          columns: [field("job_name", "Job"), field("workspace_id", "Workspace"), field("health_score", "Score"), field("success_rate", "Success rate"), field("failed_runs", "Failed"), field("trend", "Trend")],
          orderBy: { column: "health_score", direction: "ASC" },
          itemsPerPage: 10,
        },
        3,
      ],
    )
    .row(6, [{ type: "bar", title: "Runs per day by outcome", dataset: outcomes, x: daily("run_date", "Day"), y: sum("runs", "Runs"), color: field("outcome", "Outcome") }, 6])
    .row(
      5,
      [{ type: "line", title: "Failure trend", dataset: outcomes, x: daily("run_date", "Day"), y: sum("failed_runs", "Failed runs") }, 3],
      [{ type: "line", title: "Repair trend", dataset: outcomes, x: daily("run_date", "Day"), y: sum("repaired_runs", "Repaired runs") }, 3],
    );

  d.page("anomalies_freshness", "Anomalies and freshness")
    .row(2, [dateFilter(), 3], [workspaceFilter(), 3])
    .row(
      6,
      [{ type: "bar", title: "Duration anomalies per job", dataset: anomalies, x: count("run_id", "Anomalous runs"), y: field("job_name", "Job"), color: field("direction", "Direction"), horizontal: true }, 3],
      [{ type: "bar", title: "Hours since last bronze ingestion", dataset: freshness, x: max("hours_since_ingestion", "Hours"), y: field("table_name", "Bronze table"), horizontal: true }, 3],
    )
    .row(
      6,
      [
        {
          type: "table",
          title: "Anomalous runs",
          dataset: anomalies,
          columns: [field("job_name", "Job"), field("run_id", "Run"), field("run_start_time", "Started"), field("direction", "Direction"), field("duration_minutes", "Minutes"), field("baseline_median_minutes", "Baseline minutes"), field("robust_z_score", "Robust z")],
          orderBy: { column: "deviation", direction: "DESC" },
        },
        3,
      ],
      [
        {
          type: "table",
          title: "Bronze freshness",
          dataset: freshness,
          columns: [field("table_name", "Table"), field("domain", "Domain"), field("last_ingested_at", "Last ingested"), field("hours_since_ingestion", "Hours since")],
          orderBy: { column: "hours_since_ingestion", direction: "DESC" },
          itemsPerPage: 40,
        },
        3,
      ],
    );
  return d;
}

function cost(d: DashboardBuilder, read: (f: string) => string): DashboardBuilder {
  const both = [dateRange, workspace];
  const daily_ = d.dataset("cost_daily", { displayName: "Daily cost", sql: read("cost_daily.sql"), parameters: both });
  const top = (name: string, displayName: string, entityType: string) =>
    d.dataset(name, { displayName, sql: read("cost_top_entities.sql"), parameters: both, unionOver: [{ entity_type: entityType }] });
  const topJobs = top("top_jobs", "Top jobs by cost", "JOB");
  const topWarehouses = top("top_warehouses", "Top SQL warehouses by cost", "WAREHOUSE");
  const topEndpoints = top("top_endpoints", "Top serving endpoints by cost", "SERVING_ENDPOINT");
  const perRun = d.dataset("cost_per_run", { displayName: "Cost per job run", sql: read("cost_per_run.sql"), parameters: both });
  const byTag = d.dataset("cost_by_tag", { displayName: "Cost by tag", sql: read("cost_by_tag.sql"), parameters: both });
  // One SQL file, two datasets (as the top_* ones): every job for the table, the ten multi-node
  // jobs with the lowest peak CPU for the chart (a widget cannot filter or limit rows).
  const rightsizing = (name: string, displayName: string, jobSelection: string) =>
    d.dataset(name, { displayName, sql: read("rightsizing_jobs.sql"), parameters: both, unionOver: [{ job_selection: jobSelection }] });
  const rightsizingJobs = rightsizing("rightsizing_jobs", "Rightsizing signals per job (last 30 days)", "all");
  const lowestCpuJobs = rightsizing("rightsizing_lowest_cpu", "Multi-node jobs with the lowest peak CPU", "lowest_peak_cpu");
  const idle = d.dataset("idle_clusters", { displayName: "Idle cluster stretches", sql: read("idle_clusters.sql"), parameters: both });

  d.page("spend", "Spend")
    .row(2, [dateFilter(), 3], [workspaceFilter(), 3])
    .row(
      2,
      [{ type: "counter", title: "List-price USD", dataset: daily_, value: sum("usd"), format: "usd" }, 2],
      [{ type: "counter", title: "DBUs", dataset: daily_, value: sum("dbus"), format: "plain" }, 2],
      [{ type: "counter", title: "Average USD per job run", dataset: perRun, value: avg("usd_per_run"), format: "usd" }, 2],
    )
    .row(6, [{ type: "bar", title: "Daily USD by product", dataset: daily_, x: daily("usage_date", "Day"), y: sum("usd", "USD"), color: field("billing_origin_product", "Product"), format: "usd" }, 6])
    .row(
      6,
      [{ type: "bar", title: "USD by SKU", dataset: daily_, x: sum("usd", "USD"), y: field("sku_name", "SKU"), horizontal: true, format: "usd" }, 3],
      [{ type: "bar", title: "Daily USD by workspace", dataset: daily_, x: daily("usage_date", "Day"), y: sum("usd", "USD"), color: field("workspace_id", "Workspace"), format: "usd" }, 3],
    );

  d.page("drivers", "Cost drivers")
    .row(2, [dateFilter(), 3], [workspaceFilter(), 3])
    .row(
      6,
      [{ type: "bar", title: "Top jobs", dataset: topJobs, x: sum("usd", "USD"), y: field("entity_name", "Job"), horizontal: true, format: "usd" }, 2],
      [{ type: "bar", title: "Top SQL warehouses", dataset: topWarehouses, x: sum("usd", "USD"), y: field("entity_name", "Warehouse"), horizontal: true, format: "usd" }, 2],
      [{ type: "bar", title: "Top serving endpoints", dataset: topEndpoints, x: sum("usd", "USD"), y: field("entity_name", "Endpoint"), horizontal: true, format: "usd" }, 2],
    )
    .row(
      6,
      [
        {
          type: "table",
          title: "Cost per run",
          dataset: perRun,
          columns: [field("job_name", "Job"), field("workspace_id", "Workspace"), field("runs", "Runs"), field("usd", "USD"), field("usd_per_run", "USD per run"), field("dbus_per_run", "DBUs per run")],
          orderBy: { column: "usd_per_run", direction: "DESC" },
        },
        3,
      ],
      [{ type: "bar", title: "USD by tag", dataset: byTag, x: sum("usd", "USD"), y: field("tag", "Tag"), horizontal: true, format: "usd" }, 3],
    );

  // Compute utilization (gold job_rightsizing and cluster_idle_stretches, from node_timeline).
  // The levels are the environment's (observability.idleClusters), baked into the view: not known here.
  const idleDescription =
    "Stretches of consecutive minutes in which every node of the cluster stayed under the environment's idle CPU level (user + system), at least its minimum length, last 30 days (observability.idleClusters; by default under 5 % for 30 minutes)";
  d.page("rightsizing", "Rightsizing")
    .row(2, [dateFilter(), 3], [workspaceFilter(), 3])
    .row(
      2,
      [{ type: "counter", title: "Idle node-minutes", description: idleDescription, dataset: idle, value: sum("idle_node_minutes"), format: "plain" }, 2],
      [{ type: "counter", title: "Idle stretches", description: idleDescription, dataset: idle, value: count("cluster_id") }, 2],
      [{ type: "counter", title: "Jobs judged (successful classic runs, 30 days)", dataset: rightsizingJobs, value: count("job_id") }, 2],
    )
    .row(
      6,
      [
        {
          type: "table",
          title: "Job rightsizing signals",
          description: "Successful classic runs of the last 30 days; CPU is user + system %, over workers (the driver on single-node clusters). Driver-bound: more than one node, a busy driver and idle workers (observability.driverBound; by default driver at least 70 %, workers under 20 %). Shared runs: metrics are the whole shared cluster's.",
          dataset: rightsizingJobs,
          columns: [
            field("job_name", "Job"),
            field("workspace_id", "Workspace"),
            field("runs", "Runs"),
            field("max_nodes", "Max nodes"),
            field("avg_cpu_percent", "Avg CPU %"),
            field("peak_cpu_percent", "Peak CPU %"),
            field("peak_mem_used_percent", "Peak memory %"),
            field("driver_minus_worker_cpu", "Driver minus worker CPU"),
            field("driver_bound", "Driver-bound"),
            field("shared_runs", "Shared runs"),
          ],
          orderBy: { column: "peak_cpu_percent", direction: "ASC" },
        },
        6,
      ],
    )
    .row(
      6,
      [
        {
          type: "bar",
          title: "Lowest peak CPU, multi-node jobs",
          description: "The ten jobs on more than one node whose successful runs peaked lowest: candidates for fewer or smaller workers",
          dataset: lowestCpuJobs,
          x: max("peak_cpu_percent", "Peak CPU %"),
          y: field("job_name", "Job"),
          horizontal: true,
          format: "plain",
        },
        3,
      ],
      [{ type: "bar", title: "Idle node-minutes per cluster", description: idleDescription, dataset: idle, x: sum("idle_node_minutes", "Idle node-minutes"), y: field("cluster_label", "Cluster"), horizontal: true, format: "plain" }, 3],
    )
    .row(
      6,
      [
        {
          type: "table",
          title: "Idle cluster stretches",
          description: idleDescription,
          dataset: idle,
          columns: [
            field("cluster_name", "Cluster"),
            field("cluster_id", "Cluster id"),
            field("owned_by", "Owner"),
            field("workspace_id", "Workspace"),
            field("stretch_start", "Idle from"),
            field("stretch_end", "Idle until"),
            field("idle_minutes", "Minutes"),
            field("max_nodes", "Nodes"),
            field("idle_node_minutes", "Node-minutes wasted"),
            field("peak_cpu_percent", "Peak CPU %"),
          ],
          orderBy: { column: "idle_node_minutes", direction: "DESC" },
        },
        6,
      ],
    );
  return d;
}

function etlProcesses(d: DashboardBuilder, read: (f: string) => string): DashboardBuilder {
  // The ETL monitor tables have no workspace column: the date range is the only filter.
  const p = [dateRange];
  const status = d.dataset("etl_process_status", { displayName: "Process status (v_processStatus)", sql: read("etl_process_status.sql"), parameters: p });
  const runs = d.dataset("etl_run_summary", { displayName: "Run summary (v_runSummary)", sql: read("etl_run_summary.sql"), parameters: p });
  const tasks = d.dataset("etl_task_detail", { displayName: "Task detail (v_taskDetail)", sql: read("etl_task_detail.sql"), parameters: p });
  const blockers = d.dataset("etl_mandatory_blockers", { displayName: "Mandatory blockers (v_mandatoryBlockers)", sql: read("etl_mandatory_blockers.sql"), parameters: p });
  const failures = d.dataset("etl_current_failures", { displayName: "Current failures (v_currentFailures)", sql: read("etl_current_failures.sql"), parameters: p });
  const watermarks = d.dataset("etl_watermarks", { displayName: "Watermarks (v_watermarks)", sql: read("etl_watermarks.sql") });

  d.page("status", "Process status")
    .row(2, [dateFilter("Processing date"), 6])
    .row(
      2,
      [{ type: "counter", title: "Failed tasks", dataset: status, value: sum("FailedTasks") }, 2],
      [{ type: "counter", title: "Mandatory blockers", dataset: status, value: sum("MandatoryBlockers") }, 2],
      [{ type: "counter", title: "SLA breaches", dataset: status, value: sum("SLABreaches") }, 2],
    )
    .row(
      6,
      [
        {
          type: "table",
          title: "Processes",
          dataset: status,
          columns: [field("ProcessName", "Process"), field("ProcessingDate", "Date"), field("ProcessStatus", "Status"), field("DoneTasks", "Done"), field("FailedTasks", "Failed"), field("PendingTasks", "Pending"), field("MandatoryBlockers", "Blockers"), field("SLABreaches", "SLA breaches")],
          orderBy: { column: "ProcessingDate", direction: "DESC" },
        },
        6,
      ],
    )
    .row(
      6,
      [{ type: "line", title: "Failed tasks per run date", dataset: runs, x: temporal("ProcessingDate", "Processing date"), y: sum("FailTasks", "Failed tasks"), color: field("ProcessLoad", "Process") }, 3],
      [{ type: "bar", title: "SLA breaches by process", dataset: tasks, x: sum("SLABreachCount", "SLA breaches"), y: field("ProcessLoad", "Process"), horizontal: true }, 3],
    );

  d.page("tasks", "Tasks and watermarks")
    .row(2, [dateFilter("Processing date"), 6])
    .row(
      6,
      [
        {
          type: "table",
          title: "Task detail (latest attempt)",
          dataset: tasks,
          columns: [field("ProcessLoad", "Process"), field("ProcessingDate", "Date"), field("SequenceCode", "Stage"), field("TaskName", "Task"), field("Status", "Status"), field("AttemptNumber", "Attempt"), field("DurationMinutes", "Minutes"), field("SLAMinutes", "SLA minutes"), field("SLABreached", "SLA breached")],
          orderBy: { column: "StartTime", direction: "DESC" },
        },
        6,
      ],
    )
    .row(
      5,
      [
        {
          type: "table",
          title: "Mandatory blockers",
          dataset: blockers,
          columns: [field("ProcessLoad", "Process"), field("ProcessingDate", "Date"), field("TaskName", "Task"), field("BlockedTasks", "Blocked tasks"), field("ErrorMessage", "Error")],
        },
        3,
      ],
      [
        {
          type: "table",
          title: "Current failures",
          dataset: failures,
          columns: [field("ProcessLoad", "Process"), field("ProcessingDate", "Date"), field("TaskName", "Task"), field("AttemptNumber", "Attempt"), field("ErrorMessage", "Error")],
        },
        3,
      ],
    )
    .row(
      5,
      [
        {
          type: "table",
          title: "Watermarks",
          dataset: watermarks,
          columns: [field("ProcessLoad", "Process"), field("ParameterName", "Parameter"), field("ParameterType", "Type"), field("ActiveValue", "Active value"), field("IsBulkMode", "Bulk mode"), field("HoursSinceUpdate", "Hours since update")],
        },
        6,
      ],
    );
  return d;
}

function alerts(d: DashboardBuilder, read: (f: string) => string): DashboardBuilder {
  const both = [dateRange, workspace];
  const activity = d.dataset("alert_activity", { displayName: "Alert episodes fired and resolved", sql: read("alert_activity.sql"), parameters: both });
  const noisiest = d.dataset("alert_noisiest", { displayName: "Noisiest alerts", sql: read("alert_noisiest.sql"), parameters: both });
  const resolution = d.dataset("alert_resolution", { displayName: "Time to resolve", sql: read("alert_resolution.sql"), parameters: both });

  d.page("alerts", "Alerts")
    .row(2, [dateFilter(), 3], [workspaceFilter(), 3])
    .row(
      2,
      [{ type: "counter", title: "Episodes opened", dataset: noisiest, value: sum("episodes") }, 2],
      [{ type: "counter", title: "Still open", dataset: resolution, value: sum("is_open") }, 2],
      [{ type: "counter", title: "Average minutes to resolve", dataset: resolution, value: avg("minutes_to_resolve"), format: "plain" }, 2],
    )
    .row(6, [{ type: "bar", title: "Fired and resolved per day", dataset: activity, x: daily("event_date", "Day"), y: sum("episodes", "Episodes"), color: field("event", "Event") }, 6])
    .row(
      6,
      [{ type: "bar", title: "By alert kind", dataset: activity, x: sum("episodes", "Episodes"), y: field("kind", "Kind"), color: field("event", "Event"), horizontal: true }, 3],
      [{ type: "bar", title: "By channel", dataset: activity, x: sum("episodes", "Episodes"), y: field("channel", "Channel"), color: field("event", "Event"), horizontal: true }, 3],
    )
    .row(
      6,
      [
        {
          type: "table",
          title: "Noisiest alerts",
          dataset: noisiest,
          columns: [field("alert", "Alert"), field("severity", "Severity"), field("episodes", "Episodes"), field("fires", "Fires"), field("notifications", "Notifications"), field("open_episodes", "Open"), field("last_seen_at", "Last seen")],
          orderBy: { column: "fires", direction: "DESC" },
          itemsPerPage: 10,
        },
        3,
      ],
      [{ type: "bar", title: "Average minutes to resolve by kind", dataset: resolution, x: avg("minutes_to_resolve", "Minutes"), y: field("kind", "Kind"), horizontal: true, format: "plain" }, 3],
    );
  return d;
}

function modelMonitoring(d: DashboardBuilder, read: (f: string) => string, models: readonly DashboardModel[]): DashboardBuilder {
  const p = [dateRange];
  const perModel = models.map((m) => ({
    model_name: m.name,
    processed_table: m.processedTable,
    payload_table: m.payloadTable,
    model_id_col: m.modelIdCol,
    granularity: m.granularity,
    quality_metric: QUALITY_METRIC[m.problemType],
  }));
  const serving = d.dataset("model_serving", { displayName: "Requests and latency per model", sql: read("model_serving.sql"), parameters: p, unionOver: perModel });
  const errors = d.dataset("model_errors", { displayName: "Failed requests per model", sql: read("model_errors.sql"), parameters: p, unionOver: perModel });
  const drift = d.dataset("model_drift", { displayName: "Baseline drift per model and column", sql: read("model_drift.sql"), parameters: p, unionOver: perModel });
  const quality = d.dataset("model_quality", { displayName: "Model and data quality per window", sql: read("model_quality.sql"), parameters: p, unionOver: perModel });

  d.page("serving", "Serving")
    .row(2, [dateFilter(), 6])
    .row(
      2,
      [{ type: "counter", title: "Requests", dataset: errors, value: sum("requests") }, 2],
      [{ type: "counter", title: "Failed requests", dataset: errors, value: sum("failed_requests") }, 2],
      [{ type: "counter", title: "Average latency (ms)", dataset: serving, value: avg("avg_latency_ms"), format: "plain" }, 2],
    )
    .row(
      6,
      [{ type: "line", title: "Scored requests per day", dataset: serving, x: temporal("request_date", "Day"), y: sum("requests", "Requests"), color: field("model_name", "Model") }, 3],
      [{ type: "line", title: "p95 latency (ms)", dataset: serving, x: temporal("request_date", "Day"), y: max("p95_latency_ms", "p95 ms"), color: field("model_name", "Model") }, 3],
    )
    .row(
      6,
      [{ type: "line", title: "Error rate", dataset: errors, x: temporal("request_date", "Day"), y: max("error_rate", "Error rate"), color: field("model_name", "Model"), format: "percent" }, 3],
      [{ type: "bar", title: "Scored records per model", dataset: serving, x: sum("records", "Records"), y: field("model_name", "Model"), horizontal: true }, 3],
    );

  d.page("drift_quality", "Drift and quality")
    .row(2, [dateFilter(), 6])
    .row(6, [{ type: "line", title: "Baseline drift (max JS distance over columns)", dataset: drift, x: temporal("window_start", "Window"), y: max("js_distance", "JS distance"), color: field("model_name", "Model") }, 6])
    .row(
      6,
      [{ type: "bar", title: "Drift by column (max JS distance)", dataset: drift, x: max("js_distance", "JS distance"), y: field("column_name", "Column"), color: field("model_name", "Model"), horizontal: true }, 3],
      [{ type: "line", title: "Model quality", dataset: quality, x: temporal("window_start", "Window"), y: avg("quality_value", "Quality"), color: field("model_name", "Model") }, 3],
    )
    .row(
      5,
      [
        {
          type: "table",
          title: "Quality per window",
          dataset: quality,
          columns: [field("model_name", "Model"), field("window_start", "Window"), field("quality_metric", "Metric"), field("quality_value", "Value"), field("scored_records", "Records"), field("percent_null", "Percent null")],
          orderBy: { column: "window_start", direction: "DESC" },
        },
        6,
      ],
    );
  return d;
}
