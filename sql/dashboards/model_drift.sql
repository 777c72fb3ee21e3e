-- Model monitoring: baseline drift per window and column for one model, from its monitor's
-- drift metrics table `<processed table>_drift_metrics` (documented columns: window struct,
-- granularity, drift_type CONSECUTIVE | BASELINE, slice_key/slice_value NULL for the whole
-- table, column_name with ':table' for table-level rows, js_distance, ...;
-- https://docs.databricks.com/aws/en/lakehouse-monitoring/monitor-output).
-- Deployment markers: :catalog, :mlops_schema, :processed_table, :model_name, :granularity.
-- Dashboard parameter: :date_range.
SELECT
  :model_name AS model_name,
  d.window.start AS window_start,
  d.column_name,
  d.js_distance,
  d.tv_distance,
  d.l_infinity_distance
FROM IDENTIFIER(:catalog || '.' || :mlops_schema || '.' || :processed_table || '_drift_metrics') AS d
WHERE d.drift_type = 'BASELINE'
  AND d.slice_key IS NULL
  AND d.column_name <> ':table'
  AND d.granularity = :granularity
  AND CAST(d.window.start AS DATE) BETWEEN :date_range.min AND :date_range.max
