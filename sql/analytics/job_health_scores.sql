-- Job health scores: one row per job and refresh in <gold>.job_health_scores.
--
-- Parameters (Databricks SQL file task, named markers; job parameters arrive as strings):
--   :catalog        catalog of the platform
--   :gold_schema    the gold run model (refresh sql/gold/*.sql first) and the target table
--   :window_days    evaluated window, e.g. '30'
--   :as_of          end of the window as a timestamp string; '' = now
--
-- Inputs: gold job_runs (one row per run; repaired-run semantics and outcome vocabulary in
-- sql/gold/job_runs.sql) and gold jobs_current (latest name; a deleted job is not scored).
-- A run belongs to the window when its latest attempt ended in (as_of - window_days, as_of].
-- Duration = execution_seconds (sum of slices: the wait between a failure and its repair is
-- not run time). Running, cancelled, skipped and other runs are neither success nor failure.
--
-- Health score formula (0..100):
--   counted runs          = outcome IN (succeeded, repaired, failed, timed_out)
--   success_rate          = (succeeded + repaired) / counted runs (a repaired run succeeded)
--   duration_cv           = stddev_pop(duration) / avg(duration) over successful runs
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
    SELECT workspace_id, job_id, name AS job_name, is_deleted
    FROM IDENTIFIER(:catalog || '.' || :gold_schema || '.jobs_current')
  ),
  runs AS (
    SELECT workspace_id, job_id, run_id, last_end_time AS run_end_time, outcome,
           execution_seconds AS duration_seconds
    FROM IDENTIFIER(:catalog || '.' || :gold_schema || '.job_runs')
    WHERE outcome IN ('succeeded', 'repaired', 'failed', 'timed_out')
      AND last_end_time > (SELECT window_start FROM bounds)
      AND last_end_time <= (SELECT as_of FROM bounds)
  ),
  window_runs AS (
    SELECT
      r.*,
      r.run_end_time > b.window_mid AS is_recent,
      r.outcome IN ('succeeded', 'repaired') AS is_success,
      r.outcome = 'repaired' AS is_repaired
    FROM runs AS r
    CROSS JOIN bounds AS b
  ),
  per_job AS (
    SELECT
      workspace_id,
      job_id,
      COUNT(*) AS total_runs,
      COUNT_IF(is_success) AS successful_runs,
      COUNT_IF(NOT is_success) AS failed_runs,
      COUNT_IF(is_repaired) AS repaired_runs,
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
                      + 0.15 * CASE WHEN s.trend = 'degrading' THEN 0 ELSE 1 END), 1) AS DOUBLE) AS health_score,
    s.repaired_runs
  FROM scored AS s
  CROSS JOIN bounds AS b
  LEFT JOIN latest_jobs AS j
    ON j.workspace_id = s.workspace_id AND j.job_id = s.job_id
  WHERE NOT COALESCE(j.is_deleted, FALSE)
) AS s
ON t.workspace_id = s.workspace_id AND t.job_id = s.job_id AND t.calculation_time = s.calculation_time
WHEN MATCHED THEN UPDATE SET *
WHEN NOT MATCHED THEN INSERT *;
