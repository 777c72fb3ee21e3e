-- Cost: daily list-price USD and DBUs by workspace, product, SKU and entity type (gold
-- daily_cost; DECIMAL money cast to DOUBLE for the charts).
-- Deployment markers: :catalog, :gold_schema. Dashboard parameters: :date_range, :workspace_id.
SELECT
  usage_date,
  workspace_id,
  billing_origin_product,
  sku_name,
  entity_type,
  CAST(SUM(COALESCE(usd, 0)) AS DOUBLE) AS usd,
  CAST(SUM(COALESCE(dbus, 0)) AS DOUBLE) AS dbus
FROM IDENTIFIER(:catalog || '.' || :gold_schema || '.daily_cost')
WHERE usage_date BETWEEN :date_range.min AND :date_range.max
  AND (:workspace_id = 'All' OR workspace_id = :workspace_id)
GROUP BY usage_date, workspace_id, billing_origin_product, sku_name, entity_type
