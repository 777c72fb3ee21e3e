-- Platform health: the latest health score of every job scored in the date range.
-- Deployment markers (bound at synth): :catalog, :gold_schema. Dashboard parameters:
-- :date_range (RANGE of DATE, .min/.max), :workspace_id ('All' = every workspace).
SELECT
  workspace_id,
  job_id,
  job_name,
  health_score,
  CASE
    WHEN health_score >= 90 THEN '90-100'
    WHEN health_score >= 75 THEN '75-89'
    WHEN health_score >= 50 THEN '50-74'
    WHEN health_score >= 25 THEN '25-49'
    ELSE '0-24'
  END AS score_band,
  success_rate,
  total_runs,
  failed_runs,
  COALESCE(repaired_runs, 0) AS repaired_runs,
  trend,
  calculation_time
FROM (
  SELECT s.*, row_number() OVER (PARTITION BY workspace_id, job_id ORDER BY calculation_time DESC) AS rn
  FROM IDENTIFIER(:catalog || '.' || :gold_schema || '.job_health_scores') AS s
  WHERE CAST(calculation_time AS DATE) BETWEEN :date_range.min AND :date_range.max
    AND (:workspace_id = 'All' OR workspace_id = :workspace_id)
)
WHERE rn = 1
