-- Gold run model: tables and current-state views (idempotent: IF NOT EXISTS / OR REPLACE views).
-- The semantics of every column (repaired runs, outcome vocabulary, cost model) are stated once,
-- in the header of sql/gold/job_runs.sql; the refresh files are sql/gold/*.sql.
--
-- Parameters (Databricks SQL file task, named markers):
--   :catalog        catalog of the platform
--   :bronze_schema  bronze copies of the system tables (<registry name> + bronze_ingestion_timestamp)
--   :gold_schema    this model's schema
--
-- Money and DBU columns are DECIMAL like billing.usage.usage_quantity and
-- list_prices.pricing (https://docs.databricks.com/aws/en/admin/system-tables/billing,
-- https://docs.databricks.com/aws/en/admin/system-tables/pricing); dashboards CAST to DOUBLE.

CREATE TABLE IF NOT EXISTS IDENTIFIER(:catalog || '.' || :gold_schema || '.job_runs') (
  workspace_id         STRING    COMMENT 'job_id and run_id are unique only within a workspace',
  job_id               STRING,
  run_id               STRING,
  job_name             STRING    COMMENT 'Current name (jobs_current), else the run name',
  run_name             STRING,
  trigger_type         STRING,
  run_type             STRING,
  run_as               STRING    COMMENT 'run_as of the job (jobs_current); the timeline has none',
  first_start_time     TIMESTAMP COMMENT 'Start of the first slice of the first attempt',
  last_end_time        TIMESTAMP COMMENT 'End of the last slice of the latest attempt',
  run_date             DATE      COMMENT 'UTC date of last_end_time',
  execution_seconds    DOUBLE    COMMENT 'SUM(period_end_time - period_start_time) over the deduplicated slices of all attempts',
  attempts             INT       COMMENT 'Slices with a non-null result_state (the original run plus its repairs)',
  is_repaired          BOOLEAN   COMMENT 'attempts > 1',
  result_state         STRING    COMMENT 'Of the latest attempt; NULL while it runs',
  termination_code     STRING    COMMENT 'Of the latest attempt',
  first_failure_state  STRING    COMMENT 'result_state of the first attempt that ended FAILED, ERROR or TIMED_OUT',
  first_failure_code   STRING    COMMENT 'termination_code of that attempt',
  outcome              STRING    COMMENT 'succeeded | repaired | failed | timed_out | cancelled | skipped | running | other (sql/gold/job_runs.sql)',
  dbus                 DECIMAL(38,18) COMMENT 'DBUs billed to the run (billing.usage usage_metadata.job_run_id, usage_unit DBU)',
  usd                  DECIMAL(38,18) COMMENT 'dbus x pricing.effective_list.default in effect at usage_start_time',
  slices               BIGINT    COMMENT 'Deduplicated timeline slices',
  slices_ingested_at   TIMESTAMP COMMENT 'max(bronze_ingestion_timestamp) of the slices: the refresh watermark',
  usage_ingested_at    TIMESTAMP COMMENT 'max(bronze_ingestion_timestamp) of the usage records: the cost watermark',
  refreshed_at         TIMESTAMP
) COMMENT 'One row per job run (workspace_id, job_id, run_id), repair-aware (gold)';

CREATE TABLE IF NOT EXISTS IDENTIFIER(:catalog || '.' || :gold_schema || '.job_task_runs') (
  workspace_id         STRING,
  job_id               STRING,
  job_run_id           STRING    COMMENT 'The job run (job_runs.run_id)',
  task_key             STRING,
  task_run_id          STRING    COMMENT 'Task run of the latest attempt (a repair starts a new task run)',
  first_start_time     TIMESTAMP,
  last_end_time        TIMESTAMP,
  run_date             DATE,
  execution_seconds    DOUBLE,
  attempts             INT,
  is_repaired          BOOLEAN,
  result_state         STRING,
  termination_code     STRING,
  first_failure_state  STRING,
  first_failure_code   STRING,
  outcome              STRING,
  dbus                 DECIMAL(38,18) COMMENT 'NULL: billing.usage attributes usage to job runs, not to tasks',
  usd                  DECIMAL(38,18) COMMENT 'NULL, see dbus',
  slices               BIGINT,
  slices_ingested_at   TIMESTAMP,
  refreshed_at         TIMESTAMP
) COMMENT 'One row per task of a job run (workspace_id, job_id, job_run_id, task_key), repair-aware (gold)';

CREATE TABLE IF NOT EXISTS IDENTIFIER(:catalog || '.' || :gold_schema || '.pipeline_updates') (
  workspace_id         STRING,
  pipeline_id          STRING,
  update_id            STRING,
  pipeline_name        STRING    COMMENT 'Current name (pipelines_current)',
  update_type          STRING,
  trigger_type         STRING,
  run_as               STRING    COMMENT 'run_as_user_name of the update',
  job_id               STRING    COMMENT 'trigger_details.job_task.job_id when a job started the update',
  job_run_id           STRING    COMMENT 'trigger_details.job_task.job_task_run_id: the task run that started the update, not its parent job run',
  first_start_time     TIMESTAMP,
  last_end_time        TIMESTAMP,
  run_date             DATE,
  execution_seconds    DOUBLE,
  attempts             INT,
  is_repaired          BOOLEAN,
  result_state         STRING    COMMENT 'COMPLETED | FAILED | CANCELED; NULL while running',
  termination_code     STRING    COMMENT 'NULL: pipeline_update_timeline has no termination code',
  first_failure_state  STRING,
  first_failure_code   STRING,
  outcome              STRING,
  dbus                 DECIMAL(38,18) COMMENT 'usage_metadata.dlt_update_id',
  usd                  DECIMAL(38,18),
  slices               BIGINT,
  slices_ingested_at   TIMESTAMP,
  usage_ingested_at    TIMESTAMP,
  refreshed_at         TIMESTAMP
) COMMENT 'One row per pipeline update (workspace_id, pipeline_id, update_id) (gold)';

CREATE TABLE IF NOT EXISTS IDENTIFIER(:catalog || '.' || :gold_schema || '.usage_priced') (
  record_id               STRING    COMMENT 'billing.usage record_id (one row per record, bronze duplicates collapsed)',
  account_id              STRING,
  workspace_id            STRING,
  cloud                   STRING,
  sku_name                STRING,
  usage_date              DATE,
  usage_start_time        TIMESTAMP,
  usage_end_time          TIMESTAMP,
  usage_unit              STRING,
  usage_quantity          DECIMAL(38,18) COMMENT 'Negative for RETRACTION records',
  record_type             STRING    COMMENT 'ORIGINAL | RETRACTION | RESTATEMENT',
  billing_origin_product  STRING,
  custom_tags             MAP<STRING, STRING>,
  job_id                  STRING    COMMENT 'usage_metadata.job_id',
  job_run_id              STRING    COMMENT 'usage_metadata.job_run_id',
  dlt_pipeline_id         STRING,
  dlt_update_id           STRING,
  warehouse_id            STRING,
  endpoint_id             STRING,
  entity_type             STRING    COMMENT 'JOB | PIPELINE | WAREHOUSE | SERVING_ENDPOINT | OTHER',
  entity_id               STRING,
  unit_price              DECIMAL(38,18) COMMENT 'pricing.effective_list.default in effect at usage_start_time (USD)',
  usd                     DECIMAL(38,18) COMMENT 'usage_quantity x unit_price; NULL without a USD price',
  bronze_ingested_at      TIMESTAMP COMMENT 'The refresh watermark'
) COMMENT 'Billing usage records priced at the effective list price (gold; rule in sql/gold/usage_priced.sql)';

CREATE TABLE IF NOT EXISTS IDENTIFIER(:catalog || '.' || :gold_schema || '.daily_cost') (
  usage_date              DATE,
  workspace_id            STRING,
  sku_name                STRING,
  billing_origin_product  STRING,
  usage_unit              STRING,
  entity_type             STRING    COMMENT 'JOB | PIPELINE | WAREHOUSE | SERVING_ENDPOINT | OTHER',
  entity_id               STRING    COMMENT 'job_id, dlt_pipeline_id, warehouse_id, endpoint_id; NULL for OTHER',
  tags_key                STRING    COMMENT 'custom_tags as sorted JSON entries (maps cannot be grouped or joined on)',
  custom_tags             MAP<STRING, STRING>,
  usage_quantity          DECIMAL(38,18) COMMENT 'Net quantity in usage_unit (ORIGINAL + RETRACTION + RESTATEMENT)',
  dbus                    DECIMAL(38,18) COMMENT 'usage_quantity when usage_unit = DBU, else NULL',
  usd                     DECIMAL(38,18) COMMENT 'sum(usage_quantity x pricing.effective_list.default); NULL when no USD price',
  unpriced_records        BIGINT    COMMENT 'Records without a USD list price in effect',
  records                 BIGINT,
  usage_ingested_at       TIMESTAMP COMMENT 'max(bronze_ingested_at) of the records: the refresh watermark',
  refreshed_at            TIMESTAMP
) COMMENT 'Usage x effective list price per day, workspace, SKU, product, entity and tags (gold)';

CREATE TABLE IF NOT EXISTS IDENTIFIER(:catalog || '.' || :gold_schema || '.job_health_scores') (
  workspace_id           STRING    COMMENT 'Workspace of the job (job_id is unique only within a workspace)',
  job_id                 STRING,
  job_name               STRING    COMMENT 'Current name (jobs_current)',
  calculation_time       TIMESTAMP COMMENT 'End of the evaluated window (the as_of of the refresh)',
  window_days            INT,
  total_runs             BIGINT    COMMENT 'Finished runs counted by outcome: succeeded, repaired, failed, timed_out',
  successful_runs        BIGINT    COMMENT 'outcome succeeded or repaired (the latest attempt succeeded)',
  failed_runs            BIGINT,
  success_rate           DOUBLE    COMMENT '0..1',
  avg_duration_seconds   DOUBLE    COMMENT 'Mean execution_seconds of successful runs',
  duration_cv            DOUBLE    COMMENT 'Coefficient of variation (stddev_pop / mean) of successful execution seconds',
  performance_stability  DOUBLE    COMMENT '0..1 = greatest(0, 1 - duration_cv)',
  recent_success_rate    DOUBLE    COMMENT 'Success rate of the recent half of the window',
  older_success_rate     DOUBLE    COMMENT 'Success rate of the older half of the window',
  duration_change        DOUBLE    COMMENT '(recent mean - older mean) / older mean of successful execution seconds',
  trend                  STRING    COMMENT 'improving | stable | degrading',
  health_score           DOUBLE    COMMENT '0..100, formula in sql/analytics/job_health_scores.sql',
  repaired_runs          BIGINT    COMMENT 'Successful runs that needed a repair'
) COMMENT 'Job health scores per job and refresh, from job_runs (gold)';

CREATE TABLE IF NOT EXISTS IDENTIFIER(:catalog || '.' || :gold_schema || '.job_duration_anomalies') (
  workspace_id             STRING,
  job_id                   STRING,
  job_name                 STRING,
  run_id                   STRING,
  run_start_time           TIMESTAMP COMMENT 'job_runs.first_start_time',
  run_end_time             TIMESTAMP COMMENT 'job_runs.last_end_time',
  result_state             STRING,
  duration_seconds         DOUBLE    COMMENT 'job_runs.execution_seconds (time between a failure and its repair is not run time)',
  baseline_runs            BIGINT    COMMENT 'Successful runs of the job in the baseline period',
  baseline_median_seconds  DOUBLE,
  baseline_mad_seconds     DOUBLE    COMMENT 'Median absolute deviation of the baseline execution seconds',
  robust_z_score           DOUBLE    COMMENT '0.6745 * (duration - median) / MAD (MeanAD fallback when MAD = 0)',
  direction                STRING    COMMENT 'slower | faster',
  z_threshold              DOUBLE,
  detected_at              TIMESTAMP
) COMMENT 'Successful job runs whose execution time deviates from the job baseline (robust z-score, gold)';

CREATE TABLE IF NOT EXISTS IDENTIFIER(:catalog || '.' || :gold_schema || '.alert_history') (
  kind           STRING    COMMENT 'Alert kind = sql/alerts/<kind>.sql',
  alert_key      STRING    COMMENT 'What fired (alert_key of the query); (kind, alert_key) keys an episode',
  workspace_id   STRING,
  job_id         STRING,
  severity       STRING    COMMENT 'critical | high | medium | low',
  message        STRING    COMMENT 'Latest message of the episode',
  first_seen_at  TIMESTAMP COMMENT 'Evaluation that opened the episode',
  last_seen_at   TIMESTAMP COMMENT 'Latest evaluation the key fired in',
  resolved_at    TIMESTAMP COMMENT 'First evaluation the key no longer fired in; NULL while open',
  fire_count     BIGINT    COMMENT 'Evaluations the key fired in during this episode',
  last_notified_at TIMESTAMP COMMENT 'Latest evaluation that (re)notified: first fire, then once per retrigger interval',
  notify_count   BIGINT    COMMENT 'Notifications of this episode',
  channels_sent  ARRAY<STRING> COMMENT 'Subscribers of the alert (destinations, e-mails) notified in this episode',
  value          DOUBLE    COMMENT 'Latest value of the query'
) COMMENT 'Alert episodes by (kind, alert_key): one row per episode, updated while it keeps firing (gold)';

-- Current-state views over the SCD2 tables: the latest row per key by change_time (bronze
-- duplicates: latest ingestion wins), with is_deleted = delete_time IS NOT NULL
-- (https://docs.databricks.com/aws/en/admin/system-tables/jobs "Get the most recent version
-- of a job"; https://docs.databricks.com/aws/en/admin/system-tables/compute). A view body cannot
-- hold parameter markers, so the statement is assembled with the bound names and run with
-- EXECUTE IMMEDIATE.
DECLARE OR REPLACE VARIABLE gold_bronze STRING;
SET VAR gold_bronze = '`' || replace(:catalog, '`', '``') || '`.`' || replace(:bronze_schema, '`', '``') || '`.';
DECLARE OR REPLACE VARIABLE gold_target STRING;
SET VAR gold_target = '`' || replace(:catalog, '`', '``') || '`.`' || replace(:gold_schema, '`', '``') || '`.';
DECLARE OR REPLACE VARIABLE gold_view_sql STRING;

SET VAR gold_view_sql = 'CREATE OR REPLACE VIEW ' || gold_target || 'jobs_current AS '
  || 'SELECT * EXCEPT (rn), delete_time IS NOT NULL AS is_deleted FROM ('
  || 'SELECT j.*, row_number() OVER (PARTITION BY workspace_id, job_id '
  || 'ORDER BY change_time DESC, bronze_ingestion_timestamp DESC) AS rn FROM ' || gold_bronze || 'jobs AS j) '
  || 'WHERE rn = 1';
EXECUTE IMMEDIATE gold_view_sql;

SET VAR gold_view_sql = 'CREATE OR REPLACE VIEW ' || gold_target || 'pipelines_current AS '
  || 'SELECT * EXCEPT (rn), delete_time IS NOT NULL AS is_deleted FROM ('
  || 'SELECT p.*, row_number() OVER (PARTITION BY workspace_id, pipeline_id '
  || 'ORDER BY change_time DESC, bronze_ingestion_timestamp DESC) AS rn FROM ' || gold_bronze || 'pipelines AS p) '
  || 'WHERE rn = 1';
EXECUTE IMMEDIATE gold_view_sql;

SET VAR gold_view_sql = 'CREATE OR REPLACE VIEW ' || gold_target || 'clusters_current AS '
  || 'SELECT * EXCEPT (rn), delete_time IS NOT NULL AS is_deleted FROM ('
  || 'SELECT c.*, row_number() OVER (PARTITION BY workspace_id, cluster_id '
  || 'ORDER BY change_time DESC, bronze_ingestion_timestamp DESC) AS rn FROM ' || gold_bronze || 'clusters AS c) '
  || 'WHERE rn = 1';
EXECUTE IMMEDIATE gold_view_sql;

SET VAR gold_view_sql = 'CREATE OR REPLACE VIEW ' || gold_target || 'warehouses_current AS '
  || 'SELECT * EXCEPT (rn), delete_time IS NOT NULL AS is_deleted FROM ('
  || 'SELECT w.*, row_number() OVER (PARTITION BY workspace_id, warehouse_id '
  || 'ORDER BY change_time DESC, bronze_ingestion_timestamp DESC) AS rn FROM ' || gold_bronze || 'warehouses AS w) '
  || 'WHERE rn = 1';
EXECUTE IMMEDIATE gold_view_sql;
