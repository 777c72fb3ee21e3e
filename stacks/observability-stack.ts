import { DatabricksProvider } from "@cdktf/provider-databricks/lib/provider";
import * as path from "path";
import { Construct } from "constructs";
import { Aspects, TerraformStack } from "../constructs/core";
import { DataProtection } from "../constructs/data-protection";
import { GovernedCatalog } from "../constructs/governed-catalog";
import { GovernedSchema } from "../constructs/governed-schema";
import { GovernedVolume } from "../constructs/governed-volume";
import { AccessRole, CATALOG_PRIVILEGES, SCHEMA_PRIVILEGES, VOLUME_PRIVILEGES } from "../vocabulary/privileges";
import { ResourceTags } from "../constructs/resource-tags";
import { SqlWarehouse } from "../constructs/sql-warehouse";
import { PrivilegeAssignment } from "../constructs/securable-grants";
import { SystemTableAccess } from "../constructs/system-table-access";
import { SystemTableIngestion } from "../constructs/system-table-ingestion";
import { SystemTableSpec } from "../constructs/system-table";
import { createAnalytics, createNotificationDestinations } from "./analytics";
import { declareBackend } from "./backend";
import { applyTerraformSettings } from "./terraform-settings";
import { EnvironmentConfig } from "./config/schema";
import { PlatformContext } from "./platform-context";
import { addMlopsMonitoring } from "./mlops-monitoring";

export interface ObservabilityStackProps {
  readonly config: EnvironmentConfig;
  /** The system-table registry. */
  readonly systemTables: readonly SystemTableSpec[];
  /** Repository root, where `notebooks/` and `sql/` are read from. */
  readonly projectRoot: string;
}

/**
 * One environment of the observability platform. Environment knowledge stops here: the stack
 * turns configuration into construct props; constructs know nothing of dev, aut or prod.
 */
export class ObservabilityStack extends TerraformStack {
  constructor(scope: Construct, id: string, props: ObservabilityStackProps) {
    super(scope, id);
    const { config } = props;
    const development = config.tier === "development";
    const runAs = config.runAs.servicePrincipal;
    const p = config.principals;

    // No credentials here: auth comes from DATABRICKS_* variables (or a profile) at plan/apply time.
    new DatabricksProvider(this, "databricks", { host: config.workspace.host });
    declareBackend(this, config.environment, config.stateBackend);
    applyTerraformSettings(this, props.projectRoot);

    Aspects.of(this).add(new DataProtection({ preventDestroy: !development }));
    Aspects.of(this).add(
      new ResourceTags({
        owner: config.tags.owner,
        cost_center: config.tags.costCenter,
        environment: config.environment,
        managed_by: config.tags.managedBy,
      }),
    );

    // Who holds which role. The run-as principal writes what the platform's jobs produce.
    const roles: [string | undefined, AccessRole][] = [
      [p.platformAdmins, "admin"],
      [p.engineers, "writer"],
      [runAs, "writer"],
      [p.analysts, "reader"],
      [p.auditors, "auditor"],
    ];
    const assign = (table: Readonly<Record<AccessRole, readonly string[]>>, include: AccessRole[]): PrivilegeAssignment[] =>
      roles
        .filter((r): r is [string, AccessRole] => r[0] !== undefined && include.includes(r[1]))
        .map(([principal, role]) => ({ principal, privileges: table[role] }));
    const everyone: AccessRole[] = ["admin", "writer", "reader", "auditor"];
    // Bronze holds raw audit and billing data with PII: analysts read the curated schemas instead.
    const bronzeRoles: AccessRole[] = ["admin", "writer", "auditor"];

    const catalog = new GovernedCatalog(this, "Catalog", {
      name: config.catalog.name,
      ownerGroup: config.catalog.ownerGroup,
      comment: config.catalog.comment,
      properties: { ...config.catalog.properties, environment: config.environment, managed_by: config.tags.managedBy },
      grants: assign(CATALOG_PRIVILEGES, everyone),
    });
    const schema = (id: string, name: string, comment: string, include: AccessRole[]) =>
      new GovernedSchema(this, id, {
        catalogName: catalog.name,
        name,
        ownerGroup: config.catalog.ownerGroup,
        comment,
        properties: { environment: config.environment },
        grants: assign(SCHEMA_PRIVILEGES, include),
      });
    const bronzeSchema = schema("BronzeSchema", config.schemas.bronze, "Raw copies of the Databricks system tables (bronze)", bronzeRoles);
    const goldSchema = schema("GoldSchema", config.schemas.gold, "Job health, anomalies, alert history and reports (gold)", everyone);
    const etlMonitorSchema = schema("EtlMonitorSchema", config.schemas.etlMonitor, "ETL process tracking: configuration, execution log, watermarks", everyone);
    const mlopsSchema = schema("MlopsSchema", config.schemas.mlops, "Inference tables and Lakehouse monitor outputs", everyone);

    const reports = new GovernedVolume(this, "ReportsVolume", {
      catalogName: catalog.name,
      schemaName: goldSchema.name,
      name: config.reportsVolume,
      ownerGroup: config.catalog.ownerGroup,
      comment: "Generated reports, such as the daily failed-run CSV",
      grants: assign(VOLUME_PRIVILEGES, everyone),
    });

    const namePrefix = `[${config.environment}] `;
    const warehouseId =
      config.warehouse.existingId ??
      new SqlWarehouse(this, "Warehouse", {
        name: `${namePrefix}Observability Warehouse`,
        clusterSize: config.warehouse.clusterSize,
        autoStopMinutes: config.warehouse.autoStopMinutes,
        maxClusters: config.warehouse.maxClusters,
      }).warehouseId;

    const ctx: PlatformContext = {
      config,
      projectRoot: props.projectRoot,
      catalogName: catalog.name,
      schemas: { bronze: bronzeSchema, gold: goldSchema, etlMonitor: etlMonitorSchema, mlops: mlopsSchema },
      reportsVolumePath: reports.path,
      warehouseId,
      workspaceRoot: config.workspace.rootPath ?? `/Workspace/Shared/databricks-observability/${config.environment}`,
      namePrefix,
      runAsServicePrincipal: runAs,
      development,
      production: config.tier === "production",
    };

    // Before the orchestrator: its failure webhooks are destination ids.
    const destinations = createNotificationDestinations(this, ctx);
    const ingestion = new SystemTableIngestion(this, "SystemTableIngestion", {
      tables: props.systemTables,
      catalog: catalog.name,
      schema: bronzeSchema.name,
      notebooksDir: path.join(props.projectRoot, "notebooks"),
      workspaceDir: `${ctx.workspaceRoot}/bronze`,
      namePrefix,
      schedule: config.ingestion.schedule,
      timeoutSeconds: config.ingestion.timeoutSeconds,
      durationWarningSeconds: config.ingestion.durationWarningSeconds,
      retry: { maxRetries: config.ingestion.taskRetries, minRetryIntervalMillis: config.ingestion.minRetryIntervalMillis },
      failureEmails: config.notifications.emails,
      failureWebhookIds: destinations.orchestratorFailureIds,
      development,
      runAsServicePrincipal: runAs,
      businessOwner: config.ingestion.businessOwner,
      technicalOwner: config.ingestion.technicalOwner,
    });

    createAnalytics(this, ctx, ingestion, destinations);

    // Platform admins read system tables to operate the platform; the run-as principal to ingest.
    new SystemTableAccess(this, "SystemTableAccess", {
      readers: [p.platformAdmins, ...(runAs ? [runAs] : [])],
      schemas: ingestion.sourceSchemas,
      enableSchemas: config.systemSchemas.enable,
    });

    addMlopsMonitoring(this, ctx);
  }
}
