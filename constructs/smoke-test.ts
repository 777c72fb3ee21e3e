import * as path from "path";
import { Construct } from "constructs";
import { throwIfProblems } from "./errors";
import { pythonPath } from "./etl-monitor-runtime";
import { ManagedJob } from "./managed-job";
import { WorkspaceSource } from "./workspace-source";

const NOTEBOOK = "smoke_test.py";
const REGISTRY = path.join("registry", "system_tables.json");

export interface SmokeTestProps {
  /** Local `notebooks/` directory (`smoke_test.py`). */
  readonly notebooksDir: string;
  /** Local `sql/` directory (`registry/system_tables.json`, the tables whose SELECT is checked). */
  readonly sqlDir: string;
  /** Workspace folder the notebook and the registry file are deployed to. */
  readonly workspaceDir: string;
  /** Pass references (Foundation's names) so the job is created after the catalog and schemas. */
  readonly catalogName: string;
  /** Platform schemas the run writes a scratch table to. At least one. */
  readonly schemas: readonly string[];
  /** Notification destinations sent one test message each. @default - no notification check */
  readonly destinationIds?: readonly string[];
  /** Prefix of the job name and of the test notification run's name, e.g. `[dev] `. @default "" */
  readonly namePrefix?: string;
  /** Told when the smoke test fails. At least one. */
  readonly failureEmails: readonly string[];
  /** @default - none */
  readonly failureWebhookIds?: readonly string[];
  /** The identity whose access is checked. @default - the deploying identity */
  readonly runAsServicePrincipal?: string;
  /** @default 1800 */
  readonly timeoutSeconds?: number;
  /** @default 900 */
  readonly durationWarningSeconds?: number;
}

/**
 * The post-deploy smoke job: run by hand after an apply, from inside the workspace as the
 * platform's run-as identity, it checks SELECT on every registry system table, a write to each
 * platform schema, and sends one test notification per destination (notebooks/smoke_test.py).
 * Serverless, no schedule.
 */
export class SmokeTest extends Construct {
  readonly job: ManagedJob;

  constructor(scope: Construct, id: string, props: SmokeTestProps) {
    super(scope, id);
    throwIfProblems(this, [
      ...(props.schemas.length ? [] : ["schemas: at least one platform schema is required"]),
      ...props.schemas.filter((s, i) => props.schemas.indexOf(s) !== i).map((s) => `schemas: "${s}" listed twice`),
      ...(props.destinationIds ?? []).filter((d) => d.includes(",")).map((d) => `destinationIds: "${d}" contains a comma`),
    ]);
    const dir = props.workspaceDir.replace(/\/+$/, "");
    const registryPath = `${dir}/system_tables.json`;
    new WorkspaceSource(this, "Registry", { localPath: path.join(props.sqlDir, REGISTRY), workspacePath: registryPath, kind: "file" });
    const notebook = new WorkspaceSource(this, "Notebook", { localPath: path.join(props.notebooksDir, NOTEBOOK), workspacePath: `${dir}/smoke_test`, kind: "notebook" });
    const prefix = props.namePrefix ?? "";
    this.job = new ManagedJob(this, "Job", {
      name: `${prefix}Post-deploy Smoke Test`,
      description: "Run by hand after a deploy: SELECT on every registry system table, a write to each platform schema, one test notification per destination.",
      tasks: [
        {
          taskKey: "smoke_test",
          notebook: {
            path: notebook.path,
            parameters: {
              // A literal: the notebook opens it as a file, so it needs the /Workspace prefix.
              registry_path: pythonPath(registryPath),
              catalog: props.catalogName,
              schemas: props.schemas.join(","),
              destination_ids: (props.destinationIds ?? []).join(","),
              run_name_prefix: `${prefix}[smoke test]`.trim(),
            },
          },
        },
      ],
      timeoutSeconds: props.timeoutSeconds ?? 1800,
      durationWarningSeconds: props.durationWarningSeconds ?? 900,
      failureEmails: props.failureEmails,
      failureWebhookIds: props.failureWebhookIds,
      runAsServicePrincipal: props.runAsServicePrincipal,
    });
  }
}
