-- Alert kind failed_job_runs: jobs with at least :threshold failed runs (FAILED, ERROR,
-- TIMED_OUT) that ended in the last 24 hours. One row per offending job; no row = OK.
-- Parameters (named markers): :catalog, :bronze_schema, :threshold (failed runs, e.g. 1).
-- Runs are aggregated from the hourly timeline slices (result only on the last slice).
WITH runs AS (
  SELECT workspace_id, job_id, run_id,
         MAX(period_end_time) AS run_end_time,
         MAX(result_state) AS result_state,
         MAX(termination_code) AS termination_code
  FROM IDENTIFIER(:catalog || '.' || :bronze_schema || '.job_run_timeline')
  GROUP BY workspace_id, job_id, run_id
),
latest_jobs AS (
  SELECT workspace_id, job_id, name AS job_name
  FROM (
    SELECT j.*, row_number() OVER (PARTITION BY workspace_id, job_id
                                   ORDER BY change_time DESC, bronze_ingestion_timestamp DESC) AS rn
    FROM IDENTIFIER(:catalog || '.' || :bronze_schema || '.jobs') AS j
  )
  WHERE rn = 1
),
failures AS (
  SELECT workspace_id, job_id, count(*) AS failed_runs, max(run_end_time) AS last_failure,
         max_by(termination_code, run_end_time) AS last_termination_code
  FROM runs
  WHERE result_state IN ('FAILED', 'ERROR', 'TIMED_OUT')
    AND run_end_time > current_timestamp() - INTERVAL 24 HOURS
  GROUP BY workspace_id, job_id
)
SELECT
  f.workspace_id || '/' || f.job_id AS alert_key,
  f.job_id,
  'high' AS severity,
  concat('Job ', COALESCE(j.job_name, f.job_id), ' failed ', f.failed_runs, ' time(s) in 24 h; last at ',
         date_format(f.last_failure, 'yyyy-MM-dd HH:mm:ss'), ' (', COALESCE(f.last_termination_code, 'UNKNOWN'), ')') AS message,
  f.failed_runs AS value
FROM failures AS f
LEFT JOIN latest_jobs AS j ON j.workspace_id = f.workspace_id AND j.job_id = f.job_id
WHERE f.failed_runs >= CAST(:threshold AS INT)
ORDER BY f.failed_runs DESC;
