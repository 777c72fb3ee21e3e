import * as path from "path";
import { MonitoredModelSpec, PROCESSED_SUFFIX } from "../../constructs/model-monitoring";
import { JobScheduleSpec } from "../../constructs/managed-job";
import { RoleHolder } from "../../constructs/foundation";
import { MONITOR_GRANULARITIES } from "../../constructs/inference-monitor";
import { SERVING_WORKLOAD_SIZES } from "../../constructs/served-model-endpoint";
import { Tier } from "../../vocabulary/tiers";
import { MlopsModelConfig, TEMPLATE_PRESETS } from "./mlops-schema";
import { EnvironmentConfig, StateBackendConfig } from "./schema";
import { AnalyticsSpec, DashboardsSpec, ModelMonitoringSpec, PlatformSpec } from "./spec";

/**
 * The one place defaults are applied. The schema (schema.ts) validates and fills field-level
 * defaults; this step applies everything that depends on the environment: tier defaults, the
 * workspace root, the state backend, templates, and pause status.
 *
 * Pause status, one rule for every scheduled job and alert: the value in the environment file,
 * else the tier's default - UNPAUSED in production, PAUSED in every other tier. (Lakehouse
 * monitors have no pause status: the provider makes it read-only, so their refresh always runs.)
 */

export interface TierDefaults {
  readonly pauseStatus: JobScheduleSpec["pauseStatus"];
  readonly workloadSize: (typeof SERVING_WORKLOAD_SIZES)[number];
  readonly scaleToZero: boolean;
  readonly retentionDays: number;
  readonly granularities: readonly (typeof MONITOR_GRANULARITIES)[number][];
  readonly refreshCron: string;
  readonly driftThreshold: number;
}

/** Serving and monitoring: the reference's per-environment table (lakehouse-mlops-monitoring.md, "Environment Settings"). */
export const TIER_DEFAULTS: Readonly<Record<Tier, TierDefaults>> = {
  development: { pauseStatus: "PAUSED", workloadSize: "Small", scaleToZero: true, retentionDays: 90, granularities: ["1 day"], refreshCron: "0 0 0 * * ?", driftThreshold: 0.1 },
  acceptance: { pauseStatus: "PAUSED", workloadSize: "Small", scaleToZero: true, retentionDays: 90, granularities: ["1 day"], refreshCron: "0 0 0 * * ?", driftThreshold: 0.1 },
  production: { pauseStatus: "UNPAUSED", workloadSize: "Medium", scaleToZero: false, retentionDays: 90, granularities: ["1 day"], refreshCron: "0 0 2 * * ?", driftThreshold: 0.05 },
};

export interface ResolveOptions {
  /** Repository root, where `notebooks/` and `sql/` are read from. */
  readonly projectRoot: string;
}

/** Turns a validated environment file into the immutable platform spec. */
export function resolvePlatformSpec(validated: EnvironmentConfig, options: ResolveOptions): PlatformSpec {
  // The spec is frozen; copying first keeps the caller's configuration mutable.
  const config = structuredClone(validated);
  const tier = TIER_DEFAULTS[config.tier];
  const schedule = (s: { quartzCron: string; timezone: string; pauseStatus?: JobScheduleSpec["pauseStatus"] }): JobScheduleSpec => ({
    quartzCron: s.quartzCron,
    timezone: s.timezone,
    pauseStatus: s.pauseStatus ?? tier.pauseStatus,
  });
  const env = config.environment;
  const runAs = config.runAs.servicePrincipal;
  const p = config.principals;
  const namePrefix = `[${env}] `;
  const workspaceRoot = config.workspace.rootPath ?? `/Workspace/Shared/databricks-observability/${env}`;
  const notebooksDir = path.join(options.projectRoot, "notebooks");
  const sqlDir = path.join(options.projectRoot, "sql");
  const development = config.tier === "development";
  const failureEmails = config.notifications.emails;
  const o = config.observability;
  const enabled = new Set((o?.destinations ?? []).filter((d) => d.enabled).map((d) => d.name));

  // Who holds which role. The run-as principal writes what the platform's jobs produce.
  const roles: RoleHolder[] = [
    { principal: p.platformAdmins, role: "admin" },
    { principal: p.engineers, role: "writer" },
    ...(runAs ? [{ principal: runAs, role: "writer" as const }] : []),
    { principal: p.analysts, role: "reader" },
    { principal: p.auditors, role: "auditor" },
  ];

  const analytics: AnalyticsSpec | undefined = o && {
    sqlDir,
    notebooksDir,
    workspaceDir: `${workspaceRoot}/analytics`,
    namePrefix,
    refreshSchedule: schedule(o.refreshSchedule),
    reportSchedule: schedule(o.reportSchedule),
    goldLookbackHours: o.goldLookbackHours ?? 24,
    overprovisioned: { memoryPercent: o.overprovisioned?.memoryPercent ?? 40, minRuns: o.overprovisioned?.minRuns ?? 3 },
    idleClusters: { cpuPercent: o.idleClusters?.cpuPercent ?? 5, minMinutes: o.idleClusters?.minMinutes ?? 30 },
    driverBound: { driverCpuPercent: o.driverBound?.driverCpuPercent ?? 70, workerCpuPercent: o.driverBound?.workerCpuPercent ?? 20 },
    healthWindowDays: o.healthWindowDays,
    anomaly: o.anomaly,
    reportWindowHours: o.reportWindowHours,
    timeoutSeconds: o.timeoutSeconds,
    durationWarningSeconds: o.durationWarningSeconds,
    failureEmails,
    runAsServicePrincipal: runAs,
    alerts: o.alerts.map((a) => ({
      name: a.name ?? a.kind,
      kind: a.kind,
      threshold: a.threshold,
      schedule: schedule(a.schedule),
      destinations: a.destinations.filter((n) => enabled.has(n)),
      emails: a.emails,
      retriggerMinutes: a.retriggerMinutes,
      notifyOnOk: a.notifyOnOk,
    })),
  };

  const mlops = config.mlops;
  const modelMonitoring: ModelMonitoringSpec | undefined =
    mlops.models.length === 0
      ? undefined
      : {
          models: mlops.models.map((m) => resolveModel(m, tier, env, schedule)),
          unpack: { schedule: schedule(mlops.unpack), timeoutSeconds: mlops.unpack.timeoutSeconds, lookbackHours: mlops.unpack.lookbackHours },
          notebooksDir,
          sqlDir,
          workspaceDir: `${workspaceRoot}/mlops`,
          namePrefix,
          ownerGroup: config.catalog.ownerGroup,
          adminGroup: p.platformAdmins,
          failureEmails,
          runAsServicePrincipal: runAs,
        };

  // Viewers query with their own grants (embed_credentials = false), so a dashboard is shared
  // only with roles that can SELECT what it reads (vocabulary/privileges.ts): analysts (reader)
  // read gold, ETL and MLOps but not bronze; engineers (writer) read everything and also get the
  // ETL dashboard they operate. The health dashboard's two bronze-freshness widgets read bronze:
  // analysts see a permission error on those two until a gold freshness view exists (they see
  // staleness through the bronze_ingestion_stale alert meanwhile); engineers see them.
  // Auditors hold metadata privileges only and model consumers only CAN_QUERY on endpoints:
  // a dashboard would show them permission errors, so neither is a reader.
  const dashboardsEnabled = config.dashboards.enabled ?? o !== undefined;
  const readersOf = (...groups: string[]) => [...new Set(groups)].filter((g) => g !== p.platformAdmins);
  const dashboards: DashboardsSpec | undefined = dashboardsEnabled
    ? {
        namePrefix,
        workspaceDir: `${workspaceRoot}/dashboards`,
        workspaceHost: config.workspace.host.replace(/\/+$/, ""),
        sqlDir: path.join(sqlDir, "dashboards"),
        models: (modelMonitoring?.models ?? []).map((m) => ({
          name: m.name,
          processedTable: `${m.name}${PROCESSED_SUFFIX}`,
          payloadTable: `${m.name}_payload`,
          modelIdCol: m.columns.modelId,
          granularity: m.monitoring.granularities[0],
          problemType: m.problemType,
        })),
        managerGroups: [p.platformAdmins],
        readers: {
          "platform-health": readersOf(p.analysts, p.engineers),
          cost: readersOf(p.analysts),
          "etl-processes": readersOf(p.analysts, p.engineers),
          alerts: readersOf(p.analysts),
          ...(modelMonitoring ? { "model-monitoring": readersOf(p.analysts) } : {}),
        },
      }
    : undefined;

  const spec: PlatformSpec = {
    environment: env,
    tier: config.tier,
    provider: { host: config.workspace.host },
    backend: resolveBackend(env, config.stateBackend),
    tags: { owner: config.tags.owner, cost_center: config.tags.costCenter, environment: env, managed_by: config.tags.managedBy },
    preventDestroy: !development,
    namePrefix,
    workspaceRoot,
    foundation: {
      catalog: {
        name: config.catalog.name,
        ownerGroup: config.catalog.ownerGroup,
        comment: config.catalog.comment,
        properties: { ...config.catalog.properties, environment: env, managed_by: config.tags.managedBy },
      },
      schemas: config.schemas,
      adopt: { catalog: config.adopt.catalog, schemas: config.adopt.schemas },
      schemaProperties: { environment: env },
      reportsVolume: config.reportsVolume,
      roles,
      warehouse: config.warehouse.existingId
        ? { existingId: config.warehouse.existingId }
        : {
            name: `${namePrefix}Observability Warehouse`,
            clusterSize: config.warehouse.clusterSize,
            autoStopMinutes: config.warehouse.autoStopMinutes,
            maxClusters: config.warehouse.maxClusters,
            adoptId: config.adopt.warehouseId,
          },
    },
    // Platform admins read system tables to operate the platform; the run-as principal to ingest.
    systemTableAccess: { readers: [p.platformAdmins, ...(runAs ? [runAs] : [])], enableSchemas: config.systemSchemas.enable },
    notifications: {
      namePrefix,
      destinations: (o?.destinations ?? []).filter((d) => d.enabled).map(({ enabled: _enabled, ...d }) => d),
      jobFailureDestinations: (o?.orchestratorFailureDestinations ?? []).filter((n) => enabled.has(n)),
    },
    ingestion: {
      notebooksDir,
      workspaceDir: `${workspaceRoot}/bronze`,
      namePrefix,
      schedule: schedule(config.ingestion.schedule),
      timeoutSeconds: config.ingestion.timeoutSeconds,
      durationWarningSeconds: config.ingestion.durationWarningSeconds,
      retry: { maxRetries: config.ingestion.taskRetries, minRetryIntervalMillis: config.ingestion.minRetryIntervalMillis },
      failureEmails,
      development,
      runAsServicePrincipal: runAs,
      businessOwner: config.ingestion.businessOwner,
      technicalOwner: config.ingestion.technicalOwner,
    },
    analytics,
    modelMonitoring,
    dashboards,
    etlMonitor: {
      notebooksDir,
      sqlDir,
      workspaceRoot,
      readerGroups: [p.engineers],
      // A demonstration, so on by default only where it is free to try: the development tier.
      // Paused in every tier: it runs when someone starts it.
      sampleJob:
        (config.etlMonitor.sampleJob ?? development)
          ? { schedule: { quartzCron: "0 0 6 * * ?", timezone: "UTC", pauseStatus: "PAUSED" } }
          : undefined,
      namePrefix,
      failureEmails,
      runAsServicePrincipal: runAs,
    },
    smokeTest: { notebooksDir, sqlDir, workspaceDir: `${workspaceRoot}/smoke`, namePrefix, failureEmails, runAsServicePrincipal: runAs },
  };
  return deepFreeze(spec);
}

/** Each environment has its own state key; without a backend, a local file beside the repository. */
export function resolveBackend(environment: string, backend: StateBackendConfig | undefined): StateBackendConfig {
  const key = `databricks-observability/${environment}.tfstate`;
  if (!backend) return { type: "local", path: `../../../terraform.${environment}.tfstate` };
  switch (backend.type) {
    case "s3":
    case "azurerm":
      return { ...backend, key: backend.key ?? key };
    case "gcs":
      return { ...backend, prefix: backend.prefix ?? `databricks-observability/${environment}` };
    default:
      return backend;
  }
}

function resolveModel(
  m: MlopsModelConfig,
  tier: TierDefaults,
  environment: string,
  schedule: (s: { quartzCron: string; timezone: string; pauseStatus?: JobScheduleSpec["pauseStatus"] }) => JobScheduleSpec,
): MonitoredModelSpec {
  const preset = TEMPLATE_PRESETS[m.template];
  return {
    name: m.name,
    endpointName: m.endpointName ?? `${environment}-${m.name.replace(/_/g, "-")}`,
    model: m.model,
    version: m.version,
    alias: m.alias,
    problemType: preset.problemType,
    predictionType: preset.predictionType,
    columns: {
      prediction: m.columns.prediction ?? preset.columns.prediction,
      label: m.columns.label ?? preset.columns.label,
      modelId: m.columns.modelId ?? preset.columns.modelId,
      timestamp: m.columns.timestamp ?? preset.columns.timestamp,
    },
    features: m.features,
    baselineTable: m.baselineTable,
    labels: m.labels,
    slicingExprs: m.slicingExprs,
    consumers: m.consumers,
    rateLimits: m.rateLimits,
    serving: {
      workloadSize: m.serving.workloadSize ?? tier.workloadSize,
      scaleToZero: m.serving.scaleToZero ?? tier.scaleToZero,
      workloadType: m.serving.workloadType,
    },
    monitoring: {
      granularities: m.monitoring.granularities ?? tier.granularities,
      refreshSchedule: { quartzCron: m.monitoring.refreshCron ?? tier.refreshCron, timezone: m.monitoring.timezone },
      retentionDays: m.monitoring.retentionDays ?? tier.retentionDays,
      driftThreshold: m.monitoring.driftThreshold ?? tier.driftThreshold,
      driftMetric: m.monitoring.driftMetric,
      alertSchedule: schedule({ quartzCron: m.monitoring.alertCron, timezone: m.monitoring.timezone, pauseStatus: m.monitoring.alertPauseStatus }),
    },
  };
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value as object)) deepFreeze(v);
  }
  return value;
}
