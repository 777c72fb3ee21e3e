-- Failed-run report: one row per failed job run that ended in the window, with the columns of
-- the CSV report (Job_Id, Job_Name, Timestamp (UTC), Status, Error_Details) plus
-- Error_Category for alerting and dashboards. notebooks/report_failed_runs.py writes the CSV.
--
-- Parameters (named markers; strings):
--   :catalog, :bronze_schema
--   :as_of          end of the window as a timestamp string; '' = now
--   :window_hours   runs that ended in (as_of - window_hours, as_of], e.g. '24'
--
-- Failed = result_state FAILED, ERROR or TIMED_OUT (CANCELLED is a decision, not a failure).
-- Runs and task runs are aggregated from their hourly timeline slices; result_state and
-- termination_code come from the last slice, the only one that has them.
--
-- The system tables carry a termination code, not an error message, so Error_Details is
-- "[<category>] termination_code=<code>; failed_tasks=<task_key> (<code>), ..." and the
-- category is derived from the codes (first match wins):
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
latest_jobs AS (
  SELECT workspace_id, job_id, name AS job_name
  FROM (
    SELECT j.*,
           row_number() OVER (
             PARTITION BY workspace_id, job_id
             ORDER BY change_time DESC, bronze_ingestion_timestamp DESC) AS rn
    FROM IDENTIFIER(:catalog || '.' || :bronze_schema || '.jobs') AS j
  )
  WHERE rn = 1
),
runs AS (
  SELECT
    workspace_id,
    job_id,
    run_id,
    MAX(run_name) AS run_name,
    MAX(period_end_time) AS run_end_time,
    MAX(result_state) AS result_state,
    MAX(termination_code) AS termination_code
  FROM IDENTIFIER(:catalog || '.' || :bronze_schema || '.job_run_timeline')
  GROUP BY workspace_id, job_id, run_id
),
task_runs AS (
  SELECT
    workspace_id,
    job_id,
    job_run_id,
    task_key,
    MAX(result_state) AS result_state,
    MAX(termination_code) AS termination_code
  FROM IDENTIFIER(:catalog || '.' || :bronze_schema || '.job_task_run_timeline')
  GROUP BY workspace_id, job_id, job_run_id, run_id, task_key
),
failed_tasks AS (
  SELECT
    workspace_id,
    job_id,
    job_run_id,
    array_sort(collect_set(task_key || ' (' || COALESCE(termination_code, result_state) || ')')) AS tasks,
    max(CASE WHEN task_key RLIKE '(?i)(quality|(^|_)dq(_|$)|expectation|validat)' THEN 1 ELSE 0 END) = 1 AS quality_task_failed,
    max(termination_code) AS task_termination_code
  FROM task_runs
  WHERE result_state IN ('FAILED', 'ERROR', 'TIMED_OUT')
  GROUP BY workspace_id, job_id, job_run_id
),
failed_runs AS (
  SELECT
    r.*,
    COALESCE(r.termination_code, f.task_termination_code) AS code,
    f.tasks,
    COALESCE(f.quality_task_failed, FALSE) AS quality_task_failed
  FROM runs AS r
  CROSS JOIN params AS p
  LEFT JOIN failed_tasks AS f
    ON f.workspace_id = r.workspace_id AND f.job_id = r.job_id AND f.job_run_id = r.run_id
  WHERE r.result_state IN ('FAILED', 'ERROR', 'TIMED_OUT')
    AND r.run_end_time > p.as_of - make_dt_interval(0, p.window_hours)
    AND r.run_end_time <= p.as_of
),
categorized AS (
  SELECT
    fr.*,
    CASE
      WHEN fr.result_state = 'TIMED_OUT'
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
  COALESCE(j.job_name, c.run_name, 'unknown') AS `Job_Name`,
  -- convert_timezone: rendered in UTC whatever the session time zone is.
  date_format(convert_timezone('UTC', c.run_end_time), 'yyyy-MM-dd HH:mm:ss') AS `Timestamp (UTC)`,
  c.result_state AS `Status`,
  concat(
    '[', c.category, '] termination_code=', COALESCE(c.code, 'UNKNOWN'),
    CASE WHEN size(c.tasks) > 0 THEN concat('; failed_tasks=', array_join(c.tasks, ', ')) ELSE '' END
  ) AS `Error_Details`,
  c.category AS `Error_Category`
FROM categorized AS c
LEFT JOIN latest_jobs AS j
  ON j.workspace_id = c.workspace_id AND j.job_id = c.job_id
ORDER BY c.run_end_time, c.job_id, c.run_id;
