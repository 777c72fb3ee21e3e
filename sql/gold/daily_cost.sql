-- Gold daily_cost: usage x effective list price per usage_date, workspace, SKU, billing origin
-- product, usage unit, entity (JOB | PIPELINE | WAREHOUSE | SERVING_ENDPOINT | OTHER, with its
-- id) and custom tags, from gold usage_priced (cost rule, correction records and deduplication:
-- sql/gold/usage_priced.sql; billing reference https://docs.databricks.com/aws/en/admin/system-tables/billing).
-- Correction records (RETRACTION with negative usage_quantity, RESTATEMENT) are summed with
-- the originals of their usage_date, so a day's row always shows the corrected total.
--
-- Parameters (named markers; strings): :catalog, :gold_schema, :lookback_hours
--
-- Incremental refresh and its cost model: affected days = usage_date of the usage_priced
-- records ingested after max(daily_cost.usage_ingested_at) - lookback_hours (a correction for
-- an old day makes that day affected). Only affected days are recomputed, from their
-- usage_priced records, and MERGEd by the grain; a group that no longer exists on an affected
-- day (its records were restated under other tags) is deleted. Unchanged groups are not
-- rewritten. Cost: O(usage records of the affected days). A full rebuild: DELETE FROM the
-- table (the watermark restarts at the beginning).

-- A MERGE cannot read its own target: the watermark and the affected days first.
DECLARE OR REPLACE VARIABLE daily_cost_from TIMESTAMP;
SET VAR daily_cost_from = (
  SELECT COALESCE(max(usage_ingested_at), TIMESTAMP '1970-01-01 00:00:00') - make_dt_interval(0, CAST(:lookback_hours AS INT))
  FROM IDENTIFIER(:catalog || '.' || :gold_schema || '.daily_cost')
);
DECLARE OR REPLACE VARIABLE daily_cost_days ARRAY<DATE>;
SET VAR daily_cost_days = (
  SELECT COALESCE(collect_set(usage_date), array())
  FROM IDENTIFIER(:catalog || '.' || :gold_schema || '.usage_priced')
  WHERE bronze_ingested_at > daily_cost_from
);

MERGE INTO IDENTIFIER(:catalog || '.' || :gold_schema || '.daily_cost') AS t
USING (
  WITH affected_days AS (
    SELECT explode(daily_cost_days) AS usage_date
  ),
  records AS (
    SELECT u.*, to_json(array_sort(map_entries(COALESCE(u.custom_tags, map())))) AS tags_key
    FROM IDENTIFIER(:catalog || '.' || :gold_schema || '.usage_priced') AS u
    LEFT SEMI JOIN affected_days AS d ON d.usage_date = u.usage_date
  ),
  recomputed AS (
    SELECT
      usage_date, workspace_id, sku_name, billing_origin_product, usage_unit, entity_type, entity_id, tags_key,
      any_value(custom_tags) AS custom_tags,
      CAST(sum(usage_quantity) AS DECIMAL(38,18)) AS usage_quantity,
      CAST(CASE WHEN usage_unit = 'DBU' THEN sum(usage_quantity) END AS DECIMAL(38,18)) AS dbus,
      CAST(sum(usd) AS DECIMAL(38,18)) AS usd,
      count_if(unit_price IS NULL) AS unpriced_records,
      count(*) AS records,
      max(bronze_ingested_at) AS usage_ingested_at
    FROM records
    GROUP BY usage_date, workspace_id, sku_name, billing_origin_product, usage_unit, entity_type, entity_id, tags_key
  )
  SELECT *, current_timestamp() AS refreshed_at FROM recomputed
) AS s
ON t.usage_date = s.usage_date AND t.workspace_id <=> s.workspace_id AND t.sku_name <=> s.sku_name
   AND t.billing_origin_product <=> s.billing_origin_product AND t.usage_unit <=> s.usage_unit
   AND t.entity_type <=> s.entity_type AND t.entity_id <=> s.entity_id AND t.tags_key <=> s.tags_key
WHEN MATCHED AND NOT (
      t.usage_quantity <=> s.usage_quantity AND t.usd <=> s.usd AND t.records <=> s.records
  AND t.usage_ingested_at <=> s.usage_ingested_at)
  THEN UPDATE SET
    t.custom_tags = s.custom_tags, t.usage_quantity = s.usage_quantity, t.dbus = s.dbus, t.usd = s.usd,
    t.unpriced_records = s.unpriced_records, t.records = s.records, t.usage_ingested_at = s.usage_ingested_at,
    t.refreshed_at = s.refreshed_at
WHEN NOT MATCHED THEN INSERT
  (usage_date, workspace_id, sku_name, billing_origin_product, usage_unit, entity_type, entity_id, tags_key,
   custom_tags, usage_quantity, dbus, usd, unpriced_records, records, usage_ingested_at, refreshed_at)
  VALUES (s.usage_date, s.workspace_id, s.sku_name, s.billing_origin_product, s.usage_unit, s.entity_type,
          s.entity_id, s.tags_key, s.custom_tags, s.usage_quantity, s.dbus, s.usd, s.unpriced_records, s.records,
          s.usage_ingested_at, s.refreshed_at)
WHEN NOT MATCHED BY SOURCE AND array_contains(daily_cost_days, t.usage_date) THEN DELETE;
