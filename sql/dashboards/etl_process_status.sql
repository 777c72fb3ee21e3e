-- ETL processes: live status per process and processing date (v_processStatus of
-- sql/etl_monitor/setup.sql: latest execution, latest attempts). The ETL monitor has no
-- workspace: only the date range applies.
-- Deployment markers: :catalog, :etl_schema. Dashboard parameter: :date_range.
SELECT
  ProjectCode, ProcessLoad, COALESCE(ProcessName, ProcessLoad) AS ProcessName, ProcessOwner,
  ProcessingDate, ExecutionID, ProcessStatus,
  TotalTasks, DoneTasks, FailedTasks, PendingTasks, MandatoryBlockers, SLABreaches,
  StartTime, EndTime, LastUpdated
FROM IDENTIFIER(:catalog || '.' || :etl_schema || '.v_processStatus')
WHERE ProcessingDate BETWEEN :date_range.min AND :date_range.max
