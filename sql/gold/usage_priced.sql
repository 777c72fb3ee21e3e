-- Gold usage_priced: every billing usage record once, priced at the effective list price. The one
-- place the cost rule lives; job_runs, pipeline_updates and daily_cost read this table.
--
-- Parameters (named markers; strings): :catalog, :bronze_schema, :gold_schema,
--   :lookback_hours  re-read bronze rows ingested this long before the watermark, e.g. '24'
--
-- Cost rule (https://docs.databricks.com/aws/en/admin/system-tables/pricing and
-- https://docs.databricks.com/aws/en/admin/system-tables/billing):
--   * price = list_prices.pricing.effective_list.default: "resolves list and promotional
--     prices and contains the effective list price used to calculate the cost"; `default` is
--     for simple long-term estimates and is used only where a price row has no effective_list.
--   * the price row is the one of the record's sku_name, cloud and usage_unit in USD that is in
--     effect at usage_start_time: price_start_time <= usage_start_time < price_end_time
--     (NULL end = still in effect), so a price change mid-day prices each hour correctly.
--   * usd = usage_quantity x price; NULL when no USD price is in effect (counted, never guessed).
--   * correction records (billing "Record type reference"): record_type ORIGINAL,
--     RETRACTION (negative usage_quantity cancelling an earlier record) and RESTATEMENT (the
--     corrected quantity) are all kept as records: summing usage_quantity over them yields the
--     corrected usage, so every aggregate here SUMs and never filters on record_type.
--   * bronze duplicates (a stream re-delivering a record) collapse on record_id: the latest
--     bronze_ingestion_timestamp wins.
--   * entity: JOB (usage_metadata.job_id), PIPELINE (dlt_pipeline_id), WAREHOUSE
--     (warehouse_id), SERVING_ENDPOINT (endpoint_id), else OTHER.
--
-- Incremental refresh and its cost model: the watermark is max(bronze_ingested_at) already in
-- this table; a refresh reads only bronze usage rows ingested after watermark - lookback_hours
-- (data skipping on bronze_ingestion_timestamp) plus the list_prices table (small), and MERGEs
-- them by record_id. The lookback re-reads rows a concurrent stream commit may have stamped
-- before the previous refresh but committed after it; unchanged rows are not rewritten.
-- Cost: O(rows ingested since the last refresh + lookback), independent of history.

-- A MERGE cannot read its own target: the watermark first, into a session variable.
DECLARE OR REPLACE VARIABLE usage_priced_from TIMESTAMP;
SET VAR usage_priced_from = (
  SELECT COALESCE(max(bronze_ingested_at), TIMESTAMP '1970-01-01 00:00:00') - make_dt_interval(0, CAST(:lookback_hours AS INT))
  FROM IDENTIFIER(:catalog || '.' || :gold_schema || '.usage_priced')
);

MERGE INTO IDENTIFIER(:catalog || '.' || :gold_schema || '.usage_priced') AS t
USING (
  WITH
  fresh AS (
    SELECT *
    FROM (
      SELECT u.*,
             row_number() OVER (PARTITION BY u.record_id ORDER BY u.bronze_ingestion_timestamp DESC) AS rn
      FROM IDENTIFIER(:catalog || '.' || :bronze_schema || '.usage') AS u
      WHERE u.bronze_ingestion_timestamp > usage_priced_from
    )
    WHERE rn = 1
  ),
  prices AS (
    SELECT sku_name, cloud, usage_unit, price_start_time, price_end_time,
           COALESCE(pricing.effective_list.`default`, pricing.`default`) AS unit_price
    FROM (
      SELECT p.*,
             row_number() OVER (PARTITION BY sku_name, cloud, currency_code, usage_unit, price_start_time
                                ORDER BY bronze_ingestion_timestamp DESC) AS rn
      FROM IDENTIFIER(:catalog || '.' || :bronze_schema || '.list_prices') AS p
      WHERE currency_code = 'USD'
    )
    WHERE rn = 1
  ),
  priced AS (
    SELECT
      f.record_id,
      f.account_id,
      f.workspace_id,
      f.cloud,
      f.sku_name,
      f.usage_date,
      f.usage_start_time,
      f.usage_end_time,
      f.usage_unit,
      f.usage_quantity,
      f.record_type,
      f.billing_origin_product,
      f.custom_tags,
      f.usage_metadata.job_id AS job_id,
      f.usage_metadata.job_run_id AS job_run_id,
      f.usage_metadata.dlt_pipeline_id AS dlt_pipeline_id,
      f.usage_metadata.dlt_update_id AS dlt_update_id,
      f.usage_metadata.warehouse_id AS warehouse_id,
      f.usage_metadata.endpoint_id AS endpoint_id,
      CASE
        WHEN f.usage_metadata.job_id IS NOT NULL THEN 'JOB'
        WHEN f.usage_metadata.dlt_pipeline_id IS NOT NULL THEN 'PIPELINE'
        WHEN f.usage_metadata.warehouse_id IS NOT NULL THEN 'WAREHOUSE'
        WHEN f.usage_metadata.endpoint_id IS NOT NULL THEN 'SERVING_ENDPOINT'
        ELSE 'OTHER'
      END AS entity_type,
      COALESCE(f.usage_metadata.job_id, f.usage_metadata.dlt_pipeline_id, f.usage_metadata.warehouse_id,
               f.usage_metadata.endpoint_id) AS entity_id,
      CAST(p.unit_price AS DECIMAL(38,18)) AS unit_price,
      CAST(f.usage_quantity * p.unit_price AS DECIMAL(38,18)) AS usd,
      f.bronze_ingestion_timestamp AS bronze_ingested_at,
      -- overlapping price rows must not duplicate a record: the latest-starting one wins
      row_number() OVER (PARTITION BY f.record_id ORDER BY p.price_start_time DESC) AS price_rn
    FROM fresh AS f
    LEFT JOIN prices AS p
      ON p.sku_name = f.sku_name AND p.cloud = f.cloud AND p.usage_unit = f.usage_unit
     AND f.usage_start_time >= p.price_start_time
     AND (p.price_end_time IS NULL OR f.usage_start_time < p.price_end_time)
  )
  SELECT * EXCEPT (price_rn) FROM priced WHERE price_rn = 1
) AS s
ON t.record_id = s.record_id
WHEN MATCHED AND NOT (t.bronze_ingested_at <=> s.bronze_ingested_at AND t.unit_price <=> s.unit_price) THEN UPDATE SET *
WHEN NOT MATCHED THEN INSERT *;
