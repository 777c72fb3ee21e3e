-- Generates the NQUE steps of one execution: one row per active task of the process
-- (p_ETLProcessingSteps GenerateMode=1 / generate_execution_steps()). Task name, source type,
-- mandatory flag and SLA are snapshotted so history stays accurate when the catalogue changes.
-- Idempotent: steps that already exist for the execution are left alone.
-- Executed as-is by ETLMonitorFramework.generate_execution_steps() (notebooks/lib/etl_monitor),
-- which first checks the process, its active tasks and that the ExecutionID is not used by
-- another process or date. The ON clause names the partition (ProcessingDate) so the MERGE
-- only reads that partition: runs of other dates never conflict with it.
--
-- Parameters (named markers): :catalog, :etl_schema, :execution_id, :project_code,
--   :process_load, :processing_date ('yyyy-MM-dd')

MERGE INTO IDENTIFIER(:catalog || '.' || :etl_schema || '.ETLProcessingSteps') AS t
USING (
  SELECT
    :execution_id AS ExecutionID,
    k.ProjectCode,
    k.ProcessLoad,
    CAST(:processing_date AS DATE) AS ProcessingDate,
    k.TaskID,
    k.WorkFlowID,
    k.SequenceID,
    k.TaskName,
    k.SourceType,
    k.TaskMandatory,
    k.SLAMinutes
  FROM IDENTIFIER(:catalog || '.' || :etl_schema || '.ETLconfigTasks') AS k
  WHERE k.ProjectCode = :project_code AND k.ProcessLoad = :process_load AND k.IsActive
) AS s
ON t.ProcessingDate = CAST(:processing_date AS DATE)
   AND t.ExecutionID = s.ExecutionID AND t.TaskID = s.TaskID AND t.WorkFlowID = s.WorkFlowID
WHEN NOT MATCHED THEN INSERT (
  ExecutionID, ProjectCode, ProcessLoad, ProcessingDate, TaskID, WorkFlowID, SequenceID,
  AttemptNumber, Status, TaskName, SourceType, TaskMandatory, SLAMinutes, CreatedAt, UpdatedAt
) VALUES (
  s.ExecutionID, s.ProjectCode, s.ProcessLoad, s.ProcessingDate, s.TaskID, s.WorkFlowID, s.SequenceID,
  1, 'NQUE', s.TaskName, s.SourceType, s.TaskMandatory, s.SLAMinutes, current_timestamp(), current_timestamp()
);
