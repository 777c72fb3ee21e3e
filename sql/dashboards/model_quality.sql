-- Model monitoring: model quality and data quality per window for one model, from its monitor's
-- profile metrics table `<processed table>_profile_metrics` (documented columns: window struct,
-- granularity, log_type INPUT | BASELINE, slice_key NULL for the whole table, column_name
-- ':table' for table-level rows carrying the model-quality metrics, count, percent_null, and per
-- problem type accuracy_score (classification) or mean_absolute_error, r2_score (regression);
-- https://docs.databricks.com/aws/en/lakehouse-monitoring/monitor-output).
-- Deployment markers: :catalog, :mlops_schema, :processed_table, :model_name, :granularity,
-- :quality_metric (the column for the model's problem type). Dashboard parameter: :date_range.
SELECT
  :model_name AS model_name,
  p.window.start AS window_start,
  :quality_metric AS quality_metric,
  CAST(IDENTIFIER('p.' || :quality_metric) AS DOUBLE) AS quality_value,
  p.count AS scored_records,
  CAST(p.percent_null AS DOUBLE) AS percent_null
FROM IDENTIFIER(:catalog || '.' || :mlops_schema || '.' || :processed_table || '_profile_metrics') AS p
WHERE p.log_type = 'INPUT'
  AND p.slice_key IS NULL
  AND p.column_name = ':table'
  AND p.granularity = :granularity
  AND CAST(p.window.start AS DATE) BETWEEN :date_range.min AND :date_range.max
