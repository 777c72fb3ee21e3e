-- Alert kind bronze_ingestion_stale: bronze tables with no new rows for :threshold hours
-- (e.g. 36), judged by max(bronze_ingestion_timestamp). An empty table is stale too.
-- Checked: the append-only streaming tables that always receive rows while the platform runs
-- (its own orchestrator produces job runs; billing usage accrues every day). MERGE and SCD
-- tables (list_prices, jobs, ...) legitimately go days without changes and are not checked.
-- Parameters (named markers): :catalog, :bronze_schema, :threshold.
WITH freshness AS (
  SELECT 'job_run_timeline' AS table_name, max(bronze_ingestion_timestamp) AS last_ingested
  FROM IDENTIFIER(:catalog || '.' || :bronze_schema || '.job_run_timeline')
  UNION ALL
  SELECT 'job_task_run_timeline', max(bronze_ingestion_timestamp)
  FROM IDENTIFIER(:catalog || '.' || :bronze_schema || '.job_task_run_timeline')
  UNION ALL
  SELECT 'usage', max(bronze_ingestion_timestamp)
  FROM IDENTIFIER(:catalog || '.' || :bronze_schema || '.usage')
)
SELECT
  table_name AS alert_key,
  CAST(NULL AS STRING) AS workspace_id,
  CAST(NULL AS STRING) AS job_id,
  'high' AS severity,
  concat('Bronze table ', table_name, ' has no new rows since ',
         COALESCE(date_format(last_ingested, 'yyyy-MM-dd HH:mm:ss'), 'ever')) AS message,
  CAST((unix_timestamp(current_timestamp()) - unix_timestamp(last_ingested)) / 3600.0 AS DOUBLE) AS value
FROM freshness
WHERE last_ingested IS NULL
   OR last_ingested < current_timestamp() - make_dt_interval(0, CAST(:threshold AS INT))
ORDER BY table_name;
