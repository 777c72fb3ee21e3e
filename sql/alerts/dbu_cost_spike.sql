-- Alert kind dbu_cost_spike: a workspace whose DBU cost yesterday (USD at the effective list
-- price) rose by at least :threshold percent (e.g. 50) over the day before. One row per
-- workspace that spiked; no row = OK.
-- Cost: gold daily_cost, usage_unit DBU (cost rule, correction records and deduplication in
-- sql/gold/usage_priced.sql: usage x pricing.effective_list.default in effect at
-- usage_start_time). A day-before cost of 0 gives no verdict.
-- Parameters (named markers): :catalog, :gold_schema, :threshold.
WITH daily AS (
  SELECT workspace_id, usage_date, sum(usd) AS cost
  FROM IDENTIFIER(:catalog || '.' || :gold_schema || '.daily_cost')
  WHERE usage_unit = 'DBU'
    AND usage_date BETWEEN date_sub(current_date(), 2) AND date_sub(current_date(), 1)
  GROUP BY workspace_id, usage_date
),
compared AS (
  SELECT
    workspace_id,
    CAST(COALESCE(max(CASE WHEN usage_date = date_sub(current_date(), 1) THEN cost END), 0) AS DOUBLE) AS cost_yesterday,
    CAST(max(CASE WHEN usage_date = date_sub(current_date(), 2) THEN cost END) AS DOUBLE) AS cost_day_before
  FROM daily
  GROUP BY workspace_id
)
SELECT
  workspace_id || '/' || CAST(date_sub(current_date(), 1) AS STRING) AS alert_key,
  workspace_id,
  CAST(NULL AS STRING) AS job_id,
  'medium' AS severity,
  concat('Workspace ', workspace_id, ': DBU cost ', format_number(cost_yesterday, 2), ' USD on ',
         date_sub(current_date(), 1), ' vs ', format_number(cost_day_before, 2), ' USD the day before (+',
         round((cost_yesterday - cost_day_before) * 100 / cost_day_before, 1), ' %)') AS message,
  (cost_yesterday - cost_day_before) * 100 / cost_day_before AS value
FROM compared
WHERE cost_day_before > 0
  AND (cost_yesterday - cost_day_before) * 100 / cost_day_before >= CAST(:threshold AS DOUBLE)
ORDER BY value DESC;
