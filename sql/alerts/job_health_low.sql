-- Alert kind job_health_low: jobs whose latest health score (refreshed in the last 2 days) is
-- below :threshold (0..100, e.g. 70). One row per job; no row = OK.
-- Parameters (named markers): :catalog, :gold_schema, :threshold.
WITH latest AS (
  SELECT *
  FROM (
    SELECT h.*, row_number() OVER (PARTITION BY workspace_id, job_id ORDER BY calculation_time DESC) AS rn
    FROM IDENTIFIER(:catalog || '.' || :gold_schema || '.job_health_scores') AS h
  )
  WHERE rn = 1 AND calculation_time > current_timestamp() - INTERVAL 2 DAYS
)
SELECT
  workspace_id || '/' || job_id AS alert_key,
  workspace_id,
  job_id,
  CASE WHEN health_score < CAST(:threshold AS DOUBLE) / 2 THEN 'high' ELSE 'medium' END AS severity,
  concat('Job ', COALESCE(job_name, job_id), ' health score ', health_score, ' (success rate ',
         round(success_rate * 100, 1), ' %, trend ', trend, ')') AS message,
  health_score AS value
FROM latest
WHERE health_score < CAST(:threshold AS DOUBLE)
ORDER BY health_score;
