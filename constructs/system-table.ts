/** One system table the platform ingests: an entry of `sql/registry/system_tables.json`. */
export interface SystemTableSpec {
  /** Bronze table name, unique in the bronze schema. */
  readonly name: string;
  /** Full source name, `system.<schema>.<table>`. */
  readonly source: string;
  /** The system schema the table belongs to. */
  readonly domain: string;
  /** `stream`: a streaming table in its domain's pipeline; `merge`: batch MERGE by the orchestrator. */
  readonly mode: "stream" | "merge";
  readonly keys: readonly string[];
  readonly sequenceBy: string | null;
  readonly retentionDays: number | null;
  readonly containsPii: boolean;
  readonly dataClassification: "confidential" | "internal";
  readonly entityType: "fact" | "dimension";
  readonly description: string;
}
