-- Alert kind etl_mandatory_blockers: mandatory ETL tasks whose latest attempt failed, blocking
-- later sequences (<etl schema>.v_mandatoryBlockers), when there are at least :threshold of
-- them (e.g. 1). One row per blocker; no row = OK.
-- Parameters (named markers): :catalog, :etl_schema, :threshold.
WITH blockers AS (
  SELECT * FROM IDENTIFIER(:catalog || '.' || :etl_schema || '.v_mandatoryBlockers')
)
SELECT
  concat_ws('/', ExecutionID, CAST(TaskID AS STRING), CAST(WorkFlowID AS STRING)) AS alert_key,
  CAST(NULL AS STRING) AS workspace_id,
  CAST(NULL AS STRING) AS job_id,
  'high' AS severity,
  concat(ProjectCode, '/', ProcessLoad, ' ', CAST(ProcessingDate AS STRING), ': mandatory task ', TaskName,
         ' (sequence ', COALESCE(SequenceCode, CAST(SequenceID AS STRING)), ') failed on attempt ', AttemptNumber,
         ', blocking ', BlockedTasks, ' task(s)', COALESCE(': ' || ErrorMessage, '')) AS message,
  CAST(BlockedTasks AS DOUBLE) AS value
FROM blockers
WHERE (SELECT count(*) FROM blockers) >= CAST(:threshold AS INT)
ORDER BY ProcessingDate, ExecutionID, SequenceID, TaskID;
