-- Cost: list-price USD per job run, by job (gold job_runs; runs without billed usage count as 0).
-- Deployment markers: :catalog, :gold_schema. Dashboard parameters: :date_range, :workspace_id.
SELECT
  workspace_id,
  job_id,
  max_by(job_name, last_end_time) AS job_name,
  COUNT(*) AS runs,
  CAST(SUM(COALESCE(usd, 0)) AS DOUBLE) AS usd,
  CAST(SUM(COALESCE(usd, 0)) AS DOUBLE) / COUNT(*) AS usd_per_run,
  CAST(SUM(COALESCE(dbus, 0)) AS DOUBLE) / COUNT(*) AS dbus_per_run
FROM IDENTIFIER(:catalog || '.' || :gold_schema || '.job_runs')
WHERE run_date BETWEEN :date_range.min AND :date_range.max
  AND (:workspace_id = 'All' OR workspace_id = :workspace_id)
GROUP BY workspace_id, job_id
