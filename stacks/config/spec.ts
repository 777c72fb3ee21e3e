import type { AnalyticsProps } from "../../constructs/analytics";
import type { DashboardsProps } from "../../constructs/dashboards";
import type { EtlMonitorRuntimeProps } from "../../constructs/etl-monitor-runtime";
import type { SmokeTestProps } from "../../constructs/smoke-test";
import type { FoundationProps } from "../../constructs/foundation";
import type { ModelMonitoringProps } from "../../constructs/model-monitoring";
import type { NotificationsProps } from "../../constructs/notifications";
import type { SystemTableIngestionProps } from "../../constructs/system-table-ingestion";
import type { Tier } from "../../vocabulary/tiers";
import type { StateBackendConfig } from "./schema";

/**
 * One environment, every default applied (stacks/config/resolve.ts): what the stack is built
 * from. Each capability section is its construct's Props minus what another capability provides
 * at construction (catalog and schema references, destination ids, job ids), so the stack only
 * wires. Frozen: nothing downstream can change it.
 */
export interface PlatformSpec {
  readonly environment: string;
  readonly tier: Tier;
  /** The Databricks provider: the workspace URL only; credentials come from the environment. */
  readonly provider: { readonly host: string };
  /** The state backend, defaults applied: a local file by default, the key (prefix) per environment. */
  readonly backend: StateBackendConfig;
  /** Tags every taggable resource carries. */
  readonly tags: Readonly<Record<string, string>>;
  /** Stateful resources are protected from destroy (every tier but development). */
  readonly preventDestroy: boolean;
  /** Prefix of every display name, e.g. `[dev] `. */
  readonly namePrefix: string;
  /** Workspace folder everything is deployed under. */
  readonly workspaceRoot: string;
  readonly foundation: FoundationProps;
  /** Principals granted SELECT on the system schemas ingestion reads, and schemas to enable. */
  readonly systemTableAccess: { readonly readers: readonly string[]; readonly enableSchemas: readonly string[] };
  readonly notifications: NotificationsProps;
  readonly ingestion: Omit<SystemTableIngestionProps, "tables" | "catalog" | "schema" | "failureWebhookIds">;
  /** @default - no analytics */
  readonly analytics?: AnalyticsSpec;
  /** @default - no served models */
  readonly modelMonitoring?: ModelMonitoringSpec;
  /** @default - no dashboards (without the observability section there is no gold data to show) */
  readonly dashboards?: DashboardsSpec;
  /** The ETL monitor package, utility notebooks and (by tier) the sample job. */
  readonly etlMonitor: Omit<EtlMonitorRuntimeProps, "catalogName" | "etlSchema" | "failureWebhookIds">;
  /** The manual post-deploy smoke job. */
  readonly smokeTest: Omit<SmokeTestProps, "catalogName" | "schemas" | "destinationIds" | "failureWebhookIds">;
}

export type AnalyticsSpec = Omit<
  AnalyticsProps,
  "catalogName" | "schemas" | "reportsVolumePath" | "warehouseId" | "failureWebhookIds" | "watchedJobIds" | "watchedPipelineIds" | "alerts"
> & {
  /** Alerts with destination names; Notifications turns them into ids. */
  readonly alerts: readonly (Omit<NonNullable<AnalyticsProps["alerts"]>[number], "destinationIds" | "destinationNames"> & { readonly destinations: readonly string[] })[];
};

export type ModelMonitoringSpec = Omit<ModelMonitoringProps, "schema" | "warehouseId">;

/** Dashboards minus Foundation's catalog, schemas and warehouse and the bronze tables (the registry). */
export type DashboardsSpec = Omit<DashboardsProps, "catalogName" | "schemas" | "warehouseId" | "bronzeTables">;
