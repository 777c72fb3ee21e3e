-- ETL processes: latest attempt of every task with its duration and SLA breach flag (v_taskDetail).
-- Deployment markers: :catalog, :etl_schema. Dashboard parameter: :date_range.
SELECT
  ExecutionID, ProjectCode, ProcessLoad, ProcessingDate, SequenceID, SequenceCode, TaskID,
  TaskName, SourceType, TaskMandatory, Status, AttemptNumber, StartTime, EndTime,
  DurationMinutes, SLAMinutes, SLABreached,
  CASE WHEN SLABreached THEN 1 ELSE 0 END AS SLABreachCount
FROM IDENTIFIER(:catalog || '.' || :etl_schema || '.v_taskDetail')
WHERE IsLatestAttempt
  AND ProcessingDate BETWEEN :date_range.min AND :date_range.max
