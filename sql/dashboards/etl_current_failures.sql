-- ETL processes: failed tasks, latest attempt (v_currentFailures).
-- Deployment markers: :catalog, :etl_schema. Dashboard parameter: :date_range.
SELECT
  ExecutionID, ProjectCode, ProcessLoad, ProcessingDate, SequenceCode, TaskID, TaskName,
  SourceType, TaskMandatory, AttemptNumber, RunID, ErrorMessage, EndTime
FROM IDENTIFIER(:catalog || '.' || :etl_schema || '.v_currentFailures')
WHERE ProcessingDate BETWEEN :date_range.min AND :date_range.max
