-- Creates the gold tables of the job-health analytics (idempotent: IF NOT EXISTS only).
--
-- Parameters (Databricks SQL file task, named markers):
--   :catalog      Unity Catalog catalog of the platform
--   :gold_schema  gold schema (job_health_scores, job_duration_anomalies, alert_history)

CREATE TABLE IF NOT EXISTS IDENTIFIER(:catalog || '.' || :gold_schema || '.job_health_scores') (
  workspace_id           STRING    COMMENT 'Workspace of the job (job_id is unique only within a workspace)',
  job_id                 STRING,
  job_name               STRING    COMMENT 'Latest name from the jobs change history',
  calculation_time       TIMESTAMP COMMENT 'End of the evaluated window (the as_of of the refresh)',
  window_days            INT,
  total_runs             BIGINT    COMMENT 'Finished runs counted: SUCCEEDED, FAILED, ERROR, TIMED_OUT',
  successful_runs        BIGINT,
  failed_runs            BIGINT,
  success_rate           DOUBLE    COMMENT '0..1',
  avg_duration_seconds   DOUBLE    COMMENT 'Mean duration of successful runs',
  duration_cv            DOUBLE    COMMENT 'Coefficient of variation (stddev_pop / mean) of successful run durations',
  performance_stability  DOUBLE    COMMENT '0..1 = greatest(0, 1 - duration_cv)',
  recent_success_rate    DOUBLE    COMMENT 'Success rate of the recent half of the window',
  older_success_rate     DOUBLE    COMMENT 'Success rate of the older half of the window',
  duration_change        DOUBLE    COMMENT '(recent mean - older mean) / older mean of successful run durations',
  trend                  STRING    COMMENT 'improving | stable | degrading',
  health_score           DOUBLE    COMMENT '0..100, formula in sql/analytics/job_health_scores.sql'
) COMMENT 'Job health scores per job and refresh (gold)';

CREATE TABLE IF NOT EXISTS IDENTIFIER(:catalog || '.' || :gold_schema || '.job_duration_anomalies') (
  workspace_id             STRING,
  job_id                   STRING,
  job_name                 STRING,
  run_id                   STRING,
  run_start_time           TIMESTAMP,
  run_end_time             TIMESTAMP,
  result_state             STRING,
  duration_seconds         DOUBLE,
  baseline_runs            BIGINT    COMMENT 'Successful runs of the job in the baseline period',
  baseline_median_seconds  DOUBLE,
  baseline_mad_seconds     DOUBLE    COMMENT 'Median absolute deviation of the baseline durations',
  robust_z_score           DOUBLE    COMMENT '0.6745 * (duration - median) / MAD (MeanAD fallback when MAD = 0)',
  direction                STRING    COMMENT 'slower | faster',
  z_threshold              DOUBLE,
  detected_at              TIMESTAMP
) COMMENT 'Job runs whose duration deviates from the job baseline (robust z-score, gold)';

CREATE TABLE IF NOT EXISTS IDENTIFIER(:catalog || '.' || :gold_schema || '.alert_history') (
  alert_id       STRING    COMMENT 'Deterministic: sha2 of alert_type, job and subject, so a re-run never duplicates',
  job_id         STRING    COMMENT 'Associated job, when the alert is about one',
  alert_type     STRING    COMMENT 'Alert kind, e.g. failed_job_runs, job_duration_anomaly',
  severity       STRING    COMMENT 'critical | high | medium | low',
  message        STRING,
  created_at     TIMESTAMP,
  resolved_at    TIMESTAMP COMMENT 'NULL while the condition still holds',
  channels_sent  ARRAY<STRING> COMMENT 'Notification destinations subscribed to the alert kind'
) COMMENT 'History of alert conditions raised by the platform (gold)';
