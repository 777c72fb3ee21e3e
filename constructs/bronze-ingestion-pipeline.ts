import { Pipeline } from "@cdktf/provider-databricks/lib/pipeline";
import { Construct } from "constructs";
import { throwIfProblems } from "./errors";
import { SystemTableSpec } from "./system-table";

export interface BronzeIngestionPipelineProps {
  readonly name: string;
  /** The system schema this pipeline ingests, e.g. `lakeflow`. */
  readonly domain: string;
  /** The domain's streaming tables; each becomes one streaming table in the target schema. */
  readonly tables: readonly SystemTableSpec[];
  /** Target catalog and schema (direct publishing mode). */
  readonly catalog: string;
  readonly schema: string;
  /** Workspace path of the generic streaming notebook. */
  readonly notebookPath: string;
  /** Governance owners written into each table's properties. */
  readonly businessOwner: string;
  readonly technicalOwner: string;
  readonly failureEmails: readonly string[];
  /** Development mode: faster restarts, no retries. Never in production. */
  readonly development: boolean;
  /** @default - the identity that deploys the pipeline */
  readonly runAsServicePrincipal?: string;
}

/**
 * One serverless, triggered Lakeflow Declarative Pipeline that streams a system schema's tables
 * into bronze. The table list travels in the pipeline configuration, so the registry is the only
 * place a table is named. Deleting this pipeline drops its tables, and system tables keep only
 * 90-365 days: the stack protects it with prevent_destroy outside development.
 */
export class BronzeIngestionPipeline extends Construct {
  readonly resource: Pipeline;
  readonly pipelineId: string;

  constructor(scope: Construct, id: string, props: BronzeIngestionPipelineProps) {
    super(scope, id);
    const problems: string[] = [];
    if (props.tables.length === 0) problems.push("tables: at least one table is required");
    for (const t of props.tables) {
      if (t.mode !== "stream") problems.push(`tables: "${t.name}" is a ${t.mode} table; only stream tables belong in a pipeline`);
      if (t.domain !== props.domain) problems.push(`tables: "${t.name}" belongs to domain ${t.domain}, not ${props.domain}`);
    }
    throwIfProblems(this, problems);

    const tables = [...props.tables].sort((a, b) => a.name.localeCompare(b.name));
    this.resource = new Pipeline(this, "Resource", {
      name: props.name,
      catalog: props.catalog,
      schema: props.schema,
      serverless: true,
      continuous: false,
      development: props.development,
      channel: "CURRENT",
      allowDuplicateNames: false,
      library: [{ notebook: { path: props.notebookPath } }],
      configuration: {
        "observability.domain": props.domain,
        "observability.tables": JSON.stringify(tables),
        "observability.business_owner": props.businessOwner,
        "observability.technical_owner": props.technicalOwner,
      },
      notification: [
        {
          emailRecipients: [...props.failureEmails],
          alerts: ["on-flow-failure", "on-update-failure", "on-update-fatal-failure"],
        },
      ],
      runAs: props.runAsServicePrincipal ? { servicePrincipalName: props.runAsServicePrincipal } : undefined,
    });
    this.pipelineId = this.resource.id;
  }
}
