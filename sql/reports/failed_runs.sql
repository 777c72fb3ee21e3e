-- Failed-run report: one row per failed job run that ended in the window, with the columns of
-- the CSV report (Job_Id, Job_Name, Timestamp (UTC), Status, Error_Details) plus
-- Error_Category for alerting and dashboards. notebooks/report_failed_runs.py writes the CSV.
--
-- Parameters (named markers; strings):
--   :catalog, :gold_schema (the gold run model: refresh sql/gold/*.sql first)
--   :as_of          end of the window as a timestamp string; '' = now
--   :window_hours   runs whose latest attempt ended in (as_of - window_hours, as_of], e.g. '24'
--
-- Runs and task runs: gold job_runs and job_task_runs (repaired-run semantics in
-- sql/gold/job_runs.sql). Listed:
--   * failed runs: the latest attempt failed (outcome failed or timed_out); Status = its
--     result_state (FAILED, ERROR, TIMED_OUT), codes of the latest attempt, failed tasks =
--     tasks whose latest attempt failed.
--   * repaired runs: a failure later repaired is reported once, as repaired: Status REPAIRED,
--     codes of the first failed attempt, failed tasks = tasks that failed before the repair.
--   CANCELLED is a decision, not a failure; running runs have no verdict yet.
--
-- The system tables carry a termination code, not an error message, so Error_Details is
-- "[<category>] termination_code=<code>; failed_tasks=<task_key> (<code>), ...[; repaired
-- after <n> attempts]" and the category is derived from the codes (first match wins):
--   resource       result TIMED_OUT, or a code about capacity or infrastructure
--                  (CLUSTER_ERROR, DRIVER_ERROR, CLOUD_FAILURE, *_LIMIT_EXCEEDED,
--                  MAX_CONCURRENT_RUNS_EXCEEDED, MAX_SPARK_CONTEXTS_EXCEEDED, ...)
--   configuration  a code about setup or access (INVALID_CLUSTER_REQUEST,
--                  INVALID_RUN_CONFIGURATION, REPOSITORY_CHECKOUT_FAILED, UNAUTHORIZED_ERROR,
--                  RESOURCE_NOT_FOUND, LIBRARY_INSTALLATION_ERROR, STORAGE_ACCESS_ERROR,
--                  FEATURE_DISABLED, DISABLED)
--   data quality   an execution error in a task whose key names a quality step
--                  (quality, dq, expectation, validat...)
--   runtime        anything else (RUN_EXECUTION_ERROR, unknown codes)

WITH params AS (
  SELECT
    COALESCE(CAST(NULLIF(:as_of, '') AS TIMESTAMP), current_timestamp()) AS as_of,
    CAST(:window_hours AS INT) AS window_hours
),
runs AS (
  SELECT
    r.*,
    r.outcome = 'repaired' AS repaired,
    CASE WHEN r.outcome = 'repaired' THEN r.first_failure_state ELSE r.result_state END AS failure_state,
    CASE WHEN r.outcome = 'repaired' THEN r.first_failure_code ELSE r.termination_code END AS failure_code
  FROM IDENTIFIER(:catalog || '.' || :gold_schema || '.job_runs') AS r
  CROSS JOIN params AS p
  WHERE (r.outcome IN ('failed', 'timed_out') OR (r.outcome = 'repaired' AND r.first_failure_state IS NOT NULL))
    AND r.last_end_time > p.as_of - make_dt_interval(0, p.window_hours)
    AND r.last_end_time <= p.as_of
),
failed_tasks AS (
  SELECT
    t.workspace_id,
    t.job_id,
    t.job_run_id,
    array_sort(collect_set(t.task_key || ' (' || COALESCE(
      CASE WHEN r.repaired THEN t.first_failure_code ELSE t.termination_code END,
      CASE WHEN r.repaired THEN t.first_failure_state ELSE t.result_state END) || ')')) AS tasks,
    max(CASE WHEN t.task_key RLIKE '(?i)(quality|(^|_)dq(_|$)|expectation|validat)' THEN 1 ELSE 0 END) = 1 AS quality_task_failed,
    max(CASE WHEN r.repaired THEN t.first_failure_code ELSE t.termination_code END) AS task_termination_code
  FROM IDENTIFIER(:catalog || '.' || :gold_schema || '.job_task_runs') AS t
  JOIN runs AS r
    ON r.workspace_id = t.workspace_id AND r.job_id = t.job_id AND r.run_id = t.job_run_id
  WHERE (r.repaired AND t.first_failure_state IS NOT NULL)
     OR (NOT r.repaired AND t.outcome IN ('failed', 'timed_out'))
  GROUP BY t.workspace_id, t.job_id, t.job_run_id
),
failed_runs AS (
  SELECT
    r.*,
    COALESCE(r.failure_code, f.task_termination_code) AS code,
    f.tasks,
    COALESCE(f.quality_task_failed, FALSE) AS quality_task_failed
  FROM runs AS r
  LEFT JOIN failed_tasks AS f
    ON f.workspace_id = r.workspace_id AND f.job_id = r.job_id AND f.job_run_id = r.run_id
),
categorized AS (
  SELECT
    fr.*,
    CASE
      WHEN fr.failure_state = 'TIMED_OUT'
        OR fr.code IN ('CLUSTER_ERROR', 'DRIVER_ERROR', 'CLOUD_FAILURE', 'MAX_CONCURRENT_RUNS_EXCEEDED',
                       'MAX_SPARK_CONTEXTS_EXCEEDED', 'MAX_JOB_QUEUE_SIZE_EXCEEDED')
        OR fr.code LIKE '%LIMIT_EXCEEDED' THEN 'resource'
      WHEN fr.code IN ('INVALID_CLUSTER_REQUEST', 'INVALID_RUN_CONFIGURATION', 'REPOSITORY_CHECKOUT_FAILED',
                       'UNAUTHORIZED_ERROR', 'RESOURCE_NOT_FOUND', 'LIBRARY_INSTALLATION_ERROR',
                       'STORAGE_ACCESS_ERROR', 'FEATURE_DISABLED', 'DISABLED') THEN 'configuration'
      WHEN fr.quality_task_failed THEN 'data quality'
      ELSE 'runtime'
    END AS category
  FROM failed_runs AS fr
)
SELECT
  c.job_id AS `Job_Id`,
  COALESCE(c.job_name, c.run_name, 'unknown') AS `Job_Name`,
  -- convert_timezone: rendered in UTC whatever the session time zone is.
  date_format(convert_timezone('UTC', c.last_end_time), 'yyyy-MM-dd HH:mm:ss') AS `Timestamp (UTC)`,
  CASE WHEN c.repaired THEN 'REPAIRED' ELSE c.result_state END AS `Status`,
  concat(
    '[', c.category, '] termination_code=', COALESCE(c.code, 'UNKNOWN'),
    CASE WHEN size(c.tasks) > 0 THEN concat('; failed_tasks=', array_join(c.tasks, ', ')) ELSE '' END,
    CASE WHEN c.repaired THEN concat('; repaired after ', c.attempts, ' attempts') ELSE '' END
  ) AS `Error_Details`,
  c.category AS `Error_Category`
FROM categorized AS c
ORDER BY c.last_end_time, c.job_id, c.run_id;
