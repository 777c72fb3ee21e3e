-- Alert kind platform_failures: failed runs of the platform's own jobs (the bronze orchestrator
-- with its setup, streaming-pipeline and MERGE tasks, and the analytics jobs) and failed
-- updates of its bronze pipelines in the last :threshold hours (e.g. 24). One row per failed
-- run or update; no row = OK.
-- Parameters (named markers): :catalog, :gold_schema, :threshold,
--   :platform_job_ids       comma-separated job ids (filled in at deploy time)
--   :platform_pipeline_ids  comma-separated pipeline ids (may be '')
-- Runs, task runs and updates: the gold run model (semantics in sql/gold/job_runs.sql): failed =
-- the latest attempt failed (outcome failed or timed_out); a repaired run is not a failure.
WITH failed_runs AS (
  SELECT *
  FROM IDENTIFIER(:catalog || '.' || :gold_schema || '.job_runs')
  WHERE array_contains(split(:platform_job_ids, ','), job_id)
    AND outcome IN ('failed', 'timed_out')
    AND last_end_time > current_timestamp() - make_dt_interval(0, CAST(:threshold AS INT))
),
failed_tasks AS (
  SELECT workspace_id, job_id, job_run_id, array_join(array_sort(collect_set(task_key)), ', ') AS tasks
  FROM IDENTIFIER(:catalog || '.' || :gold_schema || '.job_task_runs')
  WHERE array_contains(split(:platform_job_ids, ','), job_id)
    AND outcome IN ('failed', 'timed_out')
  GROUP BY workspace_id, job_id, job_run_id
)
SELECT
  'job/' || r.workspace_id || '/' || r.job_id || '/' || r.run_id AS alert_key,
  r.workspace_id,
  r.job_id,
  'critical' AS severity,
  concat('Platform job ', COALESCE(r.job_name, r.run_name, r.job_id), ' run ', r.run_id, ' ', r.result_state,
         ' (', COALESCE(r.termination_code, 'UNKNOWN'), ')', COALESCE('; failed tasks: ' || t.tasks, '')) AS message,
  CAST(unix_timestamp(r.last_end_time) AS DOUBLE) AS value
FROM failed_runs AS r
LEFT JOIN failed_tasks AS t
  ON t.workspace_id = r.workspace_id AND t.job_id = r.job_id AND t.job_run_id = r.run_id
UNION ALL
SELECT
  'pipeline/' || workspace_id || '/' || pipeline_id || '/' || update_id,
  workspace_id,
  CAST(NULL AS STRING),
  'critical',
  concat('Platform pipeline ', COALESCE(pipeline_name, pipeline_id), ' update ', update_id, ' FAILED'),
  CAST(unix_timestamp(last_end_time) AS DOUBLE)
FROM IDENTIFIER(:catalog || '.' || :gold_schema || '.pipeline_updates')
WHERE array_contains(split(:platform_pipeline_ids, ','), pipeline_id)
  AND outcome = 'failed'
  AND last_end_time > current_timestamp() - make_dt_interval(0, CAST(:threshold AS INT));
