-- ETL processes: run-level rollup per execution and attempt (v_runSummary).
-- Deployment markers: :catalog, :etl_schema. Dashboard parameter: :date_range.
SELECT
  ExecutionID, ProjectCode, ProcessLoad, ProcessingDate, AttemptNumber,
  TotalTasks, NqueTasks, RqueTasks, DoneTasks, FailTasks, SLABreachedTasks,
  StartTime, EndTime,
  (unix_timestamp(EndTime) - unix_timestamp(StartTime)) / 60.0 AS DurationMinutes
FROM IDENTIFIER(:catalog || '.' || :etl_schema || '.v_runSummary')
WHERE ProcessingDate BETWEEN :date_range.min AND :date_range.max
