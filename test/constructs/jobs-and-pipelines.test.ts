import * as fs from "fs";
import * as path from "path";
import { BronzeIngestionPipeline } from "../../constructs/bronze-ingestion-pipeline";
import { JobTaskSpec, ManagedJob, ManagedJobProps } from "../../constructs/managed-job";
import { SystemTableIngestion, SystemTableIngestionProps } from "../../constructs/system-table-ingestion";
import { onlyResource, resourcesOf, synthConstructs, tempDir } from "../helpers";
import { table } from "./fixtures";

const baseJob: ManagedJobProps = {
  name: "job",
  tasks: [{ taskKey: "only", notebook: { path: "/nb" } }],
  timeoutSeconds: 3600,
  durationWarningSeconds: 1800,
  failureEmails: ["ops@example.com"],
};
const jobOf = (props: Partial<ManagedJobProps>) =>
  onlyResource(synthConstructs((scope) => new ManagedJob(scope, "Job", { ...baseJob, ...props })), "databricks_job");

describe("ManagedJob", () => {
  test("carries the guard rails: timeout, one run at a time, queue, failure e-mail, health rule", () => {
    expect(jobOf({})).toMatchObject({
      timeout_seconds: 3600,
      max_concurrent_runs: 1,
      queue: { enabled: true },
      email_notifications: { on_failure: ["ops@example.com"], on_duration_warning_threshold_exceeded: ["ops@example.com"] },
      health: { rules: [{ metric: "RUN_DURATION_SECONDS", op: "GREATER_THAN", value: 1800 }] },
    });
  });

  test("sorts tasks and their dependencies by key", () => {
    const tasks: JobTaskSpec[] = [
      { taskKey: "z_last", dependsOn: ["m_mid", "a_first"], notebook: { path: "/z" } },
      { taskKey: "a_first", notebook: { path: "/a" } },
      { taskKey: "m_mid", dependsOn: ["a_first"], pipeline: { pipelineId: "p" } },
    ];
    const job = jobOf({ tasks });
    const synthesized = job.task as { task_key: string; depends_on?: { task_key: string }[] }[];
    expect(synthesized.map((t) => t.task_key)).toEqual(["a_first", "m_mid", "z_last"]);
    expect(synthesized[2].depends_on).toEqual([{ task_key: "a_first" }, { task_key: "m_mid" }]);
  });

  test("writes the schedule with an explicit pause status", () => {
    expect(jobOf({ schedule: { quartzCron: "0 0 2 * * ?", timezone: "UTC", pauseStatus: "PAUSED" } }).schedule).toEqual({
      quartz_cron_expression: "0 0 2 * * ?",
      timezone_id: "UTC",
      pause_status: "PAUSED",
    });
  });

  test("runs as the service principal when given one", () => {
    expect(jobOf({ runAsServicePrincipal: "app-id" }).run_as).toEqual({ service_principal_name: "app-id" });
    expect(jobOf({}).run_as).toBeUndefined();
  });

  test.each<[string, Partial<ManagedJobProps>, string]>([
    ["duplicate keys", { tasks: [baseJob.tasks[0], baseJob.tasks[0]] }, "tasks: duplicate task keys only"],
    ["an unknown dependency", { tasks: [{ taskKey: "a", dependsOn: ["b"], notebook: { path: "/a" } }] }, 'tasks.a.dependsOn: unknown task "b"'],
    [
      "a cycle",
      {
        tasks: [
          { taskKey: "a", dependsOn: ["b"], notebook: { path: "/a" } },
          { taskKey: "b", dependsOn: ["a"], notebook: { path: "/b" } },
        ],
      },
      "tasks: dependency cycle a -> b -> a",
    ],
    ["a task with two kinds", { tasks: [{ taskKey: "a", notebook: { path: "/a" }, pipeline: { pipelineId: "p" } }] }, "tasks.a: set exactly one of notebook, pipeline, sqlFile (got 2)"],
    ["unbounded retries", { tasks: [{ taskKey: "a", notebook: { path: "/a" }, retry: { maxRetries: -1, minRetryIntervalMillis: 0 } }] }, "tasks.a.retry.maxRetries: expected 0..5, got -1"],
    ["a warning after the timeout", { durationWarningSeconds: 4000 }, "durationWarningSeconds: 4000 must be below timeoutSeconds 3600"],
    ["no failure e-mail", { failureEmails: [] }, "failureEmails: at least one address is required"],
    ["four webhooks", { failureWebhookIds: ["1", "2", "3", "4"] }, "failureWebhookIds: at most 3 destinations per event, got 4"],
  ])("refuses %s", (_name, props, message) => {
    expect(() => jobOf(props)).toThrow(message);
  });
});

describe("BronzeIngestionPipeline", () => {
  const tables = [table({ name: "jobs", source: "system.lakeflow.jobs" }), table({ name: "job_tasks", source: "system.lakeflow.job_tasks" })];
  const build = (overrides: Partial<ConstructorParameters<typeof BronzeIngestionPipeline>[2]> = {}) =>
    onlyResource(
      synthConstructs(
        (scope) =>
          new BronzeIngestionPipeline(scope, "Pipeline", {
            name: "[dev] lakeflow",
            domain: "lakeflow",
            tables,
            catalog: "obs",
            schema: "bronze",
            notebookPath: "/nb",
            businessOwner: "Ops",
            technicalOwner: "DE",
            failureEmails: ["ops@example.com"],
            development: false,
            ...overrides,
          }),
      ),
      "databricks_pipeline",
    );

  test("is serverless, triggered, direct-publishing to catalog + schema, never target/storage", () => {
    const p = build();
    expect(p).toMatchObject({ serverless: true, continuous: false, catalog: "obs", schema: "bronze", allow_duplicate_names: false, development: false });
    expect(p.target).toBeUndefined();
    expect(p.storage).toBeUndefined();
  });

  test("carries its tables in the configuration, sorted, for the generic notebook", () => {
    const conf = build().configuration as Record<string, string>;
    expect(conf["observability.domain"]).toBe("lakeflow");
    expect((JSON.parse(conf["observability.tables"]) as { name: string }[]).map((t) => t.name)).toEqual(["job_tasks", "jobs"]);
  });

  test("notifies on failures and runs as the service principal", () => {
    const p = build({ runAsServicePrincipal: "app-id" });
    expect(p.notification).toEqual([
      { email_recipients: ["ops@example.com"], alerts: ["on-flow-failure", "on-update-failure", "on-update-fatal-failure"] },
    ]);
    expect(p.run_as).toEqual({ service_principal_name: "app-id" });
  });

  test("refuses merge tables and tables of another domain", () => {
    expect(() => build({ tables: [table({ name: "q", source: "system.query.history", mode: "merge" })] })).toThrow(
      'tables: "q" is a merge table; only stream tables belong in a pipeline; tables: "q" belongs to domain query, not lakeflow',
    );
  });
});

describe("SystemTableIngestion", () => {
  const notebooksDir = tempDir("dbx-notebooks-");
  for (const f of ["bronze_streaming_pipeline.py", "bronze_nonstreaming_setup.py", "bronze_nonstreaming_merge.py"]) {
    fs.writeFileSync(path.join(notebooksDir, f), `# Databricks notebook source\n# ${f}\n`);
  }
  const tables = [
    table({ name: "jobs", source: "system.lakeflow.jobs" }),
    table({ name: "usage", source: "system.billing.usage" }),
    table({ name: "audit", source: "system.access.audit" }),
    table({ name: "query_history", source: "system.query.history", mode: "merge", keys: ["statement_id"], sequenceBy: "update_time" }),
  ];
  const props: SystemTableIngestionProps = {
    tables,
    catalog: "obs",
    schema: "bronze",
    notebooksDir,
    workspaceDir: "/Workspace/obs",
    namePrefix: "[t] ",
    schedule: { quartzCron: "0 0 2 * * ?", timezone: "UTC", pauseStatus: "PAUSED" },
    timeoutSeconds: 14400,
    durationWarningSeconds: 10800,
    retry: { maxRetries: 2, minRetryIntervalMillis: 60000 },
    failureEmails: ["ops@example.com"],
    development: true,
    businessOwner: "Ops",
    technicalOwner: "DE",
  };
  const build = (p: SystemTableIngestionProps = props) => synthConstructs((scope) => new SystemTableIngestion(scope, "Ingestion", p));
  const tf = build();
  const jobs = Object.values(resourcesOf(tf, "databricks_job"));
  const orchestrator = jobs.find((j) => j.name === "[t] System Tables Orchestrator")!;
  const tasks = orchestrator.task as { task_key: string; depends_on?: { task_key: string }[]; run_if?: string }[];

  test("one pipeline per domain of the stream tables", () => {
    expect(Object.values(resourcesOf(tf, "databricks_pipeline")).map((p) => p.name)).toEqual([
      "[t] System Access Streaming Pipeline",
      "[t] System Billing Streaming Pipeline",
      "[t] System Lakeflow Streaming Pipeline",
    ]);
  });

  test("the orchestrator runs setup, then every pipeline in parallel, then merge after all of them", () => {
    expect(tasks.map((t) => t.task_key)).toEqual(["ingest_access", "ingest_billing", "ingest_lakeflow", "merge", "setup"]);
    for (const t of tasks.filter((x) => x.task_key.startsWith("ingest_"))) expect(t.depends_on).toEqual([{ task_key: "setup" }]);
    const merge = tasks.find((t) => t.task_key === "merge")!;
    expect(merge.depends_on).toEqual([{ task_key: "ingest_access" }, { task_key: "ingest_billing" }, { task_key: "ingest_lakeflow" }]);
    expect(merge.run_if).toBe("ALL_DONE");
    expect(tasks.find((t) => t.task_key === "setup")!.depends_on).toBeUndefined();
    expect(orchestrator.schedule).toMatchObject({ pause_status: "PAUSED" });
  });

  test("standalone setup and merge jobs exist for manual runs, without schedules", () => {
    const names = jobs.map((j) => j.name).sort();
    expect(names).toEqual(["[t] System Tables Non-Streaming Merge", "[t] System Tables Non-Streaming Setup", "[t] System Tables Orchestrator"]);
    for (const j of jobs.filter((x) => x !== orchestrator)) expect(j.schedule).toBeUndefined();
  });

  test("setup and merge receive the merge tables; retries are bounded", () => {
    const merge = (orchestrator.task as Record<string, any>[]).find((t) => t.task_key === "merge")!;
    expect(JSON.parse(merge.notebook_task.base_parameters.tables_json).map((t: { name: string }) => t.name)).toEqual(["query_history"]);
    expect(merge).toMatchObject({ max_retries: 2, min_retry_interval_millis: 60000 });
  });

  test("deploys the exact notebook files as assets", () => {
    const notebooks = Object.values(resourcesOf(tf, "databricks_notebook"));
    expect(notebooks.map((n) => n.path).sort()).toEqual([
      "/Workspace/obs/bronze_nonstreaming_merge",
      "/Workspace/obs/bronze_nonstreaming_setup",
      "/Workspace/obs/bronze_streaming_pipeline",
    ]);
    for (const n of notebooks) expect(n.source).toMatch(/^assets\/.+\.py$/);
  });

  test("adding a table adds it to its pipeline's configuration and nothing else changes shape", () => {
    const more = build({ ...props, tables: [...tables, table({ name: "job_tasks", source: "system.lakeflow.job_tasks" })] });
    const lakeflow = Object.values(resourcesOf(more, "databricks_pipeline")).find((p) => p.name === "[t] System Lakeflow Streaming Pipeline")!;
    const names = JSON.parse((lakeflow.configuration as Record<string, string>)["observability.tables"]).map((t: { name: string }) => t.name);
    expect(names).toEqual(["job_tasks", "jobs"]);
    expect(Object.keys(resourcesOf(more, "databricks_pipeline"))).toEqual(Object.keys(resourcesOf(tf, "databricks_pipeline")));
  });

  test("refuses a table listed twice", () => {
    expect(() => build({ ...props, tables: [...tables, tables[0]] })).toThrow("tables: bronze names listed twice: jobs; tables: sources listed twice: system.lakeflow.jobs");
  });
});
