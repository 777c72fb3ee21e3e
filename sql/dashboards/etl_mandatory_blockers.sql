-- ETL processes: mandatory failed tasks blocking later sequences (v_mandatoryBlockers).
-- Deployment markers: :catalog, :etl_schema. Dashboard parameter: :date_range.
SELECT
  ExecutionID, ProjectCode, ProcessLoad, ProcessingDate, SequenceID, SequenceCode, TaskID,
  TaskName, SourceType, AttemptNumber, BlockedTasks, ErrorMessage, EndTime
FROM IDENTIFIER(:catalog || '.' || :etl_schema || '.v_mandatoryBlockers')
WHERE ProcessingDate BETWEEN :date_range.min AND :date_range.max
