-- Alert kind dbu_cost_spike: yesterday's DBU list cost rose by at least :threshold percent
-- (e.g. 50) over the day before. One row when it did; no row = OK.
-- Cost = billing usage (usage_unit = 'DBU'; MILLISECOND/GB rows are not DBUs) x the USD list
-- price of the SKU in effect at usage_start_time. RETRACTION/RESTATEMENT records are summed
-- as they come (their quantities correct the originals). Bronze usage is deduplicated by
-- record_id. A day-before cost of 0 gives no verdict.
-- Parameters (named markers): :catalog, :bronze_schema, :threshold.
WITH usage AS (
  SELECT *
  FROM (
    SELECT u.*, row_number() OVER (PARTITION BY record_id ORDER BY bronze_ingestion_timestamp DESC) AS rn
    FROM IDENTIFIER(:catalog || '.' || :bronze_schema || '.usage') AS u
    WHERE usage_unit = 'DBU'
      AND usage_date BETWEEN date_sub(current_date(), 2) AND date_sub(current_date(), 1)
  )
  WHERE rn = 1
),
daily AS (
  SELECT u.usage_date, sum(u.usage_quantity * p.pricing.`default`) AS cost
  FROM usage AS u
  JOIN IDENTIFIER(:catalog || '.' || :bronze_schema || '.list_prices') AS p
    ON p.sku_name = u.sku_name AND p.cloud = u.cloud AND p.usage_unit = u.usage_unit
   AND p.currency_code = 'USD'
   AND u.usage_start_time >= p.price_start_time
   AND (p.price_end_time IS NULL OR u.usage_start_time < p.price_end_time)
  GROUP BY u.usage_date
),
compared AS (
  SELECT
    COALESCE(max(CASE WHEN usage_date = date_sub(current_date(), 1) THEN cost END), 0) AS cost_yesterday,
    max(CASE WHEN usage_date = date_sub(current_date(), 2) THEN cost END) AS cost_day_before
  FROM daily
)
SELECT
  CAST(date_sub(current_date(), 1) AS STRING) AS alert_key,
  CAST(NULL AS STRING) AS job_id,
  'medium' AS severity,
  concat('DBU list cost ', round(cost_yesterday, 2), ' USD on ', date_sub(current_date(), 1), ' vs ',
         round(cost_day_before, 2), ' USD the day before (+',
         round((cost_yesterday - cost_day_before) * 100 / cost_day_before, 1), ' %)') AS message,
  CAST((cost_yesterday - cost_day_before) * 100 / cost_day_before AS DOUBLE) AS value
FROM compared
WHERE cost_day_before > 0
  AND (cost_yesterday - cost_day_before) * 100 / cost_day_before >= CAST(:threshold AS DOUBLE);
