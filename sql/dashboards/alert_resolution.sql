-- Alerts: time from the first firing evaluation to the first evaluation it no longer fired in,
-- per episode (open episodes have no resolution time and are counted as open).
-- Deployment markers: :catalog, :gold_schema. Dashboard parameters: :date_range, :workspace_id.
SELECT
  kind,
  severity,
  alert_key,
  first_seen_at,
  resolved_at,
  CASE WHEN resolved_at IS NOT NULL
       THEN (unix_timestamp(resolved_at) - unix_timestamp(first_seen_at)) / 60.0 END AS minutes_to_resolve,
  CASE WHEN resolved_at IS NULL THEN 1 ELSE 0 END AS is_open
FROM IDENTIFIER(:catalog || '.' || :gold_schema || '.alert_history')
WHERE CAST(first_seen_at AS DATE) BETWEEN :date_range.min AND :date_range.max
  AND (:workspace_id = 'All' OR workspace_id = :workspace_id)
