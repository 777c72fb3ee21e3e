-- Re-queues failed tasks of one execution (p_ETLProcessingStatusReset / status_reset()):
-- FAIL -> RQUE as a new attempt (AttemptNumber + 1), so the failed attempt stays in history.
-- The initiation row (TaskID 0) is always re-queued with them, reopening the run.
-- Only latest attempts in FAIL are reset; running it twice adds nothing the second time.
--
-- Executed as-is by ETLMonitorFramework.status_reset() (notebooks/lib/etl_monitor), which
-- first checks that the execution exists and, for one task, that its latest attempt is FAIL.
--
-- Parameters (named markers): :catalog, :etl_schema, :execution_id,
--   :processing_date ('yyyy-MM-dd', the execution's partition: the statement reads only it,
--   so resets never conflict with writers of other dates),
--   :task_id and :workflow_id: '' = every failed task, else that task only

INSERT INTO IDENTIFIER(:catalog || '.' || :etl_schema || '.ETLProcessingSteps') (
  ExecutionID, ProjectCode, ProcessLoad, ProcessingDate, TaskID, WorkFlowID, SequenceID,
  AttemptNumber, Status, TaskName, SourceType, TaskMandatory, SLAMinutes, CreatedAt, UpdatedAt
)
WITH latest AS (
  SELECT *
  FROM (
    SELECT s.*,
           row_number() OVER (PARTITION BY ExecutionID, TaskID, WorkFlowID ORDER BY AttemptNumber DESC) AS rn
    FROM IDENTIFIER(:catalog || '.' || :etl_schema || '.ETLProcessingSteps') AS s
    WHERE ProcessingDate = CAST(:processing_date AS DATE) AND ExecutionID = :execution_id
  )
  WHERE rn = 1
),
to_reset AS (
  SELECT * FROM latest
  WHERE Status = 'FAIL'
    AND (NULLIF(:task_id, '') IS NULL OR TaskID = TRY_CAST(:task_id AS INT))
    AND (NULLIF(:workflow_id, '') IS NULL OR WorkFlowID = TRY_CAST(:workflow_id AS INT))
)
SELECT ExecutionID, ProjectCode, ProcessLoad, ProcessingDate, TaskID, WorkFlowID, SequenceID,
       AttemptNumber + 1, 'RQUE', TaskName, SourceType, TaskMandatory, SLAMinutes,
       current_timestamp(), current_timestamp()
FROM latest AS l
WHERE l.Status NOT IN ('NQUE', 'RQUE')
  AND (l.TaskID, l.WorkFlowID) IN (SELECT TaskID, WorkFlowID FROM to_reset)
   OR (l.TaskID = 0 AND l.Status NOT IN ('NQUE', 'RQUE') AND EXISTS (SELECT 1 FROM to_reset));
