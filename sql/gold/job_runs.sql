-- Gold job_runs: one row per job run (workspace_id, job_id, run_id), built from the bronze copy
-- of system.lakeflow.job_run_timeline. THE place the repaired-run semantics are defined; every
-- analytic, alert and report reads job_runs / job_task_runs / pipeline_updates and none of
-- them aggregates timeline slices again.
--
-- Parameters (named markers; strings): :catalog, :bronze_schema, :gold_schema,
--   :lookback_hours  re-read bronze slices ingested this long before the watermark, e.g. '24'
-- Reads gold usage_priced (refresh sql/gold/usage_priced.sql first) and gold jobs_current.
--
-- Source (https://docs.databricks.com/aws/en/admin/system-tables/jobs, job_run_timeline):
-- a run longer than an hour is split into hourly slices (period_start_time, period_end_time);
-- result_state and termination_code are set only on the slice that ends an attempt, and a
-- repaired run adds the slices of each repair under the same run_id. The reference's own
-- queries count retries as the rows with a non-null result_state per run_id and compute run
-- time as SUM(period_end_time - period_start_time).
--
-- Semantics (apply everywhere):
--   slice          bronze rows deduplicated on the timeline key (workspace_id, job_id, run_id,
--                  period_start_time); a slice that carries a result wins over one that does
--                  not, then the later period_end_time, then the later ingestion.
--   attempt        a slice with a non-null result_state ends one attempt: the original run,
--                  then one per repair. attempts = their count.
--   running        slices newer (period_end_time) than the last attempt-ending slice, or no
--                  result at all: the latest attempt is still in progress. result_state and
--                  termination_code are then NULL.
--   result_state / termination_code   those of the latest attempt (max period_end_time), never
--                  MAX() over strings (alphabetical: TIMED_OUT > SUCCEEDED > FAILED > ERROR).
--   first_failure_state / _code   the earliest attempt that ended FAILED, ERROR or TIMED_OUT.
--   is_repaired    more than one attempt was started (attempts > 1, or a repair is running).
--   execution_seconds   SUM of the slice durations: the hours between a failure and its
--                  repair are not run time.
--   first_start_time / last_end_time   min(period_start_time) / max(period_end_time).
--   outcome (one vocabulary):
--     running     latest attempt in progress
--     succeeded   latest attempt SUCCEEDED, no repair
--     repaired    latest attempt SUCCEEDED after an earlier attempt (a failure later repaired
--                 is reported once, as repaired, and counts as a success)
--     failed      latest attempt FAILED or ERROR (whatever came before)
--     timed_out   latest attempt TIMED_OUT
--     cancelled   latest attempt CANCELLED
--     skipped     latest attempt SKIPPED
--     other       any other result_state (e.g. BLOCKED)
--   A run is failed when its latest attempt failed: outcome IN ('failed', 'timed_out').
--   dbus / usd     usage_priced records with usage_metadata.job_run_id = run_id and usage_unit
--                  DBU (cost rule: sql/gold/usage_priced.sql; effective list price).
--
-- Incremental refresh and its cost model:
--   changed runs = runs with a bronze slice ingested after max(job_runs.slices_ingested_at)
--                  - lookback_hours, plus runs with a usage record ingested after
--                  max(job_runs.usage_ingested_at) - lookback_hours.
--   Only changed runs are recomputed, from all their slices: the slice scan is bounded below by
--   the earliest start of a changed run (its new slices, or first_start_time of its gold row,
--   so a repair days later reads back to that run's start once). The MERGE rewrites a row only
--   when its content changed. Cost: O(new bronze rows + slices since the earliest changed run
--   started + usage of the changed runs); a quiet refresh reads the new rows and writes
--   nothing. Late slices and repairs arrive with a new ingestion timestamp and are picked up
--   by the watermark; the lookback covers stream commits stamped before the previous
--   refresh but committed after it.

-- A MERGE cannot read its own target, so the watermark and the read bounds are computed first
-- into session variables; upper bounds (slices_to, usage_to) pin the snapshot, so rows that
-- land while the refresh runs are left, whole, to the next one.
DECLARE OR REPLACE VARIABLE job_runs_slices_from TIMESTAMP;
DECLARE OR REPLACE VARIABLE job_runs_usage_from TIMESTAMP;
SET VAR (job_runs_slices_from, job_runs_usage_from) = (
  SELECT
    COALESCE(max(slices_ingested_at), TIMESTAMP '1970-01-01 00:00:00') - make_dt_interval(0, CAST(:lookback_hours AS INT)),
    COALESCE(max(usage_ingested_at), TIMESTAMP '1970-01-01 00:00:00') - make_dt_interval(0, CAST(:lookback_hours AS INT))
  FROM IDENTIFIER(:catalog || '.' || :gold_schema || '.job_runs')
);
DECLARE OR REPLACE VARIABLE job_runs_slices_to TIMESTAMP;
DECLARE OR REPLACE VARIABLE job_runs_usage_to TIMESTAMP;
SET VAR (job_runs_slices_to, job_runs_usage_to) = (
  SELECT
    (SELECT max(bronze_ingestion_timestamp) FROM IDENTIFIER(:catalog || '.' || :bronze_schema || '.job_run_timeline')
     WHERE bronze_ingestion_timestamp > job_runs_slices_from),
    (SELECT max(bronze_ingested_at) FROM IDENTIFIER(:catalog || '.' || :gold_schema || '.usage_priced')
     WHERE bronze_ingested_at > job_runs_usage_from)
);
-- earliest slice start the changed runs need: their new slices, or the start already known
DECLARE OR REPLACE VARIABLE job_runs_read_from TIMESTAMP;
SET VAR job_runs_read_from = (
  WITH new_slices AS (
    SELECT workspace_id, job_id, run_id, period_start_time
    FROM IDENTIFIER(:catalog || '.' || :bronze_schema || '.job_run_timeline')
    WHERE bronze_ingestion_timestamp > job_runs_slices_from AND bronze_ingestion_timestamp <= job_runs_slices_to
  ),
  changed AS (
    SELECT workspace_id, job_id, run_id FROM new_slices
    UNION
    SELECT workspace_id, job_id, job_run_id
    FROM IDENTIFIER(:catalog || '.' || :gold_schema || '.usage_priced')
    WHERE job_run_id IS NOT NULL
      AND bronze_ingested_at > job_runs_usage_from AND bronze_ingested_at <= job_runs_usage_to
  )
  SELECT least(
    (SELECT min(period_start_time) FROM new_slices),
    (SELECT min(r.first_start_time)
     FROM IDENTIFIER(:catalog || '.' || :gold_schema || '.job_runs') AS r
     LEFT SEMI JOIN changed AS c
       ON c.workspace_id = r.workspace_id AND c.job_id = r.job_id AND c.run_id = r.run_id))
);

MERGE INTO IDENTIFIER(:catalog || '.' || :gold_schema || '.job_runs') AS t
USING (
  WITH new_slices AS (
    SELECT workspace_id, job_id, run_id, period_start_time
    FROM IDENTIFIER(:catalog || '.' || :bronze_schema || '.job_run_timeline')
    WHERE bronze_ingestion_timestamp > job_runs_slices_from AND bronze_ingestion_timestamp <= job_runs_slices_to
  ),
  new_usage AS (
    SELECT DISTINCT workspace_id, job_id, job_run_id AS run_id
    FROM IDENTIFIER(:catalog || '.' || :gold_schema || '.usage_priced')
    WHERE job_run_id IS NOT NULL
      AND bronze_ingested_at > job_runs_usage_from AND bronze_ingested_at <= job_runs_usage_to
  ),
  changed AS (
    SELECT workspace_id, job_id, run_id FROM new_slices
    UNION
    SELECT workspace_id, job_id, run_id FROM new_usage
  ),
  slices AS (
    SELECT *
    FROM (
      SELECT s.*,
             row_number() OVER (
               PARTITION BY s.workspace_id, s.job_id, s.run_id, s.period_start_time
               ORDER BY s.result_state IS NOT NULL DESC, s.period_end_time DESC,
                        s.bronze_ingestion_timestamp DESC) AS rn
      FROM IDENTIFIER(:catalog || '.' || :bronze_schema || '.job_run_timeline') AS s
      LEFT SEMI JOIN changed AS c
        ON c.workspace_id = s.workspace_id AND c.job_id = s.job_id AND c.run_id = s.run_id
      WHERE s.period_start_time >= job_runs_read_from
        AND (job_runs_slices_to IS NULL OR s.bronze_ingestion_timestamp <= job_runs_slices_to)
    )
    WHERE rn = 1
  ),
  per_run AS (
    SELECT
      workspace_id,
      job_id,
      run_id,
      max_by(run_name, period_end_time) FILTER (WHERE run_name IS NOT NULL) AS run_name,
      max_by(trigger_type, period_end_time) FILTER (WHERE trigger_type IS NOT NULL) AS trigger_type,
      max_by(run_type, period_end_time) FILTER (WHERE run_type IS NOT NULL) AS run_type,
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
    GROUP BY workspace_id, job_id, run_id
  ),
  states AS (
    SELECT
      r.*,
      r.attempts = 0 OR r.last_open_slice_end > r.last_attempt_end AS is_running
    FROM per_run AS r
  ),
  costs AS (
    SELECT u.workspace_id, u.job_id, u.job_run_id AS run_id,
           CAST(sum(u.usage_quantity) AS DECIMAL(38,18)) AS dbus,
           CAST(sum(u.usd) AS DECIMAL(38,18)) AS usd,
           max(u.bronze_ingested_at) AS usage_ingested_at
    FROM IDENTIFIER(:catalog || '.' || :gold_schema || '.usage_priced') AS u
    LEFT SEMI JOIN changed AS c
      ON c.workspace_id = u.workspace_id AND c.job_id = u.job_id AND c.run_id = u.job_run_id
    WHERE u.usage_unit = 'DBU'
      AND (job_runs_usage_to IS NULL OR u.bronze_ingested_at <= job_runs_usage_to)
    GROUP BY u.workspace_id, u.job_id, u.job_run_id
  ),
  jobs AS (
    SELECT workspace_id, job_id, name, run_as
    FROM IDENTIFIER(:catalog || '.' || :gold_schema || '.jobs_current')
  )
  SELECT
    s.workspace_id,
    s.job_id,
    s.run_id,
    COALESCE(j.name, s.run_name) AS job_name,
    s.run_name,
    s.trigger_type,
    s.run_type,
    j.run_as,
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
    c.dbus,
    c.usd,
    s.slices,
    s.slices_ingested_at,
    c.usage_ingested_at,
    current_timestamp() AS refreshed_at
  FROM states AS s
  LEFT JOIN costs AS c
    ON c.workspace_id = s.workspace_id AND c.job_id = s.job_id AND c.run_id = s.run_id
  LEFT JOIN jobs AS j
    ON j.workspace_id = s.workspace_id AND j.job_id = s.job_id
) AS s
ON t.workspace_id = s.workspace_id AND t.job_id = s.job_id AND t.run_id = s.run_id
WHEN MATCHED AND NOT (
      t.slices <=> s.slices AND t.slices_ingested_at <=> s.slices_ingested_at
  AND t.usage_ingested_at <=> s.usage_ingested_at AND t.dbus <=> s.dbus AND t.usd <=> s.usd
  AND t.result_state <=> s.result_state AND t.outcome <=> s.outcome AND t.job_name <=> s.job_name
  AND t.run_as <=> s.run_as)
  THEN UPDATE SET *
WHEN NOT MATCHED THEN INSERT *;
