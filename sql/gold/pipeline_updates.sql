-- Gold pipeline_updates: one row per pipeline update (workspace_id, pipeline_id, update_id),
-- from the bronze copy of system.lakeflow.pipeline_update_timeline
-- (https://docs.databricks.com/aws/en/admin/system-tables/jobs, pipeline_update_timeline:
-- hourly slices; result_state COMPLETED | FAILED | CANCELED on the slice that ends the update;
-- no termination code). Semantics and cost model: those of sql/gold/job_runs.sql. An update is
-- not repaired in place (a retry is a new update), so attempts is normally 1 and is_repaired
-- false; the same rules still apply if an update_id carries more than one result.
--   outcome: running | succeeded (COMPLETED) | failed (FAILED) | cancelled (CANCELED) | other
--   dbus / usd: usage_priced records with usage_metadata.dlt_update_id = update_id.
--
-- Parameters (named markers; strings): :catalog, :bronze_schema, :gold_schema, :lookback_hours
-- Incremental like job_runs: updates with a slice ingested after max(slices_ingested_at) -
-- lookback_hours, or a usage record ingested after max(usage_ingested_at) - lookback_hours,
-- are recomputed from their slices since the earliest start of a changed update.

-- A MERGE cannot read its own target: watermark and read bounds first (see job_runs.sql).
DECLARE OR REPLACE VARIABLE pipeline_updates_slices_from TIMESTAMP;
DECLARE OR REPLACE VARIABLE pipeline_updates_usage_from TIMESTAMP;
SET VAR (pipeline_updates_slices_from, pipeline_updates_usage_from) = (
  SELECT
    COALESCE(max(slices_ingested_at), TIMESTAMP '1970-01-01 00:00:00') - make_dt_interval(0, CAST(:lookback_hours AS INT)),
    COALESCE(max(usage_ingested_at), TIMESTAMP '1970-01-01 00:00:00') - make_dt_interval(0, CAST(:lookback_hours AS INT))
  FROM IDENTIFIER(:catalog || '.' || :gold_schema || '.pipeline_updates')
);
DECLARE OR REPLACE VARIABLE pipeline_updates_slices_to TIMESTAMP;
DECLARE OR REPLACE VARIABLE pipeline_updates_usage_to TIMESTAMP;
SET VAR (pipeline_updates_slices_to, pipeline_updates_usage_to) = (
  SELECT
    (SELECT max(bronze_ingestion_timestamp) FROM IDENTIFIER(:catalog || '.' || :bronze_schema || '.pipeline_update_timeline')
     WHERE bronze_ingestion_timestamp > pipeline_updates_slices_from),
    (SELECT max(bronze_ingested_at) FROM IDENTIFIER(:catalog || '.' || :gold_schema || '.usage_priced')
     WHERE bronze_ingested_at > pipeline_updates_usage_from)
);
DECLARE OR REPLACE VARIABLE pipeline_updates_read_from TIMESTAMP;
SET VAR pipeline_updates_read_from = (
  WITH new_slices AS (
    SELECT workspace_id, pipeline_id, update_id, period_start_time
    FROM IDENTIFIER(:catalog || '.' || :bronze_schema || '.pipeline_update_timeline')
    WHERE bronze_ingestion_timestamp > pipeline_updates_slices_from AND bronze_ingestion_timestamp <= pipeline_updates_slices_to
  ),
  changed AS (
    SELECT workspace_id, pipeline_id, update_id FROM new_slices
    UNION
    SELECT workspace_id, dlt_pipeline_id, dlt_update_id
    FROM IDENTIFIER(:catalog || '.' || :gold_schema || '.usage_priced')
    WHERE dlt_update_id IS NOT NULL
      AND bronze_ingested_at > pipeline_updates_usage_from AND bronze_ingested_at <= pipeline_updates_usage_to
  )
  SELECT least(
    (SELECT min(period_start_time) FROM new_slices),
    (SELECT min(r.first_start_time)
     FROM IDENTIFIER(:catalog || '.' || :gold_schema || '.pipeline_updates') AS r
     LEFT SEMI JOIN changed AS c
       ON c.workspace_id = r.workspace_id AND c.pipeline_id = r.pipeline_id AND c.update_id = r.update_id))
);

MERGE INTO IDENTIFIER(:catalog || '.' || :gold_schema || '.pipeline_updates') AS t
USING (
  WITH new_slices AS (
    SELECT workspace_id, pipeline_id, update_id
    FROM IDENTIFIER(:catalog || '.' || :bronze_schema || '.pipeline_update_timeline')
    WHERE bronze_ingestion_timestamp > pipeline_updates_slices_from AND bronze_ingestion_timestamp <= pipeline_updates_slices_to
  ),
  new_usage AS (
    SELECT DISTINCT workspace_id, dlt_pipeline_id AS pipeline_id, dlt_update_id AS update_id
    FROM IDENTIFIER(:catalog || '.' || :gold_schema || '.usage_priced')
    WHERE dlt_update_id IS NOT NULL
      AND bronze_ingested_at > pipeline_updates_usage_from AND bronze_ingested_at <= pipeline_updates_usage_to
  ),
  changed AS (
    SELECT workspace_id, pipeline_id, update_id FROM new_slices
    UNION
    SELECT workspace_id, pipeline_id, update_id FROM new_usage
  ),
  slices AS (
    SELECT *
    FROM (
      SELECT s.*,
             row_number() OVER (
               PARTITION BY s.workspace_id, s.pipeline_id, s.update_id, s.period_start_time
               ORDER BY s.result_state IS NOT NULL DESC, s.period_end_time DESC,
                        s.bronze_ingestion_timestamp DESC) AS rn
      FROM IDENTIFIER(:catalog || '.' || :bronze_schema || '.pipeline_update_timeline') AS s
      LEFT SEMI JOIN changed AS c
        ON c.workspace_id = s.workspace_id AND c.pipeline_id = s.pipeline_id AND c.update_id = s.update_id
      WHERE s.period_start_time >= pipeline_updates_read_from
        AND (pipeline_updates_slices_to IS NULL OR s.bronze_ingestion_timestamp <= pipeline_updates_slices_to)
    )
    WHERE rn = 1
  ),
  per_update AS (
    SELECT
      workspace_id,
      pipeline_id,
      update_id,
      max_by(update_type, period_end_time) FILTER (WHERE update_type IS NOT NULL) AS update_type,
      max_by(trigger_type, period_end_time) FILTER (WHERE trigger_type IS NOT NULL) AS trigger_type,
      max_by(run_as_user_name, period_end_time) FILTER (WHERE run_as_user_name IS NOT NULL) AS run_as,
      max_by(trigger_details.job_task.job_id, period_end_time) FILTER (WHERE trigger_details.job_task.job_id IS NOT NULL) AS job_id,
      max_by(trigger_details.job_task.job_task_run_id, period_end_time) FILTER (WHERE trigger_details.job_task.job_task_run_id IS NOT NULL) AS job_run_id,
      min(period_start_time) AS first_start_time,
      max(period_end_time) AS last_end_time,
      CAST(sum(unix_micros(period_end_time) - unix_micros(period_start_time)) / 1e6 AS DOUBLE) AS execution_seconds,
      CAST(count_if(result_state IS NOT NULL) AS INT) AS attempts,
      max(period_end_time) FILTER (WHERE result_state IS NOT NULL) AS last_attempt_end,
      max(period_end_time) FILTER (WHERE result_state IS NULL) AS last_open_slice_end,
      max_by(result_state, period_end_time) FILTER (WHERE result_state IS NOT NULL) AS latest_state,
      min_by(result_state, period_end_time) FILTER (WHERE result_state = 'FAILED') AS first_failure_state,
      count(*) AS slices,
      max(bronze_ingestion_timestamp) AS slices_ingested_at
    FROM slices
    GROUP BY workspace_id, pipeline_id, update_id
  ),
  states AS (
    SELECT p.*, p.attempts = 0 OR p.last_open_slice_end > p.last_attempt_end AS is_running
    FROM per_update AS p
  ),
  costs AS (
    SELECT u.workspace_id, u.dlt_pipeline_id AS pipeline_id, u.dlt_update_id AS update_id,
           CAST(sum(u.usage_quantity) AS DECIMAL(38,18)) AS dbus,
           CAST(sum(u.usd) AS DECIMAL(38,18)) AS usd,
           max(u.bronze_ingested_at) AS usage_ingested_at
    FROM IDENTIFIER(:catalog || '.' || :gold_schema || '.usage_priced') AS u
    LEFT SEMI JOIN changed AS c
      ON c.workspace_id = u.workspace_id AND c.pipeline_id = u.dlt_pipeline_id AND c.update_id = u.dlt_update_id
    WHERE u.usage_unit = 'DBU'
      AND (pipeline_updates_usage_to IS NULL OR u.bronze_ingested_at <= pipeline_updates_usage_to)
    GROUP BY u.workspace_id, u.dlt_pipeline_id, u.dlt_update_id
  ),
  pipelines AS (
    SELECT workspace_id, pipeline_id, name
    FROM IDENTIFIER(:catalog || '.' || :gold_schema || '.pipelines_current')
  )
  SELECT
    s.workspace_id,
    s.pipeline_id,
    s.update_id,
    p.name AS pipeline_name,
    s.update_type,
    s.trigger_type,
    s.run_as,
    s.job_id,
    s.job_run_id,
    s.first_start_time,
    s.last_end_time,
    CAST(s.last_end_time AS DATE) AS run_date,
    s.execution_seconds,
    s.attempts,
    s.attempts + CASE WHEN s.is_running AND s.attempts > 0 THEN 1 ELSE 0 END > 1 AS is_repaired,
    CASE WHEN s.is_running THEN NULL ELSE s.latest_state END AS result_state,
    CAST(NULL AS STRING) AS termination_code,
    s.first_failure_state,
    CAST(NULL AS STRING) AS first_failure_code,
    CASE
      WHEN s.is_running THEN 'running'
      WHEN s.latest_state = 'COMPLETED' AND s.attempts > 1 THEN 'repaired'
      WHEN s.latest_state = 'COMPLETED' THEN 'succeeded'
      WHEN s.latest_state = 'FAILED' THEN 'failed'
      WHEN s.latest_state = 'CANCELED' THEN 'cancelled'
      ELSE 'other'
    END AS outcome,
    c.dbus,
    c.usd,
    s.slices,
    s.slices_ingested_at,
    c.usage_ingested_at,
    current_timestamp() AS refreshed_at
  FROM states AS s
  LEFT JOIN costs AS c
    ON c.workspace_id = s.workspace_id AND c.pipeline_id = s.pipeline_id AND c.update_id = s.update_id
  LEFT JOIN pipelines AS p
    ON p.workspace_id = s.workspace_id AND p.pipeline_id = s.pipeline_id
) AS s
ON t.workspace_id = s.workspace_id AND t.pipeline_id = s.pipeline_id AND t.update_id = s.update_id
WHEN MATCHED AND NOT (
      t.slices <=> s.slices AND t.slices_ingested_at <=> s.slices_ingested_at
  AND t.usage_ingested_at <=> s.usage_ingested_at AND t.dbus <=> s.dbus AND t.usd <=> s.usd
  AND t.result_state <=> s.result_state AND t.outcome <=> s.outcome AND t.pipeline_name <=> s.pipeline_name)
  THEN UPDATE SET *
WHEN NOT MATCHED THEN INSERT *;
