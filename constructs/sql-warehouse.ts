import { SqlEndpoint } from "@cdktf/provider-databricks/lib/sql-endpoint";
import { Construct } from "constructs";
import { throwIfProblems } from "./errors";

export const WAREHOUSE_SIZES = ["2X-Small", "X-Small", "Small", "Medium", "Large", "X-Large", "2X-Large", "3X-Large", "4X-Large"] as const;

export interface SqlWarehouseProps {
  readonly name: string;
  /** @default "2X-Small" */
  readonly clusterSize?: (typeof WAREHOUSE_SIZES)[number];
  /** Serverless warehouses start in seconds, so a short idle stop costs little. @default 10 */
  readonly autoStopMinutes?: number;
  /** @default 1 */
  readonly maxClusters?: number;
  /**
   * Id of an existing warehouse to bring under this construct's management (a Terraform `import`
   * block; the provider's resources/sql_endpoint imports by id). Its settings are then changed to
   * these props. To use a warehouse without managing it, do not create a SqlWarehouse at all.
   * @default - a new warehouse is created
   */
  readonly adoptId?: string;
}

/**
 * A serverless SQL warehouse for the platform's SQL tasks and alerts. SQL file tasks need a Pro
 * or serverless warehouse, so no classic type is offered.
 */
export class SqlWarehouse extends Construct {
  readonly resource: SqlEndpoint;
  readonly warehouseId: string;

  constructor(scope: Construct, id: string, props: SqlWarehouseProps) {
    super(scope, id);
    const autoStop = props.autoStopMinutes ?? 10;
    const maxClusters = props.maxClusters ?? 1;
    const problems: string[] = [];
    if (autoStop < 1 || autoStop > 120) problems.push(`autoStopMinutes: expected 1..120, got ${autoStop}`);
    if (maxClusters < 1 || maxClusters > 10) problems.push(`maxClusters: expected 1..10, got ${maxClusters}`);
    // An id, not the warehouse's HTTP path or URL (both end in it): /sql/1.0/warehouses/<id>.
    if (props.adoptId !== undefined && !/^[0-9A-Za-z]+$/.test(props.adoptId)) problems.push(`adoptId: expected a warehouse id (letters and digits), got "${props.adoptId}"`);
    throwIfProblems(this, problems);
    this.resource = new SqlEndpoint(this, "Resource", {
      name: props.name,
      clusterSize: props.clusterSize ?? "2X-Small",
      autoStopMins: autoStop,
      minNumClusters: 1,
      maxNumClusters: maxClusters,
      enableServerlessCompute: true,
      warehouseType: "PRO",
    });
    if (props.adoptId !== undefined) this.resource.importFrom(props.adoptId);
    this.warehouseId = this.resource.id;
  }
}
