-- Gold job_task_runs: one row per task of a job run (workspace_id, job_id, job_run_id,
-- task_key), from the bronze copy of system.lakeflow.job_task_run_timeline
-- (https://docs.databricks.com/aws/en/admin/system-tables/jobs, job_task_run_timeline:
-- run_id is the task run, job_run_id the job run; hourly slices, result on the slice that ends
-- an attempt). Semantics, outcome vocabulary and cost model: those of sql/gold/job_runs.sql,
-- applied per task. A repair runs a task again as a new task run (a new run_id under the same
-- job_run_id and task_key), so the attempts of a task are the attempt-ending slices over all
-- its task runs, and task_run_id is the task run of the latest attempt.
--
-- Parameters (named markers; strings): :catalog, :bronze_schema, :gold_schema, :lookback_hours
-- Incremental exactly like job_runs: tasks with a slice ingested after
-- max(slices_ingested_at) - lookback_hours are recomputed from their slices since the
-- earliest start of a changed task (its new slices or its gold first_start_time).
-- dbus / usd stay NULL: billing.usage attributes usage to job runs (usage_metadata.job_run_id),
-- not to tasks.

-- A MERGE cannot read its own target: watermark and read bounds first (see job_runs.sql).
DECLARE OR REPLACE VARIABLE job_task_runs_slices_from TIMESTAMP;
SET VAR job_task_runs_slices_from = (
  SELECT COALESCE(max(slices_ingested_at), TIMESTAMP '1970-01-01 00:00:00') - make_dt_interval(0, CAST(:lookback_hours AS INT))
  FROM IDENTIFIER(:catalog || '.' || :gold_schema || '.job_task_runs')
);
DECLARE OR REPLACE VARIABLE job_task_runs_slices_to TIMESTAMP;
SET VAR job_task_runs_slices_to = (
  SELECT max(bronze_ingestion_timestamp) FROM IDENTIFIER(:catalog || '.' || :bronze_schema || '.job_task_run_timeline')
  WHERE bronze_ingestion_timestamp > job_task_runs_slices_from
);
DECLARE OR REPLACE VARIABLE job_task_runs_read_from TIMESTAMP;
SET VAR job_task_runs_read_from = (
  WITH new_slices AS (
    SELECT workspace_id, job_id, job_run_id, task_key, period_start_time
    FROM IDENTIFIER(:catalog || '.' || :bronze_schema || '.job_task_run_timeline')
    WHERE bronze_ingestion_timestamp > job_task_runs_slices_from AND bronze_ingestion_timestamp <= job_task_runs_slices_to
  )
  SELECT least(
    (SELECT min(period_start_time) FROM new_slices),
    (SELECT min(r.first_start_time)
     FROM IDENTIFIER(:catalog || '.' || :gold_schema || '.job_task_runs') AS r
     LEFT SEMI JOIN new_slices AS c
       ON c.workspace_id = r.workspace_id AND c.job_id = r.job_id AND c.job_run_id = r.job_run_id
      AND c.task_key = r.task_key))
);

MERGE INTO IDENTIFIER(:catalog || '.' || :gold_schema || '.job_task_runs') AS t
USING (
  WITH changed AS (
    SELECT DISTINCT workspace_id, job_id, job_run_id, task_key
    FROM IDENTIFIER(:catalog || '.' || :bronze_schema || '.job_task_run_timeline')
    WHERE bronze_ingestion_timestamp > job_task_runs_slices_from AND bronze_ingestion_timestamp <= job_task_runs_slices_to
  ),
  slices AS (
    SELECT *
    FROM (
      SELECT s.*,
             row_number() OVER (
               PARTITION BY s.workspace_id, s.job_id, s.run_id, s.period_start_time
               ORDER BY s.result_state IS NOT NULL DESC, s.period_end_time DESC,
                        s.bronze_ingestion_timestamp DESC) AS rn
      FROM IDENTIFIER(:catalog || '.' || :bronze_schema || '.job_task_run_timeline') AS s
      LEFT SEMI JOIN changed AS c
        ON c.workspace_id = s.workspace_id AND c.job_id = s.job_id AND c.job_run_id = s.job_run_id
       AND c.task_key = s.task_key
      WHERE s.period_start_time >= job_task_runs_read_from
        AND s.bronze_ingestion_timestamp <= job_task_runs_slices_to
    )
    WHERE rn = 1
  ),
  per_task AS (
    SELECT
      workspace_id,
      job_id,
      job_run_id,
      task_key,
      max_by(run_id, period_end_time) AS task_run_id,
      min(period_start_time) AS first_start_time,
      max(period_end_time) AS last_end_time,
      CAST(sum(unix_micros(period_end_time) - unix_micros(period_start_time)) / 1e6 AS DOUBLE) AS execution_seconds,
      CAST(count_if(result_state IS NOT NULL) AS INT) AS attempts,
      max(period_end_time) FILTER (WHERE result_state IS NOT NULL) AS last_attempt_end,
      max(period_end_time) FILTER (WHERE result_state IS NULL) AS last_open_slice_end,
      max_by(result_state, period_end_time) FILTER (WHERE result_state IS NOT NULL) AS latest_state,
      max_by(termination_code, period_end_time) FILTER (WHERE result_state IS NOT NULL) AS latest_code,
      min_by(result_state, period_end_time) FILTER (WHERE result_state IN ('FAILED', 'ERROR', 'TIMED_OUT')) AS first_failure_state,
      min_by(termination_code, period_end_time) FILTER (WHERE result_state IN ('FAILED', 'ERROR', 'TIMED_OUT')) AS first_failure_code,
      count(*) AS slices,
      max(bronze_ingestion_timestamp) AS slices_ingested_at
    FROM slices
    GROUP BY workspace_id, job_id, job_run_id, task_key
  ),
  states AS (
    SELECT p.*, p.attempts = 0 OR p.last_open_slice_end > p.last_attempt_end AS is_running
    FROM per_task AS p
  )
  SELECT
    s.workspace_id,
    s.job_id,
    s.job_run_id,
    s.task_key,
    s.task_run_id,
    s.first_start_time,
    s.last_end_time,
    CAST(s.last_end_time AS DATE) AS run_date,
    s.execution_seconds,
    s.attempts,
    s.attempts + CASE WHEN s.is_running AND s.attempts > 0 THEN 1 ELSE 0 END > 1 AS is_repaired,
    CASE WHEN s.is_running THEN NULL ELSE s.latest_state END AS result_state,
    CASE WHEN s.is_running THEN NULL ELSE s.latest_code END AS termination_code,
    s.first_failure_state,
    s.first_failure_code,
    CASE
      WHEN s.is_running THEN 'running'
      WHEN s.latest_state = 'SUCCEEDED' AND s.attempts > 1 THEN 'repaired'
      WHEN s.latest_state = 'SUCCEEDED' THEN 'succeeded'
      WHEN s.latest_state IN ('FAILED', 'ERROR') THEN 'failed'
      WHEN s.latest_state = 'TIMED_OUT' THEN 'timed_out'
      WHEN s.latest_state = 'CANCELLED' THEN 'cancelled'
      WHEN s.latest_state = 'SKIPPED' THEN 'skipped'
      ELSE 'other'
    END AS outcome,
    CAST(NULL AS DECIMAL(38,18)) AS dbus,
    CAST(NULL AS DECIMAL(38,18)) AS usd,
    s.slices,
    s.slices_ingested_at,
    current_timestamp() AS refreshed_at
  FROM states AS s
) AS s
ON t.workspace_id = s.workspace_id AND t.job_id = s.job_id AND t.job_run_id = s.job_run_id AND t.task_key = s.task_key
WHEN MATCHED AND NOT (
      t.slices <=> s.slices AND t.slices_ingested_at <=> s.slices_ingested_at
  AND t.result_state <=> s.result_state AND t.outcome <=> s.outcome)
  THEN UPDATE SET *
WHEN NOT MATCHED THEN INSERT *;
