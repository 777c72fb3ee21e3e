-- Platform health: freshness of one bronze table (the dashboard unions this query over every
-- table of sql/registry/system_tables.json). Freshness is "now", so no date or workspace filter.
-- Deployment markers: :catalog, :bronze_schema, :bronze_table, :domain.
SELECT
  :bronze_table AS table_name,
  :domain AS domain,
  MAX(bronze_ingestion_timestamp) AS last_ingested_at,
  -- -1 = the table has never been ingested (empty)
  COALESCE(
    (unix_timestamp(current_timestamp()) - unix_timestamp(MAX(bronze_ingestion_timestamp))) / 3600.0,
    -1.0) AS hours_since_ingestion
FROM IDENTIFIER(:catalog || '.' || :bronze_schema || '.' || :bronze_table)
