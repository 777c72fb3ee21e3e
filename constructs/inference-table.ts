import { SqlTable, SqlTableColumn } from "@cdktf/provider-databricks/lib/sql-table";
import { Construct } from "constructs";
import { throwIfProblems } from "./errors";

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
 * `notebooks/mlops_unpack_inference.py`: one row per scored record. The column list here and the
 * notebook's `processed_columns` must agree (both are tested).
 */
export function processedInferenceColumns(
  columns: InferenceTableColumns,
  predictionType: "string" | "double",
  features: readonly InferenceFeature[] = [],
): SqlTableColumn[] {
  return [
    { name: "request_id", type: "string", nullable: false, comment: "databricks_request_id of the payload row" },
    { name: "record_index", type: "int", nullable: false, comment: "position of the record in the request" },
    { name: "client_request_id", type: "string", comment: "client_request_id of the payload row" },
    { name: columns.timestamp, type: "timestamp", comment: "request_time of the payload row" },
    { name: "request_date", type: "date" },
    { name: columns.modelId, type: "string", comment: "served entity that answered" },
    { name: columns.prediction, type: predictionType },
    { name: columns.label, type: predictionType, comment: "ground truth, when joined from the label table" },
    { name: "status_code", type: "int" },
    { name: "execution_duration_ms", type: "bigint" },
    { name: "requester", type: "string" },
    ...features.map((f) => ({ name: f.name, type: f.type, comment: "request feature" })),
    { name: "processed_at", type: "timestamp", comment: "when the unpack job wrote the row" },
  ];
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
