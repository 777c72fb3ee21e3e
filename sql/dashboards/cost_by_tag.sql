-- Cost: list-price USD by custom tag (key=value); usage without tags counts under '(untagged)'.
-- A record with several tags counts under each of them, so the tags do not add up to the total.
-- Deployment markers: :catalog, :gold_schema. Dashboard parameters: :date_range, :workspace_id.
SELECT
  COALESCE(t.tag_key || '=' || t.tag_value, '(untagged)') AS tag,
  COALESCE(t.tag_key, '(untagged)') AS tag_key,
  CAST(SUM(COALESCE(c.usd, 0)) AS DOUBLE) AS usd
FROM IDENTIFIER(:catalog || '.' || :gold_schema || '.daily_cost') AS c
LATERAL VIEW OUTER explode(c.custom_tags) t AS tag_key, tag_value
WHERE c.usage_date BETWEEN :date_range.min AND :date_range.max
  AND (:workspace_id = 'All' OR c.workspace_id = :workspace_id)
GROUP BY 1, 2
