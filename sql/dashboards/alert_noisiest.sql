-- Alerts: the alert keys that fired most often in the date range (episodes opened in it).
-- Deployment markers: :catalog, :gold_schema. Dashboard parameters: :date_range, :workspace_id.
SELECT
  kind,
  alert_key,
  kind || ': ' || alert_key AS alert,
  max_by(severity, first_seen_at) AS severity,
  COUNT(*) AS episodes,
  SUM(fire_count) AS fires,
  SUM(COALESCE(notify_count, 0)) AS notifications,
  MAX(last_seen_at) AS last_seen_at,
  COUNT_IF(resolved_at IS NULL) AS open_episodes
FROM IDENTIFIER(:catalog || '.' || :gold_schema || '.alert_history')
WHERE CAST(first_seen_at AS DATE) BETWEEN :date_range.min AND :date_range.max
  AND (:workspace_id = 'All' OR workspace_id = :workspace_id)
GROUP BY kind, alert_key
