-- Cost: the ten most expensive entities of one type (instantiated per type: JOB, WAREHOUSE,
-- SERVING_ENDPOINT). Jobs are labelled with their latest name from job_runs.
-- Deployment markers: :catalog, :gold_schema, :entity_type. Dashboard parameters: :date_range,
-- :workspace_id.
WITH cost AS (
  SELECT workspace_id, entity_id,
         CAST(SUM(COALESCE(usd, 0)) AS DOUBLE) AS usd,
         CAST(SUM(COALESCE(dbus, 0)) AS DOUBLE) AS dbus
  FROM IDENTIFIER(:catalog || '.' || :gold_schema || '.daily_cost')
  WHERE entity_type = :entity_type
    AND usage_date BETWEEN :date_range.min AND :date_range.max
    AND (:workspace_id = 'All' OR workspace_id = :workspace_id)
  GROUP BY workspace_id, entity_id
),
job_names AS (
  SELECT workspace_id, job_id, max_by(job_name, last_end_time) AS job_name
  FROM IDENTIFIER(:catalog || '.' || :gold_schema || '.job_runs')
  GROUP BY workspace_id, job_id
),
ranked AS (
  SELECT c.*, COALESCE(n.job_name, c.entity_id, 'unattributed') AS entity_name,
         row_number() OVER (ORDER BY c.usd DESC) AS cost_rank
  FROM cost AS c
  LEFT JOIN job_names AS n
    ON :entity_type = 'JOB' AND n.workspace_id = c.workspace_id AND n.job_id = c.entity_id
)
SELECT workspace_id, entity_id, entity_name, usd, dbus, cost_rank
FROM ranked
WHERE cost_rank <= 10
