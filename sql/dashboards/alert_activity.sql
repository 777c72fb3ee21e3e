-- Alerts: episodes opened (fired) and closed (resolved) per day, alert kind and notification
-- channel (gold alert_history: one row per episode; an episode without channels counts as
-- '(none)'; an episode sent to two channels counts once per channel).
-- Deployment markers: :catalog, :gold_schema. Dashboard parameters: :date_range, :workspace_id.
WITH episodes AS (
  SELECT h.kind, h.severity, h.first_seen_at, h.resolved_at, COALESCE(ch.channel, '(none)') AS channel
  FROM IDENTIFIER(:catalog || '.' || :gold_schema || '.alert_history') AS h
  LATERAL VIEW OUTER explode(h.channels_sent) ch AS channel
  WHERE (:workspace_id = 'All' OR h.workspace_id = :workspace_id)
),
events AS (
  SELECT CAST(first_seen_at AS DATE) AS event_date, 'fired' AS event, kind, severity, channel FROM episodes
  UNION ALL
  SELECT CAST(resolved_at AS DATE), 'resolved', kind, severity, channel FROM episodes WHERE resolved_at IS NOT NULL
)
SELECT event_date, event, kind, severity, channel, COUNT(*) AS episodes
FROM events
WHERE event_date BETWEEN :date_range.min AND :date_range.max
GROUP BY event_date, event, kind, severity, channel
