-- Gold compute utilization (issue #19): the per-run table, the rightsizing view and the idle
-- cluster view (idempotent). The table is refreshed by sql/gold/utilization.sql after the run
-- model (sql/gold/job_runs.sql); the views are computed when read.
-- Parameters (named markers): :catalog, :bronze_schema (node_timeline and clusters, read by
--   cluster_idle_stretches), :gold_schema, and the environment's rightsizing thresholds
--   (environments/<env>.yaml, defaults in stacks/config/resolve.ts):
--   :driver_cpu_percent  avg driver CPU % at or above which a multi-node job is driver-bound
--                        (observability.driverBound.driverCpuPercent, default 70)
--   :worker_cpu_percent  avg worker CPU % under which it is (driverBound.workerCpuPercent, default 20)
--   :idle_cpu_percent    CPU % every node stays under in an idle minute
--                        (observability.idleClusters.cpuPercent, default 5)
--   :idle_min_minutes    shortest idle stretch shown, in minutes (idleClusters.minMinutes, default 30)
-- A view body cannot hold parameter markers, so the views are assembled as text and run with
-- EXECUTE IMMEDIATE (as sql/gold/setup.sql does): names are spliced back-quoted, thresholds as
-- numeric literals of the value cast to DOUBLE / INT (a value that is not a number fails the
-- cast, it never becomes SQL text). The thresholds are baked into the views at each setup run
-- (utilization_setup task of the refresh job): a changed environment file takes effect at the
-- next refresh after the deploy.
--
-- Sources (https://docs.databricks.com/aws/en/admin/system-tables/compute): node_timeline has
-- one row per instance and minute (cluster_id, instance_id, start_time, end_time, driver,
-- cpu_user_percent, cpu_system_percent, cpu_wait_percent, mem_used_percent, mem_swap_percent,
-- network_sent_bytes, network_received_bytes, node_type); node_types has node_type, core_count,
-- memory_mb, gpu_count. Serverless compute has no node timeline.

CREATE TABLE IF NOT EXISTS IDENTIFIER(:catalog || '.' || :gold_schema || '.job_run_utilization') (
  workspace_id            STRING,
  job_id                  STRING,
  run_id                  STRING,
  cluster_id              STRING    COMMENT 'A classic cluster of the run (task compute_ids); NULL when the run had none',
  compute_kind            STRING    COMMENT 'classic | no_node_timeline | serverless | no_task_timeline',
  note                    STRING    COMMENT 'Why metrics are missing or shared; NULL for a classic run with its own cluster',
  window_start            TIMESTAMP COMMENT 'job_runs.first_start_time',
  window_end              TIMESTAMP COMMENT 'job_runs.last_end_time (now while running)',
  outcome                 STRING    COMMENT 'job_runs.outcome',
  node_minutes            BIGINT    COMMENT 'node_timeline rows of the cluster inside the window',
  max_nodes               INT       COMMENT 'Most instances in one minute (driver included): a resize shows as max > min',
  min_nodes               INT,
  worker_node_type        STRING,
  worker_core_count       DOUBLE    COMMENT 'node_types.core_count of worker_node_type',
  worker_memory_mb        BIGINT,
  avg_cpu_percent         DOUBLE    COMMENT 'avg(cpu_user_percent + cpu_system_percent) over worker minutes (driver minutes when single-node)',
  peak_cpu_percent        DOUBLE    COMMENT 'max of the same per node-minute',
  avg_mem_used_percent    DOUBLE,
  peak_mem_used_percent   DOUBLE,
  peak_swap_percent       DOUBLE,
  avg_cpu_wait_percent    DOUBLE,
  driver_avg_cpu_percent  DOUBLE,
  network_sent_bytes      BIGINT,
  network_received_bytes  BIGINT,
  shared_with_runs        INT       COMMENT 'Other job runs on the same cluster overlapping the window',
  refreshed_at            TIMESTAMP
) COMMENT 'Compute utilization of each job run on classic compute, from node_timeline over exactly the run window (gold)';

-- Rightsizing signals over the last 30 days of finished, successful classic runs. The
-- over-provisioning thresholds are applied by the alert (sql/alerts/job_overprovisioned.sql,
-- kind job_overprovisioned), per environment. driver_minus_worker_cpu > 0 by a wide margin: the
-- driver works, the workers idle. driver_bound says so with the environment's thresholds: more
-- than one node (max_nodes counts the driver), avg driver CPU >= :driver_cpu_percent and avg
-- worker CPU < :worker_cpu_percent (both averages over the job's runs); NULL when a CPU average
-- is unknown on a multi-node job (nothing is invented), false on single-node jobs.
DECLARE OR REPLACE VARIABLE util_gold STRING;
SET VAR util_gold = '`' || replace(:catalog, '`', '``') || '`.`' || replace(:gold_schema, '`', '``') || '`.';
DECLARE OR REPLACE VARIABLE util_view_sql STRING;
SET VAR util_view_sql = 'CREATE OR REPLACE VIEW ' || util_gold || 'job_rightsizing AS '
  || 'SELECT workspace_id, job_id, count(DISTINCT run_id) AS runs, max(max_nodes) AS max_nodes, '
  || 'avg(avg_cpu_percent) AS avg_cpu_percent, max(peak_cpu_percent) AS peak_cpu_percent, '
  || 'avg(avg_mem_used_percent) AS avg_mem_used_percent, max(peak_mem_used_percent) AS peak_mem_used_percent, '
  || 'avg(driver_avg_cpu_percent) AS driver_avg_cpu_percent, '
  || 'avg(driver_avg_cpu_percent) - avg(avg_cpu_percent) AS driver_minus_worker_cpu, '
  || 'max(max_nodes) > 1 '
  || 'AND avg(driver_avg_cpu_percent) >= ' || CAST(CAST(:driver_cpu_percent AS DOUBLE) AS STRING) || ' '
  || 'AND avg(avg_cpu_percent) < ' || CAST(CAST(:worker_cpu_percent AS DOUBLE) AS STRING) || ' AS driver_bound, '
  || 'sum(CASE WHEN shared_with_runs > 0 THEN 1 ELSE 0 END) AS shared_runs, max(window_end) AS last_run_end '
  || 'FROM ' || util_gold || 'job_run_utilization '
  || 'WHERE compute_kind = \'classic\' AND outcome IN (\'succeeded\', \'repaired\') '
  || 'AND window_end > current_timestamp() - INTERVAL 30 DAYS '
  || 'GROUP BY workspace_id, job_id';
EXECUTE IMMEDIATE util_view_sql;

-- Idle clusters: stretches of consecutive minutes in which EVERY node of a classic cluster
-- (driver included) ran under :idle_cpu_percent CPU (cpu_user_percent + cpu_system_percent;
-- observability.idleClusters.cpuPercent, default 5 %): compute that
-- was paid for and did nothing, e.g. an all-purpose cluster waiting for its auto-termination or
-- a job cluster blocked on an external system. Per run (job_run_utilization) such minutes only
-- lower an average; here they are whole stretches, attributed to the cluster, not to a run.
-- Read straight from bronze node_timeline (one row per instance and minute, per
-- https://docs.databricks.com/aws/en/admin/system-tables/compute; serverless has none), so
-- all-purpose clusters no job ran on count too. Duplicate bronze minutes: the latest ingestion
-- wins (max_by ... bronze_ingestion_timestamp, as utilization.sql). A node-minute with NULL CPU
-- is not idle (nothing is invented), and a minute with no row at all ends a stretch: a gap in
-- the timeline is no evidence of idleness. Gaps and islands: the idle minutes of a cluster,
-- numbered in time order, keep (minute index - row number) constant exactly while consecutive.
-- Only stretches of at least :idle_min_minutes minutes (idleClusters.minMinutes, default 30)
-- over the last 30 days (a stretch crossing that bound is cut at it; an ongoing one ends at its
-- newest minute in bronze). Both levels come from the environment file and are baked into the
-- view as literals at each setup run (a view body cannot take parameters; see the header).
-- Columns: stretch_start, stretch_end (end of the last idle minute), idle_minutes, max_nodes /
-- min_nodes (instances per minute, driver included), idle_node_minutes (sum of the nodes of
-- every idle minute: what was wasted), peak_cpu_percent (highest node-minute in the stretch),
-- cluster_name and owned_by: the cluster's newest row in bronze clusters (an SCD2 table, one row
-- per change: newest change_time, then newest ingestion), NULL when bronze has no row for it yet;
-- operators recognise a cluster by name, and the owner is whom to ask about it.
DECLARE OR REPLACE VARIABLE util_bronze STRING;
SET VAR util_bronze = '`' || replace(:catalog, '`', '``') || '`.`' || replace(:bronze_schema, '`', '``') || '`.';
SET VAR util_view_sql = 'CREATE OR REPLACE VIEW ' || util_gold || 'cluster_idle_stretches AS '
  || 'WITH node_minutes AS ('
  || 'SELECT workspace_id, cluster_id, instance_id, start_time, '
  || 'max_by(struct(cpu_user_percent, cpu_system_percent), bronze_ingestion_timestamp) AS m '
  || 'FROM ' || util_bronze || 'node_timeline '
  || 'WHERE start_time > current_timestamp() - INTERVAL 30 DAYS '
  || 'GROUP BY workspace_id, cluster_id, instance_id, start_time), '
  || 'cluster_minutes AS ('
  || 'SELECT workspace_id, cluster_id, unix_seconds(start_time) DIV 60 AS minute_index, '
  || 'count(DISTINCT instance_id) AS nodes, '
  || 'max(m.cpu_user_percent + m.cpu_system_percent) AS peak_cpu_percent, '
  || 'min(CASE WHEN m.cpu_user_percent + m.cpu_system_percent < '
  || CAST(CAST(:idle_cpu_percent AS DOUBLE) AS STRING) || ' THEN 1 ELSE 0 END) AS all_idle '
  || 'FROM node_minutes GROUP BY workspace_id, cluster_id, unix_seconds(start_time) DIV 60), '
  || 'idle_minutes AS ('
  || 'SELECT workspace_id, cluster_id, minute_index, nodes, peak_cpu_percent, '
  || 'minute_index - row_number() OVER (PARTITION BY workspace_id, cluster_id ORDER BY minute_index) AS island '
  || 'FROM cluster_minutes WHERE all_idle = 1), '
  || 'stretches AS ('
  || 'SELECT workspace_id, cluster_id, '
  || 'timestamp_seconds(min(minute_index) * 60) AS stretch_start, '
  || 'timestamp_seconds((max(minute_index) + 1) * 60) AS stretch_end, '
  || 'count(*) AS idle_minutes, CAST(max(nodes) AS INT) AS max_nodes, CAST(min(nodes) AS INT) AS min_nodes, '
  || 'sum(nodes) AS idle_node_minutes, max(peak_cpu_percent) AS peak_cpu_percent '
  || 'FROM idle_minutes GROUP BY workspace_id, cluster_id, island '
  || 'HAVING count(*) >= ' || CAST(CAST(:idle_min_minutes AS INT) AS STRING) || '), '
  || 'cluster_names AS ('
  || 'SELECT workspace_id, cluster_id, '
  || 'max_by(struct(cluster_name, owned_by), struct(change_time, bronze_ingestion_timestamp)) AS c '
  || 'FROM ' || util_bronze || 'clusters GROUP BY workspace_id, cluster_id) '
  || 'SELECT s.workspace_id, s.cluster_id, s.stretch_start, s.stretch_end, s.idle_minutes, s.max_nodes, '
  || 's.min_nodes, s.idle_node_minutes, s.peak_cpu_percent, n.c.cluster_name AS cluster_name, n.c.owned_by AS owned_by '
  || 'FROM stretches s LEFT JOIN cluster_names n '
  || 'ON n.workspace_id = s.workspace_id AND n.cluster_id = s.cluster_id';
EXECUTE IMMEDIATE util_view_sql;
