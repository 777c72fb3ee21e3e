import { Construct } from "constructs";
import { throwIfProblems } from "./errors";
import { LakeviewDashboard } from "./lakeview-dashboard";
import { DashboardModel, platformDashboards } from "./lakeview/dashboards";

export interface DashboardsProps {
  /** Prefix of every display name, e.g. `[dev] `. @default "" */
  readonly namePrefix?: string;
  /** Workspace folder the dashboards are created in (absolute, no trailing slash). */
  readonly workspaceDir: string;
  /** Workspace URL `https://<host>`, for the dashboards' `url`. */
  readonly workspaceHost: string;
  /** Absolute path of the dataset SQL folder (`<project>/sql/dashboards`). */
  readonly sqlDir: string;
  /** Pass references (Foundation's names) so the dashboards are created after the catalog and schemas. */
  readonly catalogName: string;
  readonly schemas: { readonly gold: string; readonly bronze: string; readonly etlMonitor: string; readonly mlops: string };
  /** SQL warehouse the datasets run on. */
  readonly warehouseId: string;
  /** Every bronze table (the system-table registry): the health dashboard's freshness widgets. */
  readonly bronzeTables: readonly { readonly name: string; readonly domain: string }[];
  /** Served models; the model-monitoring dashboard exists only when there is one. @default - none */
  readonly models?: readonly DashboardModel[];
  /** Groups with CAN_MANAGE on every dashboard; at least one. */
  readonly managerGroups: readonly string[];
  /**
   * Groups with CAN_READ, by dashboard id (`platform-health`, `cost`, `etl-processes`, `alerts`,
   * `model-monitoring`). Viewers query with their own credentials (embed_credentials = false),
   * so list only groups that can SELECT what the dashboard reads. @default - managers only
   */
  readonly readers?: Readonly<Record<string, readonly string[]>>;
}

/**
 * The platform's Lakeview dashboards (constructs/lakeview/dashboards.ts), one
 * `databricks_dashboard` with its ACL per definition, in one workspace folder.
 */
export class Dashboards extends Construct {
  /** Dashboards by definition id, e.g. `platform-health`. */
  readonly dashboards: ReadonlyMap<string, LakeviewDashboard>;

  constructor(scope: Construct, id: string, props: DashboardsProps) {
    super(scope, id);
    const models = props.models ?? [];
    const readers = props.readers ?? {};
    const problems: string[] = [];
    if (props.bronzeTables.length === 0) problems.push("bronzeTables: at least one table is required (the health dashboard's freshness widgets)");
    const dupModels = models.filter((m, i) => models.findIndex((o) => o.name === m.name) !== i);
    for (const m of dupModels) problems.push(`models: duplicate name "${m.name}"`);
    throwIfProblems(this, problems);

    const definitions = platformDashboards({
      catalog: props.catalogName,
      schemas: { gold: props.schemas.gold, bronze: props.schemas.bronze, etl: props.schemas.etlMonitor, mlops: props.schemas.mlops },
      bronzeTables: props.bronzeTables,
      models,
      sqlDir: props.sqlDir,
    });
    const ids = definitions.map((d) => d.id);
    throwIfProblems(
      this,
      Object.keys(readers)
        .filter((k) => !ids.includes(k))
        .map((k) => `readers.${k}: no such dashboard; defined: ${ids.join(", ")}`),
    );

    const prefix = props.namePrefix ?? "";
    this.dashboards = new Map(
      definitions.map((d) => [
        d.id,
        new LakeviewDashboard(this, d.id, {
          definition: d,
          displayName: `${prefix}${d.displayName}`,
          parentPath: props.workspaceDir,
          warehouseId: props.warehouseId,
          workspaceHost: props.workspaceHost,
          managerGroups: props.managerGroups,
          readerGroups: readers[d.id] ?? [],
        }),
      ]),
    );
  }
}
