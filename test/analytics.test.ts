import * as fs from "fs";
import * as path from "path";
import { SECRET_PATTERNS } from "../vocabulary/secret-shapes";
import { sqlParameterNames } from "../constructs/sql-parameters";
import { ALERT_KINDS, AlertKind } from "../stacks/config/analytics-schema";
import { ConfigError, loadEnvironmentFile } from "../stacks/config/load";
import { resolvePlatformSpec } from "../stacks/config/resolve";
import { Testing } from "cdktf";
import { ObservabilityStack } from "../stacks/observability-stack";
import { exampleStack, exampleConfigs, PROJECT_ROOT, resourcesOf, systemTables, tempDir, TfJson } from "./helpers";

const configs = exampleConfigs();
const synthesized: Record<string, TfJson> = {};
const stackOf = (env: string): TfJson => (synthesized[env] ??= exampleStack(env));

type Alert = { display_name: string; query_text: string; evaluation: Record<string, any>; schedule: Record<string, string>; run_as?: unknown };
const alertsOf = (env: string) => Object.values(resourcesOf(stackOf(env), "databricks_alert_v2")) as unknown as Alert[];
const alertOf = (env: string, kind: string) => {
  const found = alertsOf(env).filter((a) => a.display_name.endsWith(kind.split("_").map((w) => w[0].toUpperCase() + w.slice(1)).join(" ")));
  expect(found).toHaveLength(1);
  return found[0];
};
const KINDS = Object.keys(ALERT_KINDS) as AlertKind[];

describe("alerts", () => {
  test("every alert kind has its query file, and the shipped configs use every kind", () => {
    for (const kind of KINDS) expect(fs.existsSync(path.join(PROJECT_ROOT, "sql", "alerts", `${kind}.sql`))).toBe(true);
    const files = fs.readdirSync(path.join(PROJECT_ROOT, "sql", "alerts")).map((f) => f.replace(/\.sql$/, ""));
    expect(files.sort()).toEqual([...KINDS].sort());
    for (const env of ["dev", "aut", "prod"]) expect(configs[env].observability!.alerts.map((a) => a.kind).sort()).toEqual([...KINDS].sort());
  });

  describe.each(["dev", "aut", "prod"])("%s", (env) => {
    const production = env === "prod";
    test.each(KINDS)("%s: per-environment threshold bound into the query, schedule paused outside production", (kind) => {
      const config = configs[env].observability!.alerts.find((a) => a.kind === kind)!;
      const alert = alertOf(env, kind);
      expect(alert.display_name.startsWith(`[${env}] `)).toBe(true);
      // The query is the SQL file with every marker bound: the threshold as a literal.
      expect(sqlParameterNames(alert.query_text)).toEqual([]);
      expect(alert.query_text).toContain(`CAST('${config.threshold}' AS`);
      expect(alert.query_text).toMatch(/IDENTIFIER\('\$\{databricks_catalog\.[\w-]+\.name\}' \|\| '\.' \|\| '\$\{databricks_schema\./);
      expect(alert.evaluation).toMatchObject({
        source: { name: "alert_key", aggregation: "COUNT" },
        comparison_operator: "GREATER_THAN",
        threshold: { value: { double_value: 0 } },
        empty_result_state: "OK",
        notification: { retrigger_seconds: config.retriggerMinutes * 60, notify_on_ok: config.notifyOnOk },
      });
      expect(alert.schedule).toEqual({
        quartz_cron_schedule: config.schedule.quartzCron,
        timezone_id: config.schedule.timezone,
        pause_status: production ? "UNPAUSED" : "PAUSED",
      });
      const subscriptions = alert.evaluation.notification.subscriptions as Record<string, string>[];
      expect(subscriptions.length).toBeGreaterThan(0);
      for (const s of subscriptions) {
        if (s.destination_id) expect(s.destination_id).toMatch(/^\$\{databricks_notification_destination\.[\w-]+\.id\}$/);
      }
    });
  });

  test("thresholds differ per environment", () => {
    const threshold = (env: string) => configs[env].observability!.alerts.find((a) => a.kind === "job_health_low")!.threshold;
    expect(new Set(["dev", "aut", "prod"].map(threshold)).size).toBe(3);
  });

  test("the platform-failure alert watches the orchestrator's and pipelines' ids", () => {
    const q = alertOf("prod", "platform_failures").query_text;
    const orchestrator = Object.entries(resourcesOf(stackOf("prod"), "databricks_job")).find(([, j]) => String(j.name).endsWith("System Tables Orchestrator"))![0];
    expect(q).toContain(`\${databricks_job.${orchestrator}.id}`);
    expect(q).toMatch(/\$\{databricks_pipeline\.[\w-]+\.id\}/);
  });
});

describe("notification destinations", () => {
  const destinations = (env: string) => Object.values(resourcesOf(stackOf(env), "databricks_notification_destination"));

  test("e-mail everywhere; Slack, Teams, PagerDuty and webhook only in prod", () => {
    const kinds = (env: string) => destinations(env).map((d) => Object.keys(d.config as object)[0]).sort();
    expect(kinds("dev")).toEqual(["email"]);
    expect(kinds("aut")).toEqual(["email"]);
    expect(kinds("prod")).toEqual(["email", "generic_webhook", "microsoft_teams", "pagerduty", "slack"]);
  });

  test("secret fields are ${var.…} references to sensitive variables with no default", () => {
    const tf = stackOf("prod");
    const secretValues = destinations("prod").flatMap((d) =>
      Object.entries(d.config as Record<string, Record<string, unknown>>)
        .filter(([kind]) => kind !== "email")
        .flatMap(([, block]) => Object.values(block)),
    );
    expect(secretValues.length).toBe(6);
    for (const v of secretValues) expect(v).toMatch(/^\$\{var\.[a-z0-9_]+\}$/);
    const variables = tf.variable as Record<string, Record<string, unknown>>;
    for (const name of ["slack_webhook_url", "teams_webhook_url", "pagerduty_integration_key", "incident_webhook_url", "incident_webhook_username", "incident_webhook_password"]) {
      expect(variables[name]).toMatchObject({ type: "string", sensitive: true });
      expect(variables[name].default).toBeUndefined();
    }
  });

  test.each(["dev", "aut", "prod"])("%s: the synthesized stack holds no secret-shaped string", (env) => {
    const json = JSON.stringify(stackOf(env));
    for (const p of SECRET_PATTERNS) expect({ pattern: p.name, found: p.pattern.test(json) }).toEqual({ pattern: p.name, found: false });
  });

  test("the bronze orchestrator's failure webhooks are destination ids (at most 3)", () => {
    const orchestrator = (env: string) => Object.values(resourcesOf(stackOf(env), "databricks_job")).find((j) => String(j.name).endsWith("System Tables Orchestrator"))!;
    const ids = (orchestrator("prod").webhook_notifications as { on_failure: { id: string }[] }).on_failure.map((w) => w.id);
    expect(ids).toHaveLength(3);
    for (const id of ids) expect(id).toMatch(/^\$\{databricks_notification_destination\.[\w-]+\.id\}$/);
    expect((orchestrator("dev").webhook_notifications as { on_failure: unknown[] }).on_failure).toHaveLength(1);
  });
});

describe("analytics jobs", () => {
  type Task = { task_key: string; depends_on?: { task_key: string }[]; sql_task?: Record<string, any>; notebook_task?: Record<string, any> };
  const job = (env: string, suffix: string) =>
    Object.values(resourcesOf(stackOf(env), "databricks_job")).find((j) => String(j.name).endsWith(suffix)) as Record<string, any>;

  // The gold run model's task graph: each task after the tables it reads.
  const REFRESH_GRAPH: Record<string, { file?: string; after: string[] }> = {
    setup_gold: { file: "gold/setup.sql", after: [] },
    setup_etl_monitor: { file: "etl_monitor/setup.sql", after: [] },
    gold_usage_priced: { file: "gold/usage_priced.sql", after: ["setup_gold"] },
    gold_job_runs: { file: "gold/job_runs.sql", after: ["gold_usage_priced"] },
    gold_job_task_runs: { file: "gold/job_task_runs.sql", after: ["setup_gold"] },
    gold_pipeline_updates: { file: "gold/pipeline_updates.sql", after: ["gold_usage_priced"] },
    gold_daily_cost: { file: "gold/daily_cost.sql", after: ["gold_usage_priced"] },
    utilization_setup: { file: "gold/utilization_setup.sql", after: ["setup_gold"] },
    utilization: { file: "gold/utilization.sql", after: ["gold_job_runs", "utilization_setup"] },
    job_health_scores: { file: "analytics/job_health_scores.sql", after: ["gold_job_runs"] },
    job_duration_anomalies: { file: "analytics/job_duration_anomalies.sql", after: ["gold_job_runs"] },
    evaluate_alerts: { after: [] },
  };
  const workspaceFile = (env: string, ref: string) => {
    const key = /^\$\{databricks_workspace_file\.([\w-]+)\.path\}$/.exec(ref)![1];
    return resourcesOf(stackOf(env), "databricks_workspace_file")[key];
  };

  test("the refresh job runs the gold model's SQL files on the warehouse in dependency order, paused outside prod", () => {
    const refresh = job("dev", "Observability Analytics Refresh");
    const tasks = refresh.task as Task[];
    expect(tasks.map((t) => t.task_key).sort()).toEqual(Object.keys(REFRESH_GRAPH).sort());
    for (const t of tasks) {
      const expected = REFRESH_GRAPH[t.task_key];
      const after = (t.depends_on ?? []).map((d) => d.task_key);
      if (t.task_key === "evaluate_alerts") {
        // After every other task: it reads what they write.
        expect(after).toEqual(Object.keys(REFRESH_GRAPH).filter((k) => k !== "evaluate_alerts").sort());
        continue;
      }
      expect(after).toEqual([...expected.after].sort());
      expect(t.sql_task!.file.source).toBe("WORKSPACE");
      expect(String(workspaceFile("dev", t.sql_task!.file.path).path)).toMatch(new RegExp(`/analytics/sql/${expected.file!.replace(".", "\\.")}$`));
      expect(t.sql_task!.warehouse_id).toBeDefined();
    }
    const byKey = Object.fromEntries(tasks.map((t) => [t.task_key, t]));
    expect(byKey.job_health_scores.sql_task!.parameters).toMatchObject({ window_days: "30", as_of: "" });
    expect(byKey.gold_job_runs.sql_task!.parameters).toMatchObject({ lookback_hours: String(configs.dev.observability!.goldLookbackHours ?? 24) });
    // the rightsizing views' thresholds: dev.yaml's (idle stretches from 15 minutes), resolved
    const resolved = resolvePlatformSpec(configs.dev, { projectRoot: PROJECT_ROOT }).analytics!;
    expect(resolved.idleClusters).toEqual({ cpuPercent: 5, minMinutes: 15 });
    expect(byKey.utilization_setup.sql_task!.parameters).toEqual({
      catalog: expect.any(String),
      bronze_schema: expect.any(String),
      gold_schema: expect.any(String),
      idle_cpu_percent: String(resolved.idleClusters.cpuPercent),
      idle_min_minutes: String(resolved.idleClusters.minMinutes),
      driver_cpu_percent: String(resolved.driverBound.driverCpuPercent),
      worker_cpu_percent: String(resolved.driverBound.workerCpuPercent),
    });
    expect(refresh.schedule.pause_status).toBe("PAUSED");
    expect(job("prod", "Observability Analytics Refresh").schedule.pause_status).toBe("UNPAUSED");
  });

  test.each(["dev", "aut", "prod"])("%s: every SQL file task binds exactly the markers its file uses", (env) => {
    const refresh = job(env, "Observability Analytics Refresh");
    for (const t of (refresh.task as Task[]).filter((x) => x.sql_task)) {
      const file = workspaceFile(env, t.sql_task!.file.path);
      const local = path.join(PROJECT_ROOT, "sql", String(file.path).split("/analytics/sql/")[1]);
      expect({ task: t.task_key, markers: Object.keys(t.sql_task!.parameters).sort() }).toEqual({ task: t.task_key, markers: sqlParameterNames(fs.readFileSync(local, "utf8")) });
    }
  });

  test.each(["dev", "aut", "prod"])("%s: evaluate_alerts gets every configured alert with the parameters its query needs", (env) => {
    const resolved = resolvePlatformSpec(configs[env], { projectRoot: PROJECT_ROOT }).analytics!;
    const task = (job(env, "Observability Analytics Refresh").task as Task[]).find((t) => t.task_key === "evaluate_alerts")!;
    const p = task.notebook_task!.base_parameters as Record<string, string>;
    expect(Object.keys(p).sort()).toEqual(["alerts", "catalog", "common_parameters", "evaluated_at", "gold_schema", "sql_dir"]);
    expect(p.evaluated_at).toBe("");
    expect(Object.keys(JSON.parse(p.common_parameters)).sort()).toEqual(["bronze_schema", "catalog", "etl_schema", "gold_schema"]);
    // Every alert query is deployed into sql_dir as <kind>.sql.
    const deployed = Object.values(resourcesOf(stackOf(env), "databricks_workspace_file")).map((f) => String(f.path));
    for (const kind of KINDS) expect(deployed).toContain(`${p.sql_dir}/${kind}.sql`);
    const alerts = JSON.parse(p.alerts) as { name: string; kind: AlertKind; parameters: Record<string, string>; subscribers: string[]; retrigger_minutes: number }[];
    expect(alerts.map((a) => a.name)).toEqual(resolved.alerts.map((a) => a.name));
    for (const a of alerts) {
      const config = resolved.alerts.find((r) => r.name === a.name)!;
      const markers = sqlParameterNames(fs.readFileSync(path.join(PROJECT_ROOT, "sql", "alerts", `${a.kind}.sql`), "utf8"));
      const common = ["catalog", "bronze_schema", "gold_schema", "etl_schema"];
      expect(Object.keys(a.parameters).sort()).toEqual(markers.filter((m) => !common.includes(m)));
      expect(a.parameters.threshold).toBe(String(config.threshold));
      expect(a.retrigger_minutes).toBe(config.retriggerMinutes);
      expect(a.subscribers.sort()).toEqual([...(config.emails ?? []), ...config.destinations.map((d) => `destination:${d}`)].sort());
      // The task cannot reference its own job id: the run substitutes it.
      if (a.kind === "platform_failures") expect(a.parameters.platform_job_ids).toContain("{{job.id}}");
      if (a.kind === "job_overprovisioned") {
        expect(a.parameters).toMatchObject({ mem_threshold: String(resolved.overprovisioned.memoryPercent), min_runs: String(resolved.overprovisioned.minRuns) });
      }
    }
  });

  describe("a SQL file whose markers the construct does not bind fails synth", () => {
    const withSql = (rel: string, edit: (sql: string) => string) => {
      const sqlDir = path.join(tempDir("dbx-sql-"), "sql");
      fs.cpSync(path.join(PROJECT_ROOT, "sql"), sqlDir, { recursive: true });
      fs.writeFileSync(path.join(sqlDir, rel), edit(fs.readFileSync(path.join(sqlDir, rel), "utf8")));
      const spec = resolvePlatformSpec(configs.dev, { projectRoot: PROJECT_ROOT });
      return () => new ObservabilityStack(Testing.app(), "dev", { spec: { ...spec, analytics: { ...spec.analytics!, sqlDir } }, systemTables: systemTables(), projectRoot: PROJECT_ROOT });
    };

    test("a marker no task parameter binds", () => {
      expect(withSql("gold/job_runs.sql", (sql) => `${sql}\n-- refreshed\nSELECT :surprise;\n`)).toThrow("tasks.gold_job_runs: sql/gold/job_runs.sql needs parameter(s) surprise");
    });

    test("a task parameter the file no longer uses", () => {
      expect(withSql("gold/daily_cost.sql", (sql) => sql.replace(/CAST\(:lookback_hours AS INT\)/g, "24"))).toThrow(
        "tasks.gold_daily_cost: sql/gold/daily_cost.sql has no marker(s) lookback_hours",
      );
    });

    test("an alert query marker nobody binds", () => {
      expect(withSql("alerts/job_overprovisioned.sql", (sql) => sql.replace("CAST(:min_runs AS INT)", "CAST(:min_runz AS INT)"))).toThrow("missing SQL parameter(s): min_runz");
    });
  });

  test("the report job runs the notebook into the reports volume", () => {
    const report = job("prod", "Failed Run Report");
    const task = (report.task as Task[])[0];
    expect(task.notebook_task!.base_parameters).toMatchObject({ window_hours: "24", as_of: "" });
    // The report reads the gold run model, not bronze.
    expect(Object.keys(task.notebook_task!.base_parameters).sort()).toEqual(["as_of", "catalog", "gold_schema", "output_dir", "sql_path", "window_hours"]);
    expect(task.notebook_task!.base_parameters.output_dir).toMatch(/failed_runs$/);
    expect(task.notebook_task!.base_parameters.sql_path).toMatch(/^\$\{databricks_workspace_file\./);
  });
});

describe("observability config errors", () => {
  const PROD = fs.readFileSync(path.join(PROJECT_ROOT, "environments", "prod.yaml"), "utf8");
  const problemsOf = (text: string): string[] => {
    const root = tempDir("dbx-obs-");
    fs.mkdirSync(path.join(root, "environments"));
    const file = path.join(root, "environments", "prod.yaml");
    fs.writeFileSync(file, text);
    try {
      loadEnvironmentFile(file, {}, root);
    } catch (e) {
      if (e instanceof ConfigError) return [...e.problems];
      throw e;
    }
    return [];
  };

  test("a secret value instead of a variable name is refused, without echoing it", () => {
    const problems = problemsOf(PROD.replace("      urlVariable: slack_webhook_url\n", "      url: https://example.com/not-a-real-hook\n"));
    expect(problems).toContain(
      "environments/prod.yaml: observability.destinations[1].url: secret values never go in configuration: set urlVariable: <name of a sensitive Terraform variable> and pass TF_VAR_<name> at plan/apply time",
    );
    expect(problems.join("\n")).not.toContain("not-a-real-hook");
  });

  test("a secret-shaped string anywhere is refused by the loader", () => {
    const problems = problemsOf(PROD.replace("urlVariable: slack_webhook_url", "urlVariable: https://hooks.slack.com/services/T0/B0/x"));
    expect(problems.some((p) => p.includes("observability.destinations[1].urlVariable: looks like a Slack webhook URL"))).toBe(true);
  });

  test.each<[string, string, string]>([
    ["unknown destination", "destinations: [pagerduty-platform, slack-oncall, incident-webhook]", 'unknown destination "nope"'],
    ["unknown alert kind", "- kind: dbu_cost_spike", "observability.alerts[4].kind: expected one of"],
  ])("%s", (_name, find, message) => {
    const replacement = find.startsWith("destinations") ? "destinations: [nope]" : "- kind: dbu_spike";
    expect(problemsOf(PROD.replace(find, replacement)).join("\n")).toContain(message);
  });

  test("more than 3 orchestrator destinations and duplicate alert names are refused", () => {
    const text = PROD.replace("orchestratorFailureDestinations: [pagerduty-platform, slack-oncall, teams-platform]", "orchestratorFailureDestinations: [pagerduty-platform, slack-oncall, teams-platform, platform-email]").replace(
      "- kind: dbu_cost_spike",
      "- kind: failed_job_runs",
    );
    const problems = problemsOf(text).join("\n");
    expect(problems).toContain("observability.orchestratorFailureDestinations: at most 3 destinations per job event");
    expect(problems).toContain('observability.alerts[4].name: duplicate alert "failed_job_runs": give one a distinct name');
  });

  test.each<[string, string, string]>([
    ["idleClusters: { cpuPercent: 0, minMinutes: 30 }", "observability.idleClusters.cpuPercent", "too small: expected number to be >0, got 0"],
    ["idleClusters: { cpuPercent: 120, minMinutes: 30 }", "observability.idleClusters.cpuPercent", "too big: expected number to be <=100, got 120"],
    ["idleClusters: { cpuPercent: 5, minMinutes: 7.5 }", "observability.idleClusters.minMinutes", "expected int, got 7.5"],
    ["idleClusters: { cpuPercent: 5, minMinutes: 1441 }", "observability.idleClusters.minMinutes", "too big: expected number to be <=1440, got 1441"],
    ["driverBound: { driverCpuPercent: 170, workerCpuPercent: 20 }", "observability.driverBound.driverCpuPercent", "too big: expected number to be <=100, got 170"],
    ["driverBound: { driverCpuPercent: 70, workerCpuPercent: low }", "observability.driverBound.workerCpuPercent", 'expected number, got "low"'],
  ])("a rightsizing threshold out of range is refused, naming file and field: %s", (replacement, field, message) => {
    const find = replacement.startsWith("idle") ? "idleClusters: { cpuPercent: 5, minMinutes: 30 }" : "driverBound: { driverCpuPercent: 70, workerCpuPercent: 20 }";
    expect(PROD).toContain(find);
    expect(problemsOf(PROD.replace(find, replacement))).toEqual([`environments/prod.yaml: ${field}: ${message}`]);
  });

  test("an alert whose destinations are all disabled notifies nobody: refused", () => {
    const dev = fs.readFileSync(path.join(PROJECT_ROOT, "environments", "dev.yaml"), "utf8");
    const text = dev.replace("destinations: [platform-email]\n      retriggerMinutes: 60", "destinations: [slack-oncall]\n      retriggerMinutes: 60").replace("environment: dev", "environment: prod");
    expect(problemsOf(text).join("\n")).toContain("observability.alerts[0].destinations: no enabled destination or e-mail: nobody would be notified");
  });
});
