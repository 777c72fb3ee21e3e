-- Model monitoring: requests and failed requests (HTTP status <> 200) per day for one served
-- model, from its AI Gateway payload table: the processed table holds only requests that were
-- scored, so the error rate needs the raw table (columns as read by
-- notebooks/mlops_unpack_inference.py: request_date, databricks_request_id, status_code).
-- Deployment markers: :catalog, :mlops_schema, :payload_table, :model_name.
-- Dashboard parameter: :date_range.
SELECT
  :model_name AS model_name,
  request_date,
  COUNT(DISTINCT databricks_request_id) AS requests,
  COUNT(DISTINCT CASE WHEN status_code <> 200 THEN databricks_request_id END) AS failed_requests,
  COUNT(DISTINCT CASE WHEN status_code <> 200 THEN databricks_request_id END)
    / COUNT(DISTINCT databricks_request_id) AS error_rate
FROM IDENTIFIER(:catalog || '.' || :mlops_schema || '.' || :payload_table)
WHERE request_date BETWEEN :date_range.min AND :date_range.max
GROUP BY request_date
