import * as fs from "fs";
import * as path from "path";
import { SECRET_PATTERNS } from "../vocabulary/secret-shapes";
import { sqlParameterNames } from "../constructs/sql-parameters";
import { ALERT_KINDS, AlertKind } from "../stacks/config/analytics-schema";
import { ConfigError, loadEnvironmentFile } from "../stacks/config/load";
import { exampleConfigs, PROJECT_ROOT, resourcesOf, synthStack, tempDir, TfJson } from "./helpers";

const configs = exampleConfigs();
const synthesized: Record<string, TfJson> = {};
const stackOf = (env: string): TfJson => (synthesized[env] ??= synthStack(configs[env]));

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

  test("the refresh job runs the SQL files on the warehouse, paused outside prod", () => {
    const refresh = job("dev", "Observability Analytics Refresh");
    const tasks = refresh.task as Task[];
    expect(tasks.map((t) => t.task_key)).toEqual(["job_duration_anomalies", "job_health_scores", "setup_etl_monitor", "setup_gold"]);
    for (const t of tasks) {
      expect(t.sql_task!.file.source).toBe("WORKSPACE");
      expect(t.sql_task!.file.path).toMatch(/^\$\{databricks_workspace_file\./);
      expect(t.sql_task!.warehouse_id).toBeDefined();
    }
    expect(tasks[1].sql_task!.parameters).toMatchObject({ window_days: "30", as_of: "" });
    expect(refresh.schedule.pause_status).toBe("PAUSED");
    expect(job("prod", "Observability Analytics Refresh").schedule.pause_status).toBe("UNPAUSED");
  });

  test("every SQL file task binds exactly the markers its file uses", () => {
    const files = Object.values(resourcesOf(stackOf("dev"), "databricks_workspace_file"));
    const refresh = job("dev", "Observability Analytics Refresh");
    for (const t of refresh.task as Task[]) {
      const ref = /^\$\{databricks_workspace_file\.([\w-]+)\.path\}$/.exec(t.sql_task!.file.path)![1];
      const file = resourcesOf(stackOf("dev"), "databricks_workspace_file")[ref];
      expect(files).toContain(file);
      const local = path.join(PROJECT_ROOT, "sql", String(file.path).split("/analytics/sql/")[1]);
      expect(Object.keys(t.sql_task!.parameters).sort()).toEqual(sqlParameterNames(fs.readFileSync(local, "utf8")));
    }
  });

  test("the report job runs the notebook into the reports volume", () => {
    const report = job("prod", "Failed Run Report");
    const task = (report.task as Task[])[0];
    expect(task.notebook_task!.base_parameters).toMatchObject({ window_hours: "24", as_of: "" });
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

  test("an alert whose destinations are all disabled notifies nobody: refused", () => {
    const dev = fs.readFileSync(path.join(PROJECT_ROOT, "environments", "dev.yaml"), "utf8");
    const text = dev.replace("destinations: [platform-email]\n      retriggerMinutes: 60", "destinations: [slack-oncall]\n      retriggerMinutes: 60").replace("environment: dev", "environment: prod");
    expect(problemsOf(text).join("\n")).toContain("observability.alerts[0].destinations: no enabled destination or e-mail: nobody would be notified");
  });
});
