import * as fs from "fs";
import * as path from "path";
import { ETL_MONITOR_SQL_FILES, EtlMonitorRuntime, EtlMonitorRuntimeProps, SAMPLE_STAGES } from "../../constructs/etl-monitor-runtime";
import { ManagedJob } from "../../constructs/managed-job";
import { SmokeTest, SmokeTestProps } from "../../constructs/smoke-test";
import { onlyResource, PROJECT_ROOT, resourcesOf, synthConstructs, tempDir, TfJson } from "../helpers";

const notebooksDir = path.join(PROJECT_ROOT, "notebooks");
const sqlDir = path.join(PROJECT_ROOT, "sql");
const root = "/Workspace/Shared/obs/dev";

const runtimeProps: EtlMonitorRuntimeProps = { notebooksDir, sqlDir, workspaceRoot: root, catalogName: "obs", etlSchema: "etl_monitor" };
const synthRuntime = (props: Partial<EtlMonitorRuntimeProps>) => synthConstructs((s) => new EtlMonitorRuntime(s, "Etl", { ...runtimeProps, ...props }));
const sampleJob = { schedule: { quartzCron: "0 0 6 * * ?", timezone: "UTC", pauseStatus: "PAUSED" as const } };

const pathsOf = (tf: TfJson, type: string) => Object.values(resourcesOf(tf, type)).map((r) => String(r.path)).sort();

describe("EtlMonitorRuntime", () => {
  test("deploys every module of the package and its SQL where sqlfiles.py looks (<lib>/etl_monitor/sql/)", () => {
    const files = pathsOf(synthRuntime({}), "databricks_workspace_file");
    const modules = fs.readdirSync(path.join(notebooksDir, "lib", "etl_monitor")).filter((f) => f.endsWith(".py"));
    expect(modules).toContain("__init__.py");
    expect(files).toEqual(
      [...modules.map((m) => `${root}/lib/etl_monitor/${m}`), ...ETL_MONITOR_SQL_FILES.map((f) => `${root}/lib/etl_monitor/sql/${f}`)].sort(),
    );
    // The Python side names the same three files and the same folder.
    const sqlfiles = fs.readFileSync(path.join(notebooksDir, "lib", "etl_monitor", "sqlfiles.py"), "utf8");
    expect(sqlfiles).toContain(`SQL_FILES = (${ETL_MONITOR_SQL_FILES.map((f) => `"${f}"`).join(", ")})`);
    expect(sqlfiles).toContain('os.path.join(_PACKAGE_DIR, "sql")');
  });

  test("deploys the four utility notebooks to <root>/etl, and no sample job unless asked", () => {
    const tf = synthRuntime({});
    expect(pathsOf(tf, "databricks_notebook")).toEqual(["etl_end_task", "etl_fail_task", "etl_pending_tasks", "etl_start_task"].map((n) => `${root}/etl/${n}`));
    expect(resourcesOf(tf, "databricks_job")).toEqual({});
    expect(resourcesOf(tf, "databricks_permissions")).toEqual({});
  });

  test("the sample job: four chained stages of one notebook, job parameters with one execution id per run, paused", () => {
    const tf = synthRuntime({ sampleJob, failureEmails: ["ops@example.com"], namePrefix: "[dev] " });
    expect(pathsOf(tf, "databricks_notebook")).toContain(`${root}/etl/etl_sample_process`);
    const job = onlyResource(tf, "databricks_job");
    expect(job.name).toBe("[dev] ETL Monitor Sample Process");
    expect(job.schedule).toEqual({ quartz_cron_expression: "0 0 6 * * ?", timezone_id: "UTC", pause_status: "PAUSED" });
    expect(job.parameter).toEqual([
      { name: "catalog", default: "obs" },
      { name: "etl_schema", default: "etl_monitor" },
      { name: "execution_id", default: "job-{{job.run_id}}" },
      { name: "lib_path", default: `${root}/lib` },
      { name: "processing_date", default: "" },
    ]);
    const tasks = job.task as { task_key: string; depends_on?: { task_key: string }[]; notebook_task: { base_parameters: Record<string, string>; notebook_path: string }; new_cluster?: unknown; job_cluster_key?: unknown }[];
    const byKey = Object.fromEntries(tasks.map((t) => [t.task_key, t]));
    expect(Object.keys(byKey).sort()).toEqual([...SAMPLE_STAGES].sort());
    SAMPLE_STAGES.forEach((stage, i) => {
      expect(byKey[stage].notebook_task.base_parameters).toEqual({ stage });
      expect(byKey[stage].notebook_task.notebook_path).toMatch(/databricks_notebook\..*etl_sample_process.*\.path/);
      expect(byKey[stage].depends_on).toEqual(i === 0 ? undefined : [{ task_key: SAMPLE_STAGES[i - 1] }]);
      expect(byKey[stage].new_cluster ?? byKey[stage].job_cluster_key).toBeUndefined();
    });
    // The notebook reads exactly these widgets (plus stage and its own defaults).
    const notebook = fs.readFileSync(path.join(notebooksDir, "etl_sample_process.py"), "utf8");
    for (const w of ["lib_path", "catalog", "etl_schema", "execution_id", "processing_date", "stage"]) expect(notebook).toContain(`("${w}", `);
  });

  test("CAN_READ on lib/ and etl/ for the reader groups and the run-as principal, after the uploads", () => {
    const tf = synthRuntime({ readerGroups: ["engineers", "engineers"], runAsServicePrincipal: "00000000-0000-0000-0000-000000000001" });
    const acls = Object.values(resourcesOf(tf, "databricks_permissions"));
    expect(acls.map((a) => a.directory_path).sort()).toEqual([`${root}/etl`, `${root}/lib`]);
    for (const a of acls) {
      expect(a.access_control).toEqual([
        { group_name: "engineers", permission_level: "CAN_READ" },
        { service_principal_name: "00000000-0000-0000-0000-000000000001", permission_level: "CAN_READ" },
      ]);
      const deps = a.depends_on as string[];
      expect(deps.length).toBeGreaterThan(0);
      const kind = a.directory_path === `${root}/lib` ? "databricks_workspace_file" : "databricks_notebook";
      expect(deps.every((d) => d.startsWith(`${kind}.`))).toBe(true);
    }
  });

  test("refuses a missing package, missing SQL, a relative root, and a sample job nobody hears about", () => {
    const empty = tempDir("etl-runtime-");
    expect(() => synthRuntime({ notebooksDir: empty })).toThrow(/notebooksDir: .* holds no Python package/);
    expect(() => synthRuntime({ sqlDir: empty })).toThrow(/sqlDir: .*setup\.sql not found/);
    expect(() => synthRuntime({ workspaceRoot: "Shared/obs" })).toThrow(/workspaceRoot: expected an absolute workspace path/);
    expect(() => synthRuntime({ sampleJob })).toThrow(/failureEmails: at least one address is required with sampleJob/);
  });
});

describe("ManagedJob parameters", () => {
  test("refuses an invalid job parameter name", () => {
    expect(() =>
      synthConstructs(
        (s) =>
          new ManagedJob(s, "Job", {
            name: "j",
            tasks: [{ taskKey: "t", notebook: { path: "/nb" } }],
            timeoutSeconds: 60,
            durationWarningSeconds: 30,
            failureEmails: ["ops@example.com"],
            parameters: { "bad name": "x" },
          }),
      ),
    ).toThrow(/parameters: "bad name" is not a valid job parameter name/);
  });
});

const smokeProps: SmokeTestProps = {
  notebooksDir,
  sqlDir,
  workspaceDir: `${root}/smoke`,
  catalogName: "obs",
  schemas: ["system_bronze", "observability_gold"],
  destinationIds: ["d1", "d2"],
  failureEmails: ["ops@example.com"],
  runAsServicePrincipal: "00000000-0000-0000-0000-000000000001",
};
const synthSmoke = (props: Partial<SmokeTestProps>) => synthConstructs((s) => new SmokeTest(s, "Smoke", { ...smokeProps, ...props }));

describe("SmokeTest", () => {
  test("a manual serverless job running the smoke notebook as the run-as principal, with every widget set", () => {
    const tf = synthSmoke({ namePrefix: "[dev] " });
    const job = onlyResource(tf, "databricks_job");
    expect(job.schedule).toBeUndefined();
    expect(job.run_as).toEqual({ service_principal_name: "00000000-0000-0000-0000-000000000001" });
    expect(job.name).toBe("[dev] Post-deploy Smoke Test");
    const [task] = job.task as { notebook_task: { base_parameters: Record<string, string> }; new_cluster?: unknown; job_cluster_key?: unknown }[];
    expect(task.new_cluster ?? task.job_cluster_key).toBeUndefined();
    expect(task.notebook_task.base_parameters).toEqual({
      registry_path: `${root}/smoke/system_tables.json`,
      catalog: "obs",
      schemas: "system_bronze,observability_gold",
      destination_ids: "d1,d2",
      run_name_prefix: "[dev] [smoke test]",
    });
    // The registry the notebook opens is the repository's contract file, deployed beside it.
    expect(pathsOf(tf, "databricks_workspace_file")).toEqual([`${root}/smoke/system_tables.json`]);
    expect(pathsOf(tf, "databricks_notebook")).toEqual([`${root}/smoke/smoke_test`]);
    const widgets = fs.readFileSync(path.join(notebooksDir, "smoke_test.py"), "utf8");
    for (const w of Object.keys(task.notebook_task.base_parameters)) expect(widgets).toContain(`("${w}", `);
  });

  test("a workspace path without /Workspace is opened through /Workspace; no destinations means no notification check", () => {
    const job = onlyResource(synthSmoke({ workspaceDir: "/Shared/obs/smoke", destinationIds: undefined }), "databricks_job");
    const [task] = job.task as { notebook_task: { base_parameters: Record<string, string> } }[];
    expect(task.notebook_task.base_parameters.registry_path).toBe("/Workspace/Shared/obs/smoke/system_tables.json");
    expect(task.notebook_task.base_parameters.destination_ids).toBe("");
  });

  test("refuses no schemas, a schema twice, and a destination id with a comma", () => {
    expect(() => synthSmoke({ schemas: [] })).toThrow(/schemas: at least one platform schema is required/);
    expect(() => synthSmoke({ schemas: ["a", "a"] })).toThrow(/schemas: "a" listed twice/);
    expect(() => synthSmoke({ destinationIds: ["a,b"] })).toThrow(/destinationIds: "a,b" contains a comma/);
  });
});
