-- ETL processes: current watermark of every parameter with its resolved ActiveValue
-- (v_watermarks). Watermarks are current state: no date filter.
-- Deployment markers: :catalog, :etl_schema.
SELECT
  ProjectCode, ProcessLoad, ParameterName, ParameterType, ActiveValue, IsBulkMode, UpdatedAt,
  (unix_timestamp(current_timestamp()) - unix_timestamp(UpdatedAt)) / 3600.0 AS HoursSinceUpdate
FROM IDENTIFIER(:catalog || '.' || :etl_schema || '.v_watermarks')
