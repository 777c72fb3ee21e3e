import { Permissions } from "@cdktf/provider-databricks/lib/permissions";
import * as fs from "fs";
import * as path from "path";
import { Construct } from "constructs";
import { throwIfProblems } from "./errors";
import { JobScheduleSpec, ManagedJob } from "./managed-job";
import { WorkspaceSource } from "./workspace-source";

/** The SQL files the package executes (notebooks/lib/etl_monitor/sqlfiles.py, SQL_FILES). */
export const ETL_MONITOR_SQL_FILES = ["setup.sql", "generate_execution_steps.sql", "status_reset.sql"] as const;

/** The utility notebooks for ADF Notebook activities and job tasks, by short name. */
export const ETL_UTILITY_NOTEBOOKS = {
  start: "etl_start_task.py",
  end: "etl_end_task.py",
  fail: "etl_fail_task.py",
  pending: "etl_pending_tasks.py",
} as const;

const PACKAGE = "etl_monitor";
const SAMPLE_NOTEBOOK = "etl_sample_process.py";
/** The sample job's tasks, in order; each runs the sample notebook with `stage` = its key. */
export const SAMPLE_STAGES = ["init", "stage_orders", "build_totals", "finish"] as const;

export interface EtlSampleJobSpec {
  readonly schedule: JobScheduleSpec;
  /** @default 3600 */
  readonly timeoutSeconds?: number;
  /** @default 1800 */
  readonly durationWarningSeconds?: number;
}

export interface EtlMonitorRuntimeProps {
  /** Local `notebooks/` directory: the package is `lib/etl_monitor/`, the notebooks beside it. */
  readonly notebooksDir: string;
  /** Local `sql/` directory: the package's SQL is `etl_monitor/*.sql`. */
  readonly sqlDir: string;
  /**
   * Workspace folder the runtime is deployed under: the package to `<root>/lib/etl_monitor/`
   * (its SQL to `<root>/lib/etl_monitor/sql/`), the notebooks to `<root>/etl/`.
   */
  readonly workspaceRoot: string;
  /** Pass references (Foundation's names) so the sample job is created after the schema. */
  readonly catalogName: string;
  readonly etlSchema: string;
  /**
   * Groups given CAN_READ on `<root>/lib` and `<root>/etl` (the run-as principal is added).
   * The ACL is authoritative for those two folders; inherited permissions stay.
   * @default - none
   */
  readonly readerGroups?: readonly string[];
  /**
   * The sample instrumented job (SAMPLE/ORDERS_DAILY: two stages and a DELTA_DATE watermark).
   * @default - no sample job
   */
  readonly sampleJob?: EtlSampleJobSpec;
  /** Prefix of the sample job's name, e.g. `[dev] `. @default "" */
  readonly namePrefix?: string;
  /** Told when the sample job fails. Required with `sampleJob`. @default - none */
  readonly failureEmails?: readonly string[];
  /** @default - none */
  readonly failureWebhookIds?: readonly string[];
  /** Reads the folders and runs the sample job. @default - the deploying identity */
  readonly runAsServicePrincipal?: string;
}

/**
 * The ETL process monitor's runtime in the workspace: the `etl_monitor` Python package (and the
 * SQL it runs) where notebooks import it after `sys.path.insert(0, "<root>/lib")`, the utility
 * notebooks, read access for the given groups, and optionally a sample instrumented job.
 */
export class EtlMonitorRuntime extends Construct {
  /** `<root>/lib` as a path Python can open: what a notebook puts on `sys.path`. */
  readonly libPath: string;
  /** Workspace paths of the utility notebooks, by short name. */
  readonly notebooks: Readonly<Record<keyof typeof ETL_UTILITY_NOTEBOOKS, string>>;
  /** @default - none unless `sampleJob` is set */
  readonly sampleJob?: ManagedJob;
  /** The CAN_READ ACLs of `lib` and `etl`. @default - none without readers */
  readonly permissions: readonly Permissions[];

  constructor(scope: Construct, id: string, props: EtlMonitorRuntimeProps) {
    super(scope, id);
    const packageDir = path.join(props.notebooksDir, "lib", PACKAGE);
    const modules = fs.existsSync(packageDir) ? fs.readdirSync(packageDir).filter((f) => f.endsWith(".py")).sort() : [];
    const sqlDir = path.join(props.sqlDir, PACKAGE);
    const root = props.workspaceRoot.replace(/\/+$/, "");
    throwIfProblems(this, [
      ...(modules.includes("__init__.py") ? [] : [`notebooksDir: ${packageDir} holds no Python package (__init__.py)`]),
      ...ETL_MONITOR_SQL_FILES.filter((f) => !fs.existsSync(path.join(sqlDir, f))).map((f) => `sqlDir: ${path.join(sqlDir, f)} not found`),
      ...(root.startsWith("/") ? [] : [`workspaceRoot: expected an absolute workspace path, got "${props.workspaceRoot}"`]),
      ...(props.sampleJob && !props.failureEmails?.length ? ["failureEmails: at least one address is required with sampleJob"] : []),
    ]);

    const lib = `${root}/lib`;
    const etl = `${root}/etl`;
    const libFiles = [
      ...modules.map((m) => new WorkspaceSource(this, `Module-${m}`, { localPath: path.join(packageDir, m), workspacePath: `${lib}/${PACKAGE}/${m}`, kind: "file" })),
      ...ETL_MONITOR_SQL_FILES.map(
        (f) => new WorkspaceSource(this, `Sql-${f}`, { localPath: path.join(sqlDir, f), workspacePath: `${lib}/${PACKAGE}/sql/${f}`, kind: "file" }),
      ),
    ];
    const notebook = (file: string) =>
      new WorkspaceSource(this, `Notebook-${file.replace(/\.py$/, "")}`, {
        localPath: path.join(props.notebooksDir, file),
        workspacePath: `${etl}/${file.replace(/\.py$/, "")}`,
        kind: "notebook",
      });
    const utilities = Object.fromEntries(Object.entries(ETL_UTILITY_NOTEBOOKS).map(([k, f]) => [k, notebook(f)])) as Record<
      keyof typeof ETL_UTILITY_NOTEBOOKS,
      WorkspaceSource
    >;
    this.notebooks = Object.fromEntries(Object.entries(utilities).map(([k, n]) => [k, n.path])) as Record<keyof typeof ETL_UTILITY_NOTEBOOKS, string>;
    this.libPath = pythonPath(lib);
    const etlSources = Object.values(utilities);

    if (props.sampleJob) {
      const sample = notebook(SAMPLE_NOTEBOOK);
      etlSources.push(sample);
      const tasks = SAMPLE_STAGES.map((stage, i) => ({
        taskKey: stage,
        dependsOn: i === 0 ? undefined : [SAMPLE_STAGES[i - 1]],
        notebook: { path: sample.path, parameters: { stage } },
      }));
      this.sampleJob = new ManagedJob(this, "SampleJob", {
        name: `${props.namePrefix ?? ""}ETL Monitor Sample Process`,
        description: "Sample instrumented ETL process SAMPLE/ORDERS_DAILY (docs/etl-monitor.md): init, two stages with a DELTA_DATE watermark, finish.",
        tasks,
        schedule: props.sampleJob.schedule,
        // One execution id per job run: a repair run re-runs a failed stage as its retry.
        parameters: { execution_id: "job-{{job.run_id}}", lib_path: this.libPath, catalog: props.catalogName, etl_schema: props.etlSchema, processing_date: "" },
        timeoutSeconds: props.sampleJob.timeoutSeconds ?? 3600,
        durationWarningSeconds: props.sampleJob.durationWarningSeconds ?? 1800,
        failureEmails: props.failureEmails ?? [],
        failureWebhookIds: props.failureWebhookIds,
        runAsServicePrincipal: props.runAsServicePrincipal,
      });
    }

    const groups = [...new Set(props.readerGroups ?? [])].sort();
    const acl = [
      ...groups.map((groupName) => ({ groupName, permissionLevel: "CAN_READ" })),
      ...(props.runAsServicePrincipal ? [{ servicePrincipalName: props.runAsServicePrincipal, permissionLevel: "CAN_READ" }] : []),
    ];
    // databricks_permissions is authoritative for the folder: only admins, the deploying identity
    // and these entries hold direct permissions; inherited ones stay (provider docs,
    // resources/permissions.md; https://docs.databricks.com/aws/en/security/auth/access-control).
    // The folders exist once a file is uploaded into them (the upload creates its parents).
    this.permissions = acl.length
      ? [
          new Permissions(this, "LibPermissions", { directoryPath: lib, accessControl: acl, dependsOn: libFiles.map((f) => f.resource) }),
          new Permissions(this, "EtlPermissions", { directoryPath: etl, accessControl: acl, dependsOn: etlSources.map((f) => f.resource) }),
        ]
      : [];
  }
}

/**
 * The path Python's `open` and `sys.path` see for a workspace path: workspace files live under
 * `/Workspace` on the driver (https://docs.databricks.com/aws/en/files/workspace-interact).
 */
export function pythonPath(workspacePath: string): string {
  return workspacePath.startsWith("/Workspace/") ? workspacePath : `/Workspace${workspacePath}`;
}
