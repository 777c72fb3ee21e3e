-- Refresh of gold job_run_utilization (setup: sql/gold/utilization_setup.sql), after job_runs.
-- Parameters (named markers): :catalog, :bronze_schema, :gold_schema,
--   :lookback_hours  re-read runs whose window ended this long before the newest window end
--                    already in the table, e.g. '24' (late node_timeline minutes, running runs)
--
-- Attribution: the clusters of a run are the compute_ids of its task slices
-- (job_task_run_timeline; job_run_timeline.compute_ids covers WORKFLOW_RUN parents only, per
-- https://docs.databricks.com/aws/en/admin/system-tables/jobs). Metrics are the node_timeline
-- minutes of that cluster whose start_time falls inside [first_start_time, last_end_time] of
-- the run. A cluster used by another job run in an overlapping window (an all-purpose cluster)
-- cannot be split per run: the row keeps the whole cluster's minutes, says so in `note` and
-- counts the other runs in shared_with_runs. A run whose task slices carry no cluster id is
-- serverless (no node timeline exists); a run with no task slice in bronze yet (a late or broken
-- job_task_run_timeline flow) is no_task_timeline, not guessed serverless; a cluster id without
-- timeline minutes is no_node_timeline. Nothing is invented: those rows carry NULL metrics.
--
-- Cost model: reads the runs ended since (newest window_end - lookback_hours) plus running
-- ones, their task slices, and node_timeline only inside those runs' windows (range join on
-- start_time); the MERGE replaces those runs' rows. A refresh touches new runs only.
MERGE INTO IDENTIFIER(:catalog || '.' || :gold_schema || '.job_run_utilization') AS t
USING (
  WITH bounds AS (
    SELECT COALESCE(max(window_end), TIMESTAMP '1970-01-01') - make_interval(0, 0, 0, 0, CAST(:lookback_hours AS INT)) AS since
    FROM IDENTIFIER(:catalog || '.' || :gold_schema || '.job_run_utilization')
  ),
  runs AS (
    SELECT r.workspace_id, r.job_id, r.run_id, r.outcome, r.first_start_time AS window_start,
           COALESCE(r.last_end_time, current_timestamp()) AS window_end
    FROM IDENTIFIER(:catalog || '.' || :gold_schema || '.job_runs') AS r
    CROSS JOIN bounds AS b
    WHERE r.last_end_time IS NULL OR r.last_end_time > b.since OR r.outcome = 'running'
  ),
  -- one row per task slice of the runs; explode_outer keeps slices whose compute_ids are empty
  run_task_compute AS (
    SELECT DISTINCT tc.workspace_id, tc.job_id, tc.run_id, tc.cluster_id
    FROM (
      SELECT workspace_id, job_id, job_run_id AS run_id, explode_outer(compute_ids) AS cluster_id
      FROM IDENTIFIER(:catalog || '.' || :bronze_schema || '.job_task_run_timeline')
    ) AS tc
    JOIN runs AS r ON r.workspace_id = tc.workspace_id AND r.job_id = tc.job_id AND r.run_id = tc.run_id
  ),
  run_clusters AS (SELECT * FROM run_task_compute WHERE cluster_id IS NOT NULL),
  runs_with_tasks AS (SELECT DISTINCT workspace_id, job_id, run_id FROM run_task_compute),
  run_windows AS (
    SELECT r.*, rc.cluster_id, rt.run_id IS NOT NULL AS has_task_slices
    FROM runs AS r
    LEFT JOIN run_clusters AS rc ON rc.workspace_id = r.workspace_id AND rc.run_id = r.run_id AND rc.job_id = r.job_id
    LEFT JOIN runs_with_tasks AS rt ON rt.workspace_id = r.workspace_id AND rt.run_id = r.run_id AND rt.job_id = r.job_id
  ),
  -- node_timeline, one row per instance-minute; bronze may hold duplicates of a minute
  minutes AS (
    SELECT workspace_id, cluster_id, instance_id, start_time,
           max_by(struct(driver, cpu_user_percent, cpu_system_percent, cpu_wait_percent, mem_used_percent,
                         mem_swap_percent, network_sent_bytes, network_received_bytes, node_type),
                  bronze_ingestion_timestamp) AS m
    FROM IDENTIFIER(:catalog || '.' || :bronze_schema || '.node_timeline')
    WHERE start_time >= (SELECT min(window_start) FROM runs)
    GROUP BY workspace_id, cluster_id, instance_id, start_time
  ),
  in_window AS (
    SELECT w.workspace_id, w.job_id, w.run_id, w.cluster_id, n.instance_id, n.start_time, n.m,
           -- single-node clusters have only a driver: its minutes are the compute
           max(CASE WHEN NOT n.m.driver THEN 1 ELSE 0 END) OVER (PARTITION BY w.workspace_id, w.run_id, w.cluster_id) AS has_workers
    FROM run_windows AS w
    JOIN minutes AS n
      ON n.workspace_id = w.workspace_id AND n.cluster_id = w.cluster_id
     AND n.start_time >= w.window_start AND n.start_time < w.window_end
  ),
  per_minute AS (
    SELECT workspace_id, run_id, cluster_id, start_time, count(*) AS nodes
    FROM in_window GROUP BY workspace_id, run_id, cluster_id, start_time
  ),
  metrics AS (
    SELECT i.workspace_id, i.run_id, i.cluster_id,
           count(*) AS node_minutes,
           max_by(i.m.node_type, CASE WHEN i.m.driver THEN 0 ELSE 1 END) AS worker_node_type,
           avg(CASE WHEN NOT i.m.driver OR i.has_workers = 0 THEN i.m.cpu_user_percent + i.m.cpu_system_percent END) AS avg_cpu_percent,
           max(CASE WHEN NOT i.m.driver OR i.has_workers = 0 THEN i.m.cpu_user_percent + i.m.cpu_system_percent END) AS peak_cpu_percent,
           avg(CASE WHEN NOT i.m.driver OR i.has_workers = 0 THEN i.m.mem_used_percent END) AS avg_mem_used_percent,
           max(CASE WHEN NOT i.m.driver OR i.has_workers = 0 THEN i.m.mem_used_percent END) AS peak_mem_used_percent,
           max(i.m.mem_swap_percent) AS peak_swap_percent,
           avg(i.m.cpu_wait_percent) AS avg_cpu_wait_percent,
           avg(CASE WHEN i.m.driver THEN i.m.cpu_user_percent + i.m.cpu_system_percent END) AS driver_avg_cpu_percent,
           sum(i.m.network_sent_bytes) AS network_sent_bytes,
           sum(i.m.network_received_bytes) AS network_received_bytes
    FROM in_window AS i
    GROUP BY i.workspace_id, i.run_id, i.cluster_id
  ),
  node_counts AS (
    SELECT workspace_id, run_id, cluster_id, CAST(max(nodes) AS INT) AS max_nodes, CAST(min(nodes) AS INT) AS min_nodes
    FROM per_minute GROUP BY workspace_id, run_id, cluster_id
  ),
  -- other runs on the same cluster with an overlapping window (from the whole run model)
  sharing AS (
    SELECT w.workspace_id, w.run_id, w.cluster_id, CAST(count(DISTINCT o.run_id) AS INT) AS shared_with_runs
    FROM run_windows AS w
    JOIN IDENTIFIER(:catalog || '.' || :bronze_schema || '.job_task_run_timeline') AS ot
      ON ot.workspace_id = w.workspace_id AND array_contains(ot.compute_ids, w.cluster_id) AND ot.job_run_id <> w.run_id
    JOIN IDENTIFIER(:catalog || '.' || :gold_schema || '.job_runs') AS o
      ON o.workspace_id = ot.workspace_id AND o.job_id = ot.job_id AND o.run_id = ot.job_run_id
     AND o.first_start_time < w.window_end AND COALESCE(o.last_end_time, current_timestamp()) > w.window_start
    WHERE w.cluster_id IS NOT NULL
    GROUP BY w.workspace_id, w.run_id, w.cluster_id
  ),
  node_type_latest AS (
    SELECT node_type, max_by(core_count, bronze_ingestion_timestamp) AS core_count,
           max_by(memory_mb, bronze_ingestion_timestamp) AS memory_mb
    FROM IDENTIFIER(:catalog || '.' || :bronze_schema || '.node_types')
    GROUP BY node_type
  )
  SELECT
    w.workspace_id, w.job_id, w.run_id, w.cluster_id,
    CASE WHEN w.cluster_id IS NULL AND NOT w.has_task_slices THEN 'no_task_timeline'
         WHEN w.cluster_id IS NULL THEN 'serverless'
         WHEN m.node_minutes IS NULL THEN 'no_node_timeline'
         ELSE 'classic' END AS compute_kind,
    CASE WHEN w.cluster_id IS NULL AND NOT w.has_task_slices
           THEN 'No job_task_run_timeline slice for this run in bronze yet: its compute is unknown'
         WHEN w.cluster_id IS NULL THEN 'No classic cluster in the task compute_ids: serverless compute has no node timeline'
         WHEN m.node_minutes IS NULL THEN 'No node_timeline minutes for this cluster in the run window'
         WHEN COALESCE(s.shared_with_runs, 0) > 0 THEN concat('Cluster shared with ', s.shared_with_runs,
              ' other run(s) in this window: metrics are the whole cluster\'s, not this run\'s alone')
    END AS note,
    w.window_start, w.window_end, w.outcome,
    m.node_minutes, c.max_nodes, c.min_nodes,
    m.worker_node_type, nt.core_count AS worker_core_count, nt.memory_mb AS worker_memory_mb,
    m.avg_cpu_percent, m.peak_cpu_percent, m.avg_mem_used_percent, m.peak_mem_used_percent,
    m.peak_swap_percent, m.avg_cpu_wait_percent, m.driver_avg_cpu_percent,
    m.network_sent_bytes, m.network_received_bytes,
    COALESCE(s.shared_with_runs, 0) AS shared_with_runs,
    current_timestamp() AS refreshed_at
  FROM run_windows AS w
  LEFT JOIN metrics AS m ON m.workspace_id = w.workspace_id AND m.run_id = w.run_id AND m.cluster_id = w.cluster_id
  LEFT JOIN node_counts AS c ON c.workspace_id = w.workspace_id AND c.run_id = w.run_id AND c.cluster_id = w.cluster_id
  LEFT JOIN sharing AS s ON s.workspace_id = w.workspace_id AND s.run_id = w.run_id AND s.cluster_id = w.cluster_id
  LEFT JOIN node_type_latest AS nt ON nt.node_type = m.worker_node_type
) AS s
ON t.workspace_id = s.workspace_id AND t.job_id = s.job_id AND t.run_id = s.run_id
   AND t.cluster_id <=> s.cluster_id
WHEN MATCHED THEN UPDATE SET *
WHEN NOT MATCHED THEN INSERT *;
