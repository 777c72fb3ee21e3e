import * as path from "path";
import { Construct } from "constructs";
import { BronzeIngestionPipeline } from "./bronze-ingestion-pipeline";
import { throwIfProblems } from "./errors";
import { JobScheduleSpec, JobTaskSpec, ManagedJob, TaskRetrySpec } from "./managed-job";
import { SystemTableSpec } from "./system-table";
import { WorkspaceSource } from "./workspace-source";

export interface SystemTableIngestionProps {
  /** Every table to ingest (the registry). Stream tables go to their domain's pipeline. */
  readonly tables: readonly SystemTableSpec[];
  readonly catalog: string;
  /** Bronze schema name. */
  readonly schema: string;
  /** Local directory holding the bronze notebooks. */
  readonly notebooksDir: string;
  /** Workspace directory the notebooks are deployed to. */
  readonly workspaceDir: string;
  /** Prefix of every job and pipeline name, e.g. `[dev] `. */
  readonly namePrefix: string;
  readonly schedule: JobScheduleSpec;
  readonly timeoutSeconds: number;
  readonly durationWarningSeconds: number;
  /** Retries of the setup and MERGE tasks; both are idempotent, so a retry is safe. */
  readonly retry: TaskRetrySpec;
  readonly failureEmails: readonly string[];
  /** @default - none */
  readonly failureWebhookIds?: readonly string[];
  readonly development: boolean;
  /** @default - the deploying identity */
  readonly runAsServicePrincipal?: string;
  readonly businessOwner: string;
  readonly technicalOwner: string;
}

const NOTEBOOKS = {
  streaming: "bronze_streaming_pipeline.py",
  setup: "bronze_nonstreaming_setup.py",
  merge: "bronze_nonstreaming_merge.py",
} as const;

/**
 * Bronze ingestion of the Databricks system tables, as the health-monitor reference runs it: one
 * streaming pipeline per system schema, and an orchestrator job that runs setup, then every
 * pipeline in parallel, then the MERGE of the non-streaming tables. Setup and MERGE also exist as
 * standalone jobs for manual runs.
 */
export class SystemTableIngestion extends Construct {
  readonly pipelines: ReadonlyMap<string, BronzeIngestionPipeline>;
  readonly orchestrator: ManagedJob;
  readonly setupJob: ManagedJob;
  readonly mergeJob: ManagedJob;
  /** System schemas read, for grants. */
  readonly sourceSchemas: readonly string[];

  constructor(scope: Construct, id: string, props: SystemTableIngestionProps) {
    super(scope, id);
    throwIfProblems(this, validate(props));

    const deploy = (key: keyof typeof NOTEBOOKS) =>
      new WorkspaceSource(this, `Notebook-${key}`, {
        localPath: path.resolve(props.notebooksDir, NOTEBOOKS[key]),
        workspacePath: `${props.workspaceDir}/${NOTEBOOKS[key].replace(/\.py$/, "")}`,
        kind: "notebook",
      }).path;
    const streamingNotebook = deploy("streaming");
    const setupNotebook = deploy("setup");
    const mergeNotebook = deploy("merge");

    const streamTables = props.tables.filter((t) => t.mode === "stream");
    const mergeTables = [...props.tables.filter((t) => t.mode === "merge")].sort((a, b) => a.name.localeCompare(b.name));
    const domains = [...new Set(streamTables.map((t) => t.domain))].sort();
    this.sourceSchemas = [...new Set(props.tables.map((t) => t.source.split(".")[1]))].sort();

    const pipelines = new Map<string, BronzeIngestionPipeline>();
    for (const domain of domains) {
      pipelines.set(
        domain,
        new BronzeIngestionPipeline(this, `Pipeline-${domain}`, {
          name: `${props.namePrefix}System ${title(domain)} Streaming Pipeline`,
          domain,
          tables: streamTables.filter((t) => t.domain === domain),
          catalog: props.catalog,
          schema: props.schema,
          notebookPath: streamingNotebook,
          businessOwner: props.businessOwner,
          technicalOwner: props.technicalOwner,
          failureEmails: props.failureEmails,
          development: props.development,
          runAsServicePrincipal: props.runAsServicePrincipal,
        }),
      );
    }
    this.pipelines = pipelines;

    const mergeParameters = {
      catalog: props.catalog,
      schema: props.schema,
      tables_json: JSON.stringify(mergeTables),
    };
    const setupTask: JobTaskSpec = {
      taskKey: "setup",
      notebook: { path: setupNotebook, parameters: mergeParameters },
      retry: props.retry,
    };
    const mergeTask = (dependsOn: string[]): JobTaskSpec => ({
      taskKey: "merge",
      dependsOn,
      // The MERGE tables do not depend on the streaming ones: run even if a pipeline failed.
      runIf: dependsOn.length ? "ALL_DONE" : undefined,
      notebook: { path: mergeNotebook, parameters: mergeParameters },
      retry: props.retry,
    });
    const pipelineTasks: JobTaskSpec[] = domains.map((domain) => ({
      taskKey: `ingest_${domain}`,
      dependsOn: ["setup"],
      pipeline: { pipelineId: pipelines.get(domain)!.pipelineId },
    }));

    const common = {
      timeoutSeconds: props.timeoutSeconds,
      durationWarningSeconds: props.durationWarningSeconds,
      failureEmails: props.failureEmails,
      failureWebhookIds: props.failureWebhookIds,
      runAsServicePrincipal: props.runAsServicePrincipal,
    };
    this.orchestrator = new ManagedJob(this, "Orchestrator", {
      ...common,
      name: `${props.namePrefix}System Tables Orchestrator`,
      description: `Setup, then ${domains.length} streaming pipelines in parallel, then MERGE of ${mergeTables.length} non-streaming system tables into ${props.catalog}.${props.schema}.`,
      tasks: [setupTask, ...pipelineTasks, mergeTask(pipelineTasks.map((t) => t.taskKey))],
      schedule: props.schedule,
    });
    this.setupJob = new ManagedJob(this, "SetupJob", {
      ...common,
      name: `${props.namePrefix}System Tables Non-Streaming Setup`,
      description: "Creates the non-streaming bronze tables if missing. For manual runs; the orchestrator runs the same step.",
      tasks: [setupTask],
    });
    this.mergeJob = new ManagedJob(this, "MergeJob", {
      ...common,
      name: `${props.namePrefix}System Tables Non-Streaming Merge`,
      description: "MERGEs the non-streaming system tables into bronze. For manual runs; the orchestrator runs the same step.",
      tasks: [mergeTask([])],
    });
  }
}

function validate(props: SystemTableIngestionProps): string[] {
  const problems: string[] = [];
  const names = props.tables.map((t) => t.name);
  const dupes = names.filter((n, i) => names.indexOf(n) !== i);
  if (dupes.length) problems.push(`tables: bronze names listed twice: ${[...new Set(dupes)].join(", ")}`);
  const sources = props.tables.map((t) => t.source);
  const dupeSources = sources.filter((n, i) => sources.indexOf(n) !== i);
  if (dupeSources.length) problems.push(`tables: sources listed twice: ${[...new Set(dupeSources)].join(", ")}`);
  for (const t of props.tables) {
    if (!/^system\.[a-z_]+\.[a-z_]+$/.test(t.source)) problems.push(`tables.${t.name}.source: expected system.<schema>.<table>, got "${t.source}"`);
    if (t.keys.length === 0) problems.push(`tables.${t.name}.keys: at least one key column is required`);
  }
  if (!props.tables.some((t) => t.mode === "merge")) problems.push("tables: at least one merge table is required");
  if (!props.tables.some((t) => t.mode === "stream")) problems.push("tables: at least one stream table is required");
  return problems;
}

function title(domain: string): string {
  return domain
    .split("_")
    .map((w) => (w === "mlflow" ? "MLflow" : w.charAt(0).toUpperCase() + w.slice(1)))
    .join(" ");
}
