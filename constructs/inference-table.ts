import { SqlTable, SqlTableColumn } from "@cdktf/provider-databricks/lib/sql-table";
import { Construct } from "constructs";
import { throwIfProblems } from "./errors";
import { MLOPS_CONTRACT } from "./mlops-contract";

export interface InferenceTableColumns {
  readonly prediction: string;
  readonly label: string;
  readonly modelId: string;
  readonly timestamp: string;
}

export interface InferenceFeature {
  readonly name: string;
  /** Spark SQL type, e.g. `double`, `string`. */
  readonly type: string;
}

export interface ProcessedInferenceTableProps {
  /** Pass a reference (e.g. `GovernedSchema.catalogName`) so the table is created after its schema. */
  readonly catalogName: string;
  readonly schemaName: string;
  readonly name: string;
  /** Warehouse the provider uses to create and alter the table's columns. */
  readonly warehouseId: string;
  readonly columns: InferenceTableColumns;
  /** Type of the prediction and label columns. */
  readonly predictionType: "string" | "double";
  /** @default - none */
  readonly features?: readonly InferenceFeature[];
  /** @default - the deploying identity */
  readonly ownerGroup?: string;
  /** @default - a description of the table */
  readonly comment?: string;
}

/**
 * The processed (flat) inference table of one served model, as written by
 * `notebooks/mlops_unpack_inference.py`: one row per scored record. Both read the column list
 * from sql/registry/mlops_contract.json.
 */
export function processedInferenceColumns(
  columns: InferenceTableColumns,
  predictionType: "string" | "double",
  features: readonly InferenceFeature[] = [],
): SqlTableColumn[] {
  const named = { timestamp: columns.timestamp, model_id: columns.modelId, prediction: columns.prediction, label: columns.label };
  return MLOPS_CONTRACT.processed_columns.flatMap((c): SqlTableColumn[] => {
    if (c.role === "features") return features.map((f) => ({ name: f.name, type: f.type, comment: c.comment }));
    const column: SqlTableColumn = {
      name: c.name ?? named[c.role!],
      type: c.type === "prediction_type" ? predictionType : c.type!,
      ...(c.nullable === false ? { nullable: false } : {}),
      ...(c.comment ? { comment: c.comment } : {}),
    };
    return [column];
  });
}

/**
 * A managed Delta table with an explicit schema and Change Data Feed on (Lakehouse Monitoring
 * recommends CDF for inference monitors: refreshes become incremental). Created by the stack, so a
 * monitor can be declared on it in the same apply on a fresh environment.
 */
export class ProcessedInferenceTable extends Construct {
  readonly resource: SqlTable;
  /** `catalog.schema.name`, as references that order dependants after the table. */
  readonly fullName: string;

  constructor(scope: Construct, id: string, props: ProcessedInferenceTableProps) {
    super(scope, id);
    const column = processedInferenceColumns(props.columns, props.predictionType, props.features);
    const names = column.map((c) => c.name);
    const dup = names.filter((n, i) => names.indexOf(n) !== i);
    throwIfProblems(this, [
      ...(dup.length ? [`columns: duplicate column names ${[...new Set(dup)].join(", ")}`] : []),
      ...(/^[a-z_][a-z0-9_]*$/.test(props.name) ? [] : [`name: expected a lower-case table name, got "${props.name}"`]),
    ]);
    this.resource = new SqlTable(this, "Resource", {
      catalogName: props.catalogName,
      schemaName: props.schemaName,
      name: props.name,
      tableType: "MANAGED",
      dataSourceFormat: "DELTA",
      warehouseId: props.warehouseId,
      owner: props.ownerGroup,
      comment: props.comment ?? "Processed inference log: one row per scored record, unpacked from the AI Gateway payload table",
      properties: { "delta.enableChangeDataFeed": "true" },
      column,
    });
    this.fullName = `${this.resource.catalogName}.${this.resource.schemaName}.${this.resource.name}`;
  }
}
