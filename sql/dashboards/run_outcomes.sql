-- Platform health: job runs per day and outcome (the outcome vocabulary of sql/gold/job_runs.sql),
-- with failed (failed, timed_out) and repaired runs counted separately for the trend lines.
-- Deployment markers: :catalog, :gold_schema. Dashboard parameters: :date_range, :workspace_id.
SELECT
  run_date,
  outcome,
  COUNT(*) AS runs,
  COUNT_IF(outcome IN ('failed', 'timed_out')) AS failed_runs,
  COUNT_IF(is_repaired) AS repaired_runs,
  CAST(AVG(execution_seconds) AS DOUBLE) / 60.0 AS avg_execution_minutes
FROM IDENTIFIER(:catalog || '.' || :gold_schema || '.job_runs')
WHERE run_date BETWEEN :date_range.min AND :date_range.max
  AND (:workspace_id = 'All' OR workspace_id = :workspace_id)
GROUP BY run_date, outcome
