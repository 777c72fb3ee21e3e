-- Alert kind failed_job_runs: jobs with at least :threshold failed runs that ended in the last
-- 24 hours. One row per offending job; no row = OK.
-- Parameters (named markers): :catalog, :gold_schema, :threshold (failed runs, e.g. 1).
-- Runs: gold job_runs (semantics in sql/gold/job_runs.sql): a run is failed when its latest
-- attempt failed (outcome failed or timed_out); a failure later repaired is a success
-- (outcome repaired) and does not count.
WITH failures AS (
  SELECT workspace_id, job_id, count(*) AS failed_runs, max(last_end_time) AS last_failure,
         max_by(termination_code, last_end_time) AS last_termination_code,
         max_by(job_name, last_end_time) AS job_name
  FROM IDENTIFIER(:catalog || '.' || :gold_schema || '.job_runs')
  WHERE outcome IN ('failed', 'timed_out')
    AND last_end_time > current_timestamp() - INTERVAL 24 HOURS
  GROUP BY workspace_id, job_id
)
SELECT
  f.workspace_id || '/' || f.job_id AS alert_key,
  f.workspace_id,
  f.job_id,
  'high' AS severity,
  concat('Job ', COALESCE(f.job_name, f.job_id), ' failed ', f.failed_runs, ' time(s) in 24 h; last at ',
         date_format(f.last_failure, 'yyyy-MM-dd HH:mm:ss'), ' (', COALESCE(f.last_termination_code, 'UNKNOWN'), ')') AS message,
  CAST(f.failed_runs AS DOUBLE) AS value
FROM failures AS f
WHERE f.failed_runs >= CAST(:threshold AS INT)
ORDER BY f.failed_runs DESC;
