-- Cost / Rightsizing: the rightsizing signals per job (gold job_rightsizing: the last 30 days of
-- successful classic runs, sql/gold/utilization_setup.sql), labelled with the job's latest
-- name from job_runs. The signals are the view's, i.e. what the job_overprovisioned alert
-- judges (driver_bound with the environment's observability.driverBound thresholds, baked into
-- the view by its setup); the date range keeps the jobs whose latest judged run ended in it (a view body has no
-- parameters, so a range wider than 30 days shows no older runs).
-- Instantiated twice: :job_selection 'all' (every job, the table) and 'lowest_peak_cpu' (the ten
-- multi-node jobs with the lowest peak CPU, the bar chart: only they can shed workers).
-- Deployment markers: :catalog, :gold_schema, :job_selection. Dashboard parameters:
-- :date_range, :workspace_id.
WITH job_names AS (
  SELECT workspace_id, job_id, max_by(job_name, last_end_time) AS job_name
  FROM IDENTIFIER(:catalog || '.' || :gold_schema || '.job_runs')
  GROUP BY workspace_id, job_id
),
signals AS (
  SELECT r.workspace_id, r.job_id, COALESCE(n.job_name, r.job_id) AS job_name,
         r.runs, r.max_nodes, r.avg_cpu_percent, r.peak_cpu_percent, r.avg_mem_used_percent,
         r.peak_mem_used_percent, r.driver_avg_cpu_percent, r.driver_minus_worker_cpu,
         r.driver_bound, r.shared_runs, r.last_run_end,
         -- max_nodes counts the driver: more than one node means there are workers to drop
         CASE WHEN r.max_nodes > 1 AND r.peak_cpu_percent IS NOT NULL
              THEN row_number() OVER (PARTITION BY r.max_nodes > 1 AND r.peak_cpu_percent IS NOT NULL
                                      ORDER BY r.peak_cpu_percent, r.workspace_id, r.job_id)
         END AS multi_node_cpu_rank
  FROM IDENTIFIER(:catalog || '.' || :gold_schema || '.job_rightsizing') AS r
  LEFT JOIN job_names AS n ON n.workspace_id = r.workspace_id AND n.job_id = r.job_id
  WHERE CAST(r.last_run_end AS DATE) BETWEEN :date_range.min AND :date_range.max
    AND (:workspace_id = 'All' OR r.workspace_id = :workspace_id)
)
SELECT *
FROM signals
WHERE :job_selection = 'all' OR multi_node_cpu_rank <= 10
