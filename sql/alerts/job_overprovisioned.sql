-- Alert kind job_overprovisioned: jobs whose recent
-- successful classic runs stay under a CPU and a memory threshold on more than one node (gold
-- job_rightsizing, sql/gold/utilization_setup.sql).
-- One row per job; no row = OK. Paused outside production like every alert kind.
-- Parameters (named markers): :catalog, :gold_schema,
--   :threshold          peak CPU percent (user + system) every recent run stayed under, e.g. 20
--   :mem_threshold      peak memory-used percent every recent run stayed under, e.g. 40
--   :min_runs           successful runs needed before judging a job, e.g. 3
-- Runs on a shared cluster are left out of the judgement only when every run was shared
-- (their metrics are the whole cluster's).
SELECT
  workspace_id || '/' || job_id AS alert_key,
  job_id,
  'low' AS severity,
  concat('Job ', job_id, ' peaks at ', round(peak_cpu_percent, 1), ' % CPU and ', round(peak_mem_used_percent, 1),
         ' % memory on up to ', max_nodes, ' nodes over ', runs, ' successful run(s) in 30 days') AS message,
  peak_cpu_percent AS value
FROM IDENTIFIER(:catalog || '.' || :gold_schema || '.job_rightsizing')
WHERE max_nodes > 1
  AND runs >= CAST(:min_runs AS INT)
  AND shared_runs < runs
  AND peak_cpu_percent < CAST(:threshold AS DOUBLE)
  AND peak_mem_used_percent < CAST(:mem_threshold AS DOUBLE)
ORDER BY peak_cpu_percent;
