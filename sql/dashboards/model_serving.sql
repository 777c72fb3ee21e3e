-- Model monitoring: scored requests, records and latency per day for one served model, from
-- its processed inference table (notebooks/mlops_unpack_inference.py: one row per scored record;
-- request_id, request_date, execution_duration_ms, the model id column). The dashboard unions
-- this query over every configured model. Serving has no workspace dimension: only the date
-- range applies.
-- Deployment markers: :catalog, :mlops_schema, :processed_table, :model_name, :model_id_col.
-- Dashboard parameter: :date_range.
SELECT
  :model_name AS model_name,
  request_date,
  IDENTIFIER(:model_id_col) AS served_entity,
  COUNT(DISTINCT request_id) AS requests,
  COUNT(*) AS records,
  CAST(AVG(execution_duration_ms) AS DOUBLE) AS avg_latency_ms,
  CAST(percentile_approx(execution_duration_ms, 0.95) AS DOUBLE) AS p95_latency_ms
FROM IDENTIFIER(:catalog || '.' || :mlops_schema || '.' || :processed_table)
WHERE request_date BETWEEN :date_range.min AND :date_range.max
GROUP BY request_date, IDENTIFIER(:model_id_col)
