import { Job, JobTask } from "@cdktf/provider-databricks/lib/job";
import { Construct } from "constructs";
import { throwIfProblems } from "./errors";

/**
 * The platform's bound on task retries. The Jobs API sets no upper limit (only -1, retry
 * forever, is special); 5 keeps a failing task from hiding for hours behind retries.
 */
export const MAX_TASK_RETRIES = 5;

/** The Databricks limit on webhook destinations per job event. */
export const MAX_WEBHOOKS_PER_EVENT = 3;

export interface JobScheduleSpec {
  readonly quartzCron: string;
  readonly timezone: string;
  /** Always explicit: when omitted the server picks UNPAUSED. */
  readonly pauseStatus: "PAUSED" | "UNPAUSED";
}

export interface TaskRetrySpec {
  /** Bounded: -1 (retry forever) is refused. */
  readonly maxRetries: number;
  readonly minRetryIntervalMillis: number;
}

export interface JobTaskSpec {
  readonly taskKey: string;
  /** @default - no upstream tasks */
  readonly dependsOn?: readonly string[];
  /** @default "ALL_SUCCESS" */
  readonly runIf?: "ALL_SUCCESS" | "ALL_DONE" | "NONE_FAILED" | "AT_LEAST_ONE_SUCCESS" | "ALL_FAILED" | "AT_LEAST_ONE_FAILED";
  /** A notebook on serverless compute. Exactly one of notebook, pipeline, sqlFile. */
  readonly notebook?: { readonly path: string; readonly parameters?: Record<string, string> };
  /** A pipeline update. */
  readonly pipeline?: { readonly pipelineId: string; readonly fullRefresh?: boolean };
  /** A SQL file on a Pro or serverless SQL warehouse. */
  readonly sqlFile?: { readonly path: string; readonly warehouseId: string; readonly parameters?: Record<string, string> };
  /** @default - no retries */
  readonly retry?: TaskRetrySpec;
  /** @default - bounded by the job timeout */
  readonly timeoutSeconds?: number;
}

export interface ManagedJobProps {
  readonly name: string;
  readonly description?: string;
  readonly tasks: readonly JobTaskSpec[];
  /** @default - no schedule: the job runs when triggered (orchestrator or by hand) */
  readonly schedule?: JobScheduleSpec;
  /** Every run ends by this limit; Databricks' default is no timeout. */
  readonly timeoutSeconds: number;
  /** A health rule warns (email) when a run exceeds this duration. Must be below the timeout. */
  readonly durationWarningSeconds: number;
  /** Addresses told about failures and slow runs. At least one. */
  readonly failureEmails: readonly string[];
  /**
   * Notification destination ids told about failures.
   * @default - none
   */
  readonly failureWebhookIds?: readonly string[];
  /**
   * Application id of the service principal the job runs as.
   * @default - the identity that deploys the job
   */
  readonly runAsServicePrincipal?: string;
  /** @default 1 */
  readonly maxConcurrentRuns?: number;
  /** @default - none */
  readonly tags?: Record<string, string>;
  /**
   * Job parameters (name -> default): every task receives them, a notebook as widgets, and a
   * run can override them. Values may use dynamic references such as `{{job.run_id}}`.
   * @default - no job parameters
   */
  readonly parameters?: Record<string, string>;
}

/**
 * A Databricks job with the operational guard rails every job of the platform needs: a timeout,
 * bounded retries, one run at a time with queueing, failure and slow-run notifications, an explicit
 * schedule pause state, and tasks and dependencies sorted by key, because the provider diffs tasks
 * as an ordered list (terraform-provider-databricks #2942, #3126).
 */
export class ManagedJob extends Construct {
  readonly resource: Job;
  /** The job id, for `run_job_task` or permissions. */
  readonly jobId: string;

  constructor(scope: Construct, id: string, props: ManagedJobProps) {
    super(scope, id);
    throwIfProblems(this, validate(props));

    const webhooks = props.failureWebhookIds?.length ? [...props.failureWebhookIds].map((whId) => ({ id: whId })) : undefined;
    this.resource = new Job(this, "Resource", {
      name: props.name,
      description: props.description,
      task: [...props.tasks].sort((a, b) => a.taskKey.localeCompare(b.taskKey)).map(toJobTask),
      schedule: props.schedule && {
        quartzCronExpression: props.schedule.quartzCron,
        timezoneId: props.schedule.timezone,
        pauseStatus: props.schedule.pauseStatus,
      },
      timeoutSeconds: props.timeoutSeconds,
      maxConcurrentRuns: props.maxConcurrentRuns ?? 1,
      queue: { enabled: true },
      runAs: props.runAsServicePrincipal ? { servicePrincipalName: props.runAsServicePrincipal } : undefined,
      emailNotifications: {
        onFailure: [...props.failureEmails],
        onDurationWarningThresholdExceeded: [...props.failureEmails],
        noAlertForSkippedRuns: true,
      },
      webhookNotifications: webhooks && { onFailure: webhooks, onDurationWarningThresholdExceeded: webhooks },
      notificationSettings: { noAlertForSkippedRuns: true, noAlertForCanceledRuns: false },
      health: { rules: [{ metric: "RUN_DURATION_SECONDS", op: "GREATER_THAN", value: props.durationWarningSeconds }] },
      tags: props.tags,
      parameter: props.parameters && Object.keys(props.parameters).sort().map((name) => ({ name, default: props.parameters![name] })),
    });
    this.jobId = this.resource.id;
  }
}

function toJobTask(t: JobTaskSpec): JobTask {
  return {
    taskKey: t.taskKey,
    dependsOn: t.dependsOn?.length ? [...t.dependsOn].sort().map((taskKey) => ({ taskKey })) : undefined,
    runIf: t.runIf,
    notebookTask: t.notebook && { notebookPath: t.notebook.path, source: "WORKSPACE", baseParameters: t.notebook.parameters },
    pipelineTask: t.pipeline && { pipelineId: t.pipeline.pipelineId, fullRefresh: t.pipeline.fullRefresh ?? false },
    sqlTask: t.sqlFile && {
      warehouseId: t.sqlFile.warehouseId,
      file: { path: t.sqlFile.path, source: "WORKSPACE" },
      parameters: t.sqlFile.parameters,
    },
    maxRetries: t.retry?.maxRetries ?? 0,
    minRetryIntervalMillis: t.retry?.minRetryIntervalMillis,
    retryOnTimeout: false,
    timeoutSeconds: t.timeoutSeconds,
  };
}

function validate(props: ManagedJobProps): string[] {
  const problems: string[] = [];
  const keys = props.tasks.map((t) => t.taskKey);
  if (keys.length === 0) problems.push("tasks: at least one task is required");
  const duplicates = keys.filter((k, i) => keys.indexOf(k) !== i);
  if (duplicates.length) problems.push(`tasks: duplicate task keys ${[...new Set(duplicates)].join(", ")}`);
  for (const t of props.tasks) {
    if (!/^[A-Za-z0-9_-]{1,100}$/.test(t.taskKey)) problems.push(`tasks: task key "${t.taskKey}" must be 1-100 of A-Z a-z 0-9 _ -`);
    const kinds = [t.notebook, t.pipeline, t.sqlFile].filter((k) => k !== undefined).length;
    if (kinds !== 1) problems.push(`tasks.${t.taskKey}: set exactly one of notebook, pipeline, sqlFile (got ${kinds})`);
    for (const d of t.dependsOn ?? []) if (!keys.includes(d)) problems.push(`tasks.${t.taskKey}.dependsOn: unknown task "${d}"`);
    if (t.retry && (!Number.isInteger(t.retry.maxRetries) || t.retry.maxRetries < 0 || t.retry.maxRetries > MAX_TASK_RETRIES)) {
      problems.push(`tasks.${t.taskKey}.retry.maxRetries: expected 0..${MAX_TASK_RETRIES}, got ${t.retry.maxRetries}`);
    }
    if (t.timeoutSeconds !== undefined && t.timeoutSeconds > props.timeoutSeconds) {
      problems.push(`tasks.${t.taskKey}.timeoutSeconds: ${t.timeoutSeconds} exceeds the job timeout ${props.timeoutSeconds}`);
    }
  }
  const cycle = findCycle(props.tasks);
  if (cycle) problems.push(`tasks: dependency cycle ${cycle.join(" -> ")}`);
  if (props.timeoutSeconds <= 0) problems.push(`timeoutSeconds: expected a positive number, got ${props.timeoutSeconds}`);
  if (props.durationWarningSeconds >= props.timeoutSeconds) {
    problems.push(`durationWarningSeconds: ${props.durationWarningSeconds} must be below timeoutSeconds ${props.timeoutSeconds}`);
  }
  if (props.failureEmails.length === 0) problems.push("failureEmails: at least one address is required");
  if ((props.failureWebhookIds?.length ?? 0) > MAX_WEBHOOKS_PER_EVENT) {
    problems.push(`failureWebhookIds: at most ${MAX_WEBHOOKS_PER_EVENT} destinations per event, got ${props.failureWebhookIds?.length}`);
  }
  for (const name of Object.keys(props.parameters ?? {})) {
    if (!/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(name)) problems.push(`parameters: "${name}" is not a valid job parameter name`);
  }
  const concurrency = props.maxConcurrentRuns ?? 1;
  if (concurrency < 1 || concurrency > 5) problems.push(`maxConcurrentRuns: expected 1..5, got ${concurrency}`);
  return problems;
}

/** Returns one dependency cycle as a key path, or undefined when the tasks form a DAG. */
function findCycle(tasks: readonly JobTaskSpec[]): string[] | undefined {
  const deps = new Map(tasks.map((t) => [t.taskKey, t.dependsOn ?? []]));
  const state = new Map<string, "visiting" | "done">();
  const visit = (key: string, trail: string[]): string[] | undefined => {
    if (state.get(key) === "done") return undefined;
    if (state.get(key) === "visiting") return [...trail.slice(trail.indexOf(key)), key];
    state.set(key, "visiting");
    for (const d of deps.get(key) ?? []) {
      const found = deps.has(d) ? visit(d, [...trail, key]) : undefined;
      if (found) return found;
    }
    state.set(key, "done");
    return undefined;
  };
  for (const t of tasks) {
    const found = visit(t.taskKey, []);
    if (found) return found;
  }
  return undefined;
}
