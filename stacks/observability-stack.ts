import { DatabricksProvider } from "@cdktf/provider-databricks/lib/provider";
import { Construct, Node } from "constructs";
import { Aspects, TerraformElement, TerraformStack } from "../constructs/core";
import { Analytics } from "../constructs/analytics";
import { Dashboards } from "../constructs/dashboards";
import { DataProtection } from "../constructs/data-protection";
import { EtlMonitorRuntime } from "../constructs/etl-monitor-runtime";
import { Foundation } from "../constructs/foundation";
import { ModelMonitoring } from "../constructs/model-monitoring";
import { Notifications } from "../constructs/notifications";
import { ResourceTags } from "../constructs/resource-tags";
import { SmokeTest } from "../constructs/smoke-test";
import { SystemTableAccess } from "../constructs/system-table-access";
import { SystemTableIngestion } from "../constructs/system-table-ingestion";
import { SystemTableSpec } from "../constructs/system-table";
import { rootAddress } from "./addresses";
import { declareBackend } from "./backend";
import { PlatformSpec } from "./config/spec";
import { declareOutputs } from "./outputs";
import { applyTerraformSettings } from "./terraform-settings";

export interface ObservabilityStackProps {
  /** The environment, resolved (stacks/config/resolve.ts). */
  readonly spec: PlatformSpec;
  /** The system-table registry. */
  readonly systemTables: readonly SystemTableSpec[];
  /** Repository root, where `.terraform-version` is read from. */
  readonly projectRoot: string;
}

/**
 * One environment of the observability platform: wiring only. Each capability is one construct
 * built from its spec section; what one needs from another is passed to its constructor.
 */
export class ObservabilityStack extends TerraformStack {
  private readonly rootAddresses = new Map<string, string>();

  constructor(scope: Construct, id: string, props: ObservabilityStackProps) {
    super(scope, id);
    const { spec } = props;

    // No credentials here: auth comes from DATABRICKS_* variables (or a profile) at plan/apply time.
    new DatabricksProvider(this, "databricks", { host: spec.provider.host });
    declareBackend(this, spec.backend);
    applyTerraformSettings(this, props.projectRoot);
    Aspects.of(this).add(new DataProtection({ preventDestroy: spec.preventDestroy }));
    Aspects.of(this).add(new ResourceTags({ ...spec.tags }));

    const foundation = new Foundation(this, "Foundation", spec.foundation);
    const notifications = new Notifications(this, "Notifications", spec.notifications);
    const ingestion = new SystemTableIngestion(this, "SystemTableIngestion", {
      ...spec.ingestion,
      tables: props.systemTables,
      catalog: foundation.catalogName,
      schema: foundation.schemas.bronze.name,
      failureWebhookIds: notifications.jobFailureIds,
    });
    new SystemTableAccess(this, "SystemTableAccess", { ...spec.systemTableAccess, schemas: ingestion.sourceSchemas });

    const analytics =
      spec.analytics &&
      new Analytics(this, "Analytics", {
        ...spec.analytics,
        catalogName: foundation.catalogName,
        schemas: { bronze: foundation.schemas.bronze.name, gold: foundation.schemas.gold.name, etlMonitor: foundation.schemas.etlMonitor.name },
        reportsVolumePath: foundation.reportsVolumePath,
        warehouseId: foundation.warehouseId,
        failureWebhookIds: notifications.jobFailureIds,
        watchedJobIds: [ingestion.orchestrator, ingestion.setupJob, ingestion.mergeJob].map((j) => j.jobId),
        watchedPipelineIds: [...ingestion.pipelines.values()].map((p) => p.pipelineId),
        alerts: spec.analytics.alerts.map(({ destinations, ...a }) => ({ ...a, destinationIds: notifications.idsOf(destinations), destinationNames: destinations })),
      });

    // "Mlops" is the path the MLOps resources always had: their addresses stay as they were.
    const modelMonitoring =
      spec.modelMonitoring &&
      new ModelMonitoring(this, "Mlops", { ...spec.modelMonitoring, schema: foundation.schemas.mlops, warehouseId: foundation.warehouseId });

    const dashboards =
      spec.dashboards &&
      new Dashboards(this, "Dashboards", {
        ...spec.dashboards,
        catalogName: foundation.catalogName,
        schemas: { bronze: foundation.schemas.bronze.name, gold: foundation.schemas.gold.name, etlMonitor: foundation.schemas.etlMonitor.name, mlops: foundation.schemas.mlops.name },
        warehouseId: foundation.warehouseId,
        bronzeTables: props.systemTables.map((t) => ({ name: t.name, domain: t.domain })),
      });

    const etlMonitor = new EtlMonitorRuntime(this, "EtlMonitorRuntime", {
      ...spec.etlMonitor,
      catalogName: foundation.catalogName,
      etlSchema: foundation.schemas.etlMonitor.name,
      failureWebhookIds: notifications.jobFailureIds,
    });
    // The smoke job checks every schema and sends a test message to every destination.
    const smokeTest = new SmokeTest(this, "SmokeTest", {
      ...spec.smokeTest,
      catalogName: foundation.catalogName,
      schemas: Object.values(foundation.schemas).map((s) => s.name),
      destinationIds: [...notifications.byName.values()].map((d) => d.destinationId),
      failureWebhookIds: notifications.jobFailureIds,
    });

    declareOutputs(this, spec.provider.host, { foundation, ingestion, analytics, modelMonitoring, dashboards, etlMonitor, smokeTest });
  }

  /**
   * cdktf's preparing pass resolves every token of the stack once before synthesis, only to turn
   * references into another stack into outputs and remote state. These stacks share nothing (one
   * environment each, stacks/config/collisions.ts), so the pass would resolve everything twice:
   * about a tenth of every synth (#17). A reference into another stack is then left dangling in
   * the JSON, and the policy rule ReferencesResolveInStack refuses it before anything is published.
   */
  public prepareStack(): void {
    this.ensureBackendExists();
  }

  /** Resources of Foundation, Notifications and Analytics keep their pre-construct addresses (stacks/addresses.ts). */
  protected allocateLogicalId(element: TerraformElement | Node): string {
    const node = TerraformElement.isTerraformElement(element) ? element.node : (element as Node);
    return rootAddress(this.node, node, this.rootAddresses) ?? super.allocateLogicalId(element);
  }
}
