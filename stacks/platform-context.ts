import { GovernedSchema } from "../constructs/governed-schema";
import { EnvironmentConfig } from "./config/schema";

/**
 * What the foundation of a stack hands to each capability (ingestion, analytics, MLOps):
 * the environment's configuration and the shared objects already created for it.
 */
export interface PlatformContext {
  readonly config: EnvironmentConfig;
  /** Repository root, where `notebooks/` and `sql/` are read from. */
  readonly projectRoot: string;
  /** Catalog name as a reference (orders dependants after the catalog). */
  readonly catalogName: string;
  readonly schemas: {
    readonly bronze: GovernedSchema;
    readonly gold: GovernedSchema;
    readonly etlMonitor: GovernedSchema;
    readonly mlops: GovernedSchema;
  };
  /** `/Volumes/<catalog>/<schema>/<volume>` of the reports volume. */
  readonly reportsVolumePath: string;
  /** The SQL warehouse for SQL tasks and alerts. */
  readonly warehouseId: string;
  /** Workspace folder for deployed notebooks and SQL files, e.g. `/Workspace/Shared/databricks-observability/dev`. */
  readonly workspaceRoot: string;
  /** Prefix of job, pipeline, alert and endpoint display names, e.g. `[dev] `. */
  readonly namePrefix: string;
  /** Application id of the run-as service principal, when configured. */
  readonly runAsServicePrincipal?: string;
  /** Development tier: pipelines in development mode, no destroy protection. */
  readonly development: boolean;
  /** Production tier: schedules and alerts run unpaused. */
  readonly production: boolean;
}
