-- Alert kind job_duration_anomaly: runs that ended in the last 24 hours and were slower than
-- their job's baseline by a robust z-score of at least :threshold (e.g. 3.5), as materialized
-- in <gold>.job_duration_anomalies. One row per run; no row = OK.
-- Parameters (named markers): :catalog, :gold_schema, :threshold.
SELECT
  workspace_id || '/' || job_id || '/' || run_id AS alert_key,
  workspace_id,
  job_id,
  'medium' AS severity,
  concat('Run ', run_id, ' of job ', COALESCE(job_name, job_id), ' took ', round(duration_seconds / 60, 1),
         ' min vs a median of ', round(baseline_median_seconds / 60, 1), ' min (robust z ',
         round(robust_z_score, 1), ')') AS message,
  robust_z_score AS value
FROM IDENTIFIER(:catalog || '.' || :gold_schema || '.job_duration_anomalies')
WHERE direction = 'slower'
  AND robust_z_score >= CAST(:threshold AS DOUBLE)
  AND run_end_time > current_timestamp() - INTERVAL 24 HOURS
ORDER BY robust_z_score DESC;
