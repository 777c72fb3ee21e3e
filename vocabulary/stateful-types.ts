/**
 * Resource types whose destruction loses data or history that cannot be recreated: a deleted
 * pipeline drops its streaming tables, and system tables keep only 90-365 days, so bronze
 * history is lost for good. Read by DataProtection, the policy pack and the plan gate.
 */
export const STATEFUL_RESOURCE_TYPES: readonly string[] = [
  "databricks_catalog",
  "databricks_schema",
  "databricks_volume",
  "databricks_sql_table",
  "databricks_pipeline",
  "databricks_quality_monitor",
  "databricks_model_serving",
  "databricks_registered_model",
];
