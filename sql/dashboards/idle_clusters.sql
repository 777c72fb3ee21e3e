-- Cost / Rightsizing: idle stretches of classic clusters (gold cluster_idle_stretches, sql/gold/
-- utilization_setup.sql: at least observability.idleClusters.minMinutes consecutive minutes,
-- default 30, with every node under idleClusters.cpuPercent CPU, default 5 %, last 30 days of
-- node_timeline). One row per stretch; idle_node_minutes is what it wasted. The date
-- range keeps the stretches overlapping it. cluster_label names the cluster for a chart axis:
-- its name and id (names repeat: every job cluster of a job run has its own id), or the id alone
-- while bronze clusters has no row for it.
-- Deployment markers: :catalog, :gold_schema. Dashboard parameters: :date_range, :workspace_id.
SELECT
  workspace_id,
  cluster_id,
  cluster_name,
  owned_by,
  CASE WHEN cluster_name IS NULL THEN cluster_id ELSE concat(cluster_name, ' (', cluster_id, ')') END AS cluster_label,
  stretch_start,
  stretch_end,
  idle_minutes,
  max_nodes,
  min_nodes,
  idle_node_minutes,
  peak_cpu_percent
FROM IDENTIFIER(:catalog || '.' || :gold_schema || '.cluster_idle_stretches')
WHERE CAST(stretch_start AS DATE) <= :date_range.max
  AND CAST(stretch_end AS DATE) >= :date_range.min
  AND (:workspace_id = 'All' OR workspace_id = :workspace_id)
