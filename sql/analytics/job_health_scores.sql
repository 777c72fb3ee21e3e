-- Job health scores: one row per job and refresh in <gold>.job_health_scores.
--
-- Parameters (Databricks SQL file task, named markers; job parameters arrive as strings):
--   :catalog        catalog of the platform
--   :bronze_schema  bronze copies of the system tables (jobs, job_run_timeline)
--   :gold_schema    target schema (run setup_gold_tables.sql first)
--   :window_days    evaluated window, e.g. '30'
--   :as_of          end of the window as a timestamp string; '' = now
--
-- Inputs and how they are read:
--   * bronze jobs is SCD change history: reduced to the latest row per (workspace_id, job_id)
--     by change_time; a job whose latest row has delete_time is skipped.
--   * bronze job_run_timeline splits runs longer than an hour into hourly slices, and only the
--     last slice carries result_state. A run is therefore aggregated per
--     (workspace_id, job_id, run_id): duration = max(period_end_time) - min(period_start_time),
--     result_state = the one non-null value (MAX ignores NULLs). Runs without a result yet are
--     still running and are not scored. Duplicate bronze rows do not change min/max.
--   * A run belongs to the window when it ended in (as_of - window_days, as_of].
--
-- Health score formula (0..100):
--   counted runs          = result_state IN (SUCCEEDED, FAILED, ERROR, TIMED_OUT)
--                           (SKIPPED, CANCELLED and others are neither success nor failure)
--   success_rate          = SUCCEEDED / counted runs
--   duration_cv           = stddev_pop(duration) / avg(duration) over SUCCEEDED runs
--                           (0 with fewer than 2 successful runs)
--   performance_stability = 0 if no run succeeded, else greatest(0, 1 - duration_cv)
--   trend                 compares the recent half of the window with the older half:
--                           success-rate delta <= -0.10                      -> degrading
--                           success-rate delta >= +0.10                      -> improving
--                           else mean successful duration change >= +25 %   -> degrading
--                           else mean successful duration change <= -25 %   -> improving
--                           else (including a half without runs)            -> stable
--   trend_factor          = 0 when degrading, else 1 (the trend only penalises)
--   health_score          = round(100 * (0.60 * success_rate
--                                       + 0.25 * performance_stability
--                                       + 0.15 * trend_factor), 1)
-- Re-running with the same as_of replaces that refresh's rows (MERGE on job and
-- calculation_time), so a retry never duplicates.

MERGE INTO IDENTIFIER(:catalog || '.' || :gold_schema || '.job_health_scores') AS t
USING (
  WITH params AS (
    SELECT
      COALESCE(CAST(NULLIF(:as_of, '') AS TIMESTAMP), current_timestamp()) AS as_of,
      CAST(:window_days AS INT) AS window_days
  ),
  bounds AS (
    SELECT
      as_of,
      window_days,
      as_of - make_dt_interval(window_days) AS window_start,
      as_of - make_dt_interval(0, window_days * 12) AS window_mid
    FROM params
  ),
  latest_jobs AS (
    SELECT workspace_id, job_id, name AS job_name, delete_time
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
      MIN(period_start_time) AS run_start_time,
      MAX(period_end_time) AS run_end_time,
      MAX(result_state) AS result_state,
      unix_timestamp(MAX(period_end_time)) - unix_timestamp(MIN(period_start_time)) AS duration_seconds
    FROM IDENTIFIER(:catalog || '.' || :bronze_schema || '.job_run_timeline')
    GROUP BY workspace_id, job_id, run_id
  ),
  window_runs AS (
    SELECT
      r.*,
      r.run_end_time > b.window_mid AS is_recent,
      r.result_state = 'SUCCEEDED' AS is_success
    FROM runs AS r
    CROSS JOIN bounds AS b
    WHERE r.result_state IN ('SUCCEEDED', 'FAILED', 'ERROR', 'TIMED_OUT')
      AND r.run_end_time > b.window_start
      AND r.run_end_time <= b.as_of
  ),
  per_job AS (
    SELECT
      workspace_id,
      job_id,
      COUNT(*) AS total_runs,
      COUNT_IF(is_success) AS successful_runs,
      COUNT_IF(NOT is_success) AS failed_runs,
      AVG(CASE WHEN is_success THEN duration_seconds END) AS avg_duration_seconds,
      STDDEV_POP(CASE WHEN is_success THEN duration_seconds END) AS stddev_duration_seconds,
      COUNT_IF(is_recent) AS recent_runs,
      COUNT_IF(is_recent AND is_success) AS recent_successes,
      COUNT_IF(NOT is_recent) AS older_runs,
      COUNT_IF(NOT is_recent AND is_success) AS older_successes,
      AVG(CASE WHEN is_recent AND is_success THEN duration_seconds END) AS recent_avg_duration,
      AVG(CASE WHEN NOT is_recent AND is_success THEN duration_seconds END) AS older_avg_duration
    FROM window_runs
    GROUP BY workspace_id, job_id
  ),
  metrics AS (
    SELECT
      p.*,
      p.successful_runs / p.total_runs AS success_rate,
      CASE WHEN p.successful_runs >= 2 AND p.avg_duration_seconds > 0
           THEN p.stddev_duration_seconds / p.avg_duration_seconds ELSE 0 END AS duration_cv,
      CASE WHEN p.recent_runs > 0 THEN p.recent_successes / p.recent_runs END AS recent_success_rate,
      CASE WHEN p.older_runs > 0 THEN p.older_successes / p.older_runs END AS older_success_rate,
      CASE WHEN p.older_avg_duration > 0
           THEN (p.recent_avg_duration - p.older_avg_duration) / p.older_avg_duration END AS duration_change
    FROM per_job AS p
  ),
  scored AS (
    SELECT
      m.*,
      CASE WHEN m.successful_runs = 0 THEN 0.0 ELSE GREATEST(0.0, 1.0 - m.duration_cv) END AS performance_stability,
      CASE
        WHEN m.recent_success_rate - m.older_success_rate <= -0.10 THEN 'degrading'
        WHEN m.recent_success_rate - m.older_success_rate >= 0.10 THEN 'improving'
        WHEN m.duration_change >= 0.25 THEN 'degrading'
        WHEN m.duration_change <= -0.25 THEN 'improving'
        ELSE 'stable'
      END AS trend
    FROM metrics AS m
  )
  SELECT
    s.workspace_id,
    s.job_id,
    j.job_name,
    b.as_of AS calculation_time,
    b.window_days,
    s.total_runs,
    s.successful_runs,
    s.failed_runs,
    CAST(s.success_rate AS DOUBLE) AS success_rate,
    CAST(s.avg_duration_seconds AS DOUBLE) AS avg_duration_seconds,
    CAST(s.duration_cv AS DOUBLE) AS duration_cv,
    CAST(s.performance_stability AS DOUBLE) AS performance_stability,
    CAST(s.recent_success_rate AS DOUBLE) AS recent_success_rate,
    CAST(s.older_success_rate AS DOUBLE) AS older_success_rate,
    CAST(s.duration_change AS DOUBLE) AS duration_change,
    s.trend,
    CAST(ROUND(100 * (0.60 * s.success_rate
                      + 0.25 * s.performance_stability
                      + 0.15 * CASE WHEN s.trend = 'degrading' THEN 0 ELSE 1 END), 1) AS DOUBLE) AS health_score
  FROM scored AS s
  CROSS JOIN bounds AS b
  LEFT JOIN latest_jobs AS j
    ON j.workspace_id = s.workspace_id AND j.job_id = s.job_id
  WHERE j.delete_time IS NULL
) AS s
ON t.workspace_id = s.workspace_id AND t.job_id = s.job_id AND t.calculation_time = s.calculation_time
WHEN MATCHED THEN UPDATE SET *
WHEN NOT MATCHED THEN INSERT *;
