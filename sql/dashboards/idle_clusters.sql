-- Cost / Rightsizing: idle stretches of classic clusters (gold cluster_idle_stretches, sql/gold/
-- utilization_setup.sql: at least observability.idleClusters.minMinutes consecutive minutes,
-- default 30, with every node under idleClusters.cpuPercent CPU, default 5 %, last 30 days of
-- node_timeline). One row per stretch; idle_node_minutes is what it wasted. The date
-- range keeps the stretches overlapping it.
-- Deployment markers: :catalog, :gold_schema. Dashboard parameters: :date_range, :workspace_id.
SELECT
  workspace_id,
  cluster_id,
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
