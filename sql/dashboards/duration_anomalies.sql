-- Platform health: job runs whose execution time deviates from the job's baseline
-- (robust z-score, sql/analytics/job_duration_anomalies.sql).
-- Deployment markers: :catalog, :gold_schema. Dashboard parameters: :date_range, :workspace_id.
SELECT
  workspace_id,
  job_id,
  job_name,
  run_id,
  run_start_time,
  CAST(run_start_time AS DATE) AS run_date,
  direction,
  duration_seconds / 60.0 AS duration_minutes,
  baseline_median_seconds / 60.0 AS baseline_median_minutes,
  robust_z_score,
  ABS(robust_z_score) AS deviation
FROM IDENTIFIER(:catalog || '.' || :gold_schema || '.job_duration_anomalies')
WHERE CAST(run_start_time AS DATE) BETWEEN :date_range.min AND :date_range.max
  AND (:workspace_id = 'All' OR workspace_id = :workspace_id)
