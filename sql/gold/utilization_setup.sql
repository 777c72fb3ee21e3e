-- Gold compute utilization per job run (issue #19): table and rightsizing view (idempotent).
-- Refreshed by sql/gold/utilization.sql after the run model (sql/gold/job_runs.sql).
-- Parameters (named markers): :catalog, :gold_schema.
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
  compute_kind            STRING    COMMENT 'classic | no_node_timeline | serverless',
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

-- Rightsizing signals over the last 30 days of finished, successful classic runs. Thresholds
-- are applied by the alert (sql/alerts/job_overprovisioned.sql, kind job_overprovisioned), per
-- environment. driver_minus_worker_cpu > 0 by a wide margin: driver-bound (the driver works,
-- the workers idle). A view body cannot hold parameter markers, so the statement is assembled
-- from the bound names and run with EXECUTE IMMEDIATE (as sql/gold/setup.sql does).
DECLARE OR REPLACE VARIABLE util_gold STRING;
SET VAR util_gold = '`' || replace(:catalog, '`', '``') || '`.`' || replace(:gold_schema, '`', '``') || '`.';
DECLARE OR REPLACE VARIABLE util_view_sql STRING;
SET VAR util_view_sql = 'CREATE OR REPLACE VIEW ' || util_gold || 'job_rightsizing AS '
  || 'SELECT workspace_id, job_id, count(DISTINCT run_id) AS runs, max(max_nodes) AS max_nodes, '
  || 'avg(avg_cpu_percent) AS avg_cpu_percent, max(peak_cpu_percent) AS peak_cpu_percent, '
  || 'avg(avg_mem_used_percent) AS avg_mem_used_percent, max(peak_mem_used_percent) AS peak_mem_used_percent, '
  || 'avg(driver_avg_cpu_percent) AS driver_avg_cpu_percent, '
  || 'avg(driver_avg_cpu_percent) - avg(avg_cpu_percent) AS driver_minus_worker_cpu, '
  || 'sum(CASE WHEN shared_with_runs > 0 THEN 1 ELSE 0 END) AS shared_runs, max(window_end) AS last_run_end '
  || 'FROM ' || util_gold || 'job_run_utilization '
  || 'WHERE compute_kind = \'classic\' AND outcome IN (\'succeeded\', \'repaired\') '
  || 'AND window_end > current_timestamp() - INTERVAL 30 DAYS '
  || 'GROUP BY workspace_id, job_id';
EXECUTE IMMEDIATE util_view_sql;
