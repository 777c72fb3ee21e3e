-- Alert kind platform_failures: failed runs of the platform's own jobs (the bronze orchestrator
-- with its setup, streaming-pipeline and MERGE tasks, and the analytics jobs) and failed
-- updates of its bronze pipelines in the last :threshold hours (e.g. 24). One row per failed
-- run or update; no row = OK.
-- Parameters (named markers): :catalog, :bronze_schema, :threshold,
--   :platform_job_ids       comma-separated job ids (filled in at deploy time)
--   :platform_pipeline_ids  comma-separated pipeline ids (may be '')
WITH job_runs AS (
  SELECT workspace_id, job_id, run_id, MAX(run_name) AS run_name, MAX(period_end_time) AS end_time,
         MAX(result_state) AS result_state, MAX(termination_code) AS termination_code
  FROM IDENTIFIER(:catalog || '.' || :bronze_schema || '.job_run_timeline')
  WHERE array_contains(split(:platform_job_ids, ','), job_id)
  GROUP BY workspace_id, job_id, run_id
),
failed_tasks AS (
  SELECT workspace_id, job_id, job_run_id, array_join(array_sort(collect_set(task_key)), ', ') AS tasks
  FROM (
    SELECT workspace_id, job_id, job_run_id, run_id, task_key, MAX(result_state) AS result_state
    FROM IDENTIFIER(:catalog || '.' || :bronze_schema || '.job_task_run_timeline')
    WHERE array_contains(split(:platform_job_ids, ','), job_id)
    GROUP BY workspace_id, job_id, job_run_id, run_id, task_key
  )
  WHERE result_state IN ('FAILED', 'ERROR', 'TIMED_OUT')
  GROUP BY workspace_id, job_id, job_run_id
),
pipeline_updates AS (
  SELECT workspace_id, pipeline_id, update_id, MAX(period_end_time) AS end_time, MAX(result_state) AS result_state
  FROM IDENTIFIER(:catalog || '.' || :bronze_schema || '.pipeline_update_timeline')
  WHERE array_contains(split(:platform_pipeline_ids, ','), pipeline_id)
  GROUP BY workspace_id, pipeline_id, update_id
)
SELECT
  'job/' || r.workspace_id || '/' || r.job_id || '/' || r.run_id AS alert_key,
  r.job_id,
  'critical' AS severity,
  concat('Platform job ', COALESCE(r.run_name, r.job_id), ' run ', r.run_id, ' ', r.result_state,
         ' (', COALESCE(r.termination_code, 'UNKNOWN'), ')', COALESCE('; failed tasks: ' || t.tasks, '')) AS message,
  CAST(unix_timestamp(r.end_time) AS DOUBLE) AS value
FROM job_runs AS r
LEFT JOIN failed_tasks AS t
  ON t.workspace_id = r.workspace_id AND t.job_id = r.job_id AND t.job_run_id = r.run_id
WHERE r.result_state IN ('FAILED', 'ERROR', 'TIMED_OUT')
  AND r.end_time > current_timestamp() - make_dt_interval(0, CAST(:threshold AS INT))
UNION ALL
SELECT
  'pipeline/' || workspace_id || '/' || pipeline_id || '/' || update_id,
  CAST(NULL AS STRING),
  'critical',
  concat('Platform pipeline ', pipeline_id, ' update ', update_id, ' FAILED'),
  CAST(unix_timestamp(end_time) AS DOUBLE)
FROM pipeline_updates
WHERE result_state = 'FAILED'
  AND end_time > current_timestamp() - make_dt_interval(0, CAST(:threshold AS INT));
