-- ETL process monitor: the 6 tracking tables, the 6 reporting views and the 7 built-in
-- workflow stages, ported from the databricks-etl-monitor framework (setup()). Idempotent:
-- tables IF NOT EXISTS, views OR REPLACE, constraints dropped and re-added, stages MERGEd.
--
-- Parameters (named markers):
--   :catalog     catalog of the platform
--   :etl_schema  ETL monitor schema
--
-- Views reference the tables unqualified: a view body cannot hold parameter markers, and a
-- view resolves unqualified names in the catalog and schema current when it was created.
--
-- Status machine of ETLProcessingSteps (one row per task attempt; a reset adds an attempt):
--   NQUE (new, first attempt) -> DONE
--   NQUE -> FAIL -> RQUE (re-queued attempt) -> DONE | FAIL -> [status_reset] -> RQUE ...
-- The latest attempt of a task (highest AttemptNumber) is its current status.

USE CATALOG IDENTIFIER(:catalog);
USE SCHEMA IDENTIFIER(:etl_schema);

-- ---------------------------------------------------------------------------------------
-- Tables
-- ---------------------------------------------------------------------------------------

CREATE TABLE IF NOT EXISTS ETLconfigSequence (
  SequenceID           INT     NOT NULL COMMENT '0-6 framework stages; custom stages use >= 10',
  SequenceCode         STRING  NOT NULL,
  SequenceDescription  STRING,
  IsFrameworkManaged   BOOLEAN NOT NULL,
  UpdatedAt            TIMESTAMP
) COMMENT 'Workflow stage definitions [FRAMEWORK-MANAGED]; tasks sharing a SequenceID run in parallel';

CREATE TABLE IF NOT EXISTS ETLconfigProcess (
  ProjectCode     STRING  NOT NULL,
  ProcessLoad     STRING  NOT NULL COMMENT 'Domain load, e.g. HR_DAILY',
  ProcessName     STRING,
  ProcessOwner    STRING,
  LoadFrequency   STRING  COMMENT 'D | W | M | ...',
  IsActive        BOOLEAN NOT NULL,
  IsBulkMode      BOOLEAN NOT NULL COMMENT 'Full reload: watermarks resolve to their bulk value',
  IsHistoricMode  BOOLEAN NOT NULL,
  HistoricDate    DATE    COMMENT 'Processing date of a historic rerun',
  CreatedAt       TIMESTAMP,
  UpdatedAt       TIMESTAMP
) COMMENT 'Domain process registry [USER-MANAGED]';

CREATE TABLE IF NOT EXISTS ETLconfigTasks (
  ProjectCode       STRING  NOT NULL,
  ProcessLoad       STRING  NOT NULL,
  TaskID            INT     NOT NULL COMMENT '0 = initiation task of the process',
  WorkFlowID        INT     NOT NULL COMMENT '0 = initiation, 1 = main pass, N = Nth pass',
  SequenceID        INT     NOT NULL,
  TaskName          STRING  NOT NULL,
  SourceType        STRING  NOT NULL COMMENT 'ADF_PIPELINE | DBX_NOTEBOOK | DBX_JOB | DATAFLOW',
  SourceSystemCode  STRING  COMMENT 'Links the task to its watermark parameter (ParameterName)',
  TaskMandatory     BOOLEAN NOT NULL COMMENT 'A failure blocks later sequences',
  SLAMinutes        INT     COMMENT 'Expected maximum duration; NULL = no SLA',
  IsActive          BOOLEAN NOT NULL,
  CreatedAt         TIMESTAMP,
  UpdatedAt         TIMESTAMP
) COMMENT 'Task catalogue [USER-MANAGED]';

CREATE TABLE IF NOT EXISTS ETLconfigParameters (
  ProjectCode    STRING  NOT NULL,
  ProcessLoad    STRING  NOT NULL,
  ParameterName  STRING  NOT NULL,
  ParameterType  STRING  NOT NULL COMMENT 'DELTA_DATE | DELTA_ID | FLAG | SYSTEM',
  ValueDateTime  TIMESTAMP COMMENT 'Active for DELTA_DATE and SYSTEM; NULL = bulk (DELTA_DATE) or live date (SYSTEM)',
  ValueINT       BIGINT    COMMENT 'Active for DELTA_ID; 0 = bulk',
  ValueBIT       BOOLEAN   COMMENT 'Active for FLAG',
  Description    STRING,
  UpdatedAt      TIMESTAMP
) COMMENT 'Watermarks and configuration flags per process [USER-MANAGED]';

CREATE TABLE IF NOT EXISTS ETLProcessingSteps (
  ExecutionID      STRING  NOT NULL,
  ProjectCode      STRING  NOT NULL,
  ProcessLoad      STRING  NOT NULL,
  ProcessingDate   DATE    NOT NULL,
  TaskID           INT     NOT NULL,
  WorkFlowID       INT     NOT NULL,
  SequenceID       INT     NOT NULL,
  AttemptNumber    INT     NOT NULL COMMENT '1 for NQUE; each reset adds an RQUE attempt',
  Status           STRING  NOT NULL COMMENT 'NQUE | RQUE | DONE | FAIL',
  TaskName         STRING  COMMENT 'Snapshot of ETLconfigTasks at generation time',
  SourceType       STRING  COMMENT 'Snapshot',
  TaskMandatory    BOOLEAN COMMENT 'Snapshot',
  SLAMinutes       INT     COMMENT 'Snapshot',
  StartTime        TIMESTAMP,
  EndTime          TIMESTAMP,
  RunID            STRING  COMMENT 'ADF run id or Databricks run id',
  LogMessage       STRING,
  ErrorMessage     STRING,
  CreatedAt        TIMESTAMP,
  UpdatedAt        TIMESTAMP
) PARTITIONED BY (ProcessingDate)
COMMENT 'Per-task live execution log [RESULTS, mutable]';

CREATE TABLE IF NOT EXISTS ETLsysLogs (
  LogID        BIGINT GENERATED ALWAYS AS IDENTITY,
  ExecutionID  STRING,
  ProjectCode  STRING,
  ProcessLoad  STRING,
  TaskID       INT,
  WorkFlowID   INT,
  SourceType   STRING,
  RunID        STRING,
  LogType      STRING COMMENT 'INFO | WARN | ERROR',
  LogMessage   STRING,
  Payload      STRING COMMENT 'Raw run receipt (JSON)',
  LoggedAt     TIMESTAMP
) COMMENT 'Raw ADF/DBX run receipts [RESULTS, append-only]';

-- ---------------------------------------------------------------------------------------
-- Allowed values (Delta CHECK constraints; re-created so the file stays idempotent)
-- ---------------------------------------------------------------------------------------

ALTER TABLE ETLProcessingSteps DROP CONSTRAINT IF EXISTS status_valid;
ALTER TABLE ETLProcessingSteps ADD CONSTRAINT status_valid CHECK (Status IN ('NQUE', 'RQUE', 'DONE', 'FAIL'));
ALTER TABLE ETLProcessingSteps DROP CONSTRAINT IF EXISTS attempt_valid;
ALTER TABLE ETLProcessingSteps ADD CONSTRAINT attempt_valid CHECK (AttemptNumber >= 1 AND (Status <> 'NQUE' OR AttemptNumber = 1));
ALTER TABLE ETLconfigParameters DROP CONSTRAINT IF EXISTS parameter_type_valid;
ALTER TABLE ETLconfigParameters ADD CONSTRAINT parameter_type_valid CHECK (ParameterType IN ('DELTA_DATE', 'DELTA_ID', 'FLAG', 'SYSTEM'));
ALTER TABLE ETLconfigTasks DROP CONSTRAINT IF EXISTS source_type_valid;
ALTER TABLE ETLconfigTasks ADD CONSTRAINT source_type_valid CHECK (SourceType IN ('ADF_PIPELINE', 'DBX_NOTEBOOK', 'DBX_JOB', 'DATAFLOW'));
ALTER TABLE ETLconfigSequence DROP CONSTRAINT IF EXISTS sequence_id_valid;
ALTER TABLE ETLconfigSequence ADD CONSTRAINT sequence_id_valid CHECK (SequenceID BETWEEN 0 AND 6 OR SequenceID >= 10);

-- ---------------------------------------------------------------------------------------
-- The 7 built-in stages (MERGE: inserted once, corrected if edited, custom stages untouched)
-- ---------------------------------------------------------------------------------------

MERGE INTO ETLconfigSequence AS t
USING (
  SELECT * FROM VALUES
    (0, 'LOAD_GO', 'Initiating ETL Processing - overall run marker'),
    (1, 'LOAD_DB_CONFIG', 'Load Configuration Data from source'),
    (2, 'LOAD_DB_TRAN', 'Load Transactional Data from source (staging)'),
    (3, 'LOAD_DIM', 'Process Master Data - validate staged dimensions'),
    (4, 'LOAD_TRAN', 'Process Transactional Data - validate staged transactions'),
    (5, 'PRE_PROCESS', 'Functional Logic - business logic and derivations'),
    (6, 'PROCESS_DATA', 'Core Data Transformation - output / data mart tables')
  AS v(SequenceID, SequenceCode, SequenceDescription)
) AS s
ON t.SequenceID = s.SequenceID
WHEN MATCHED AND (t.SequenceCode <> s.SequenceCode OR t.SequenceDescription IS DISTINCT FROM s.SequenceDescription
                  OR NOT t.IsFrameworkManaged) THEN
  UPDATE SET SequenceCode = s.SequenceCode, SequenceDescription = s.SequenceDescription,
             IsFrameworkManaged = TRUE, UpdatedAt = current_timestamp()
WHEN NOT MATCHED THEN
  INSERT (SequenceID, SequenceCode, SequenceDescription, IsFrameworkManaged, UpdatedAt)
  VALUES (s.SequenceID, s.SequenceCode, s.SequenceDescription, TRUE, current_timestamp());

-- ---------------------------------------------------------------------------------------
-- Views
-- ---------------------------------------------------------------------------------------

-- Every attempt of every task, with its SLA breach flag and whether it is the latest attempt.
CREATE OR REPLACE VIEW v_taskDetail
COMMENT 'Per-task detail with SLA breach flag; filter by ExecutionID'
AS
SELECT
  s.ExecutionID, s.ProjectCode, s.ProcessLoad, s.ProcessingDate,
  s.TaskID, s.WorkFlowID, s.SequenceID, q.SequenceCode, s.AttemptNumber,
  s.TaskName, s.SourceType, s.TaskMandatory, s.Status,
  s.StartTime, s.EndTime,
  CASE WHEN s.StartTime IS NOT NULL
       THEN (unix_timestamp(COALESCE(s.EndTime, current_timestamp())) - unix_timestamp(s.StartTime)) / 60.0
  END AS DurationMinutes,
  s.SLAMinutes,
  COALESCE(
    s.SLAMinutes IS NOT NULL AND s.StartTime IS NOT NULL
    AND (unix_timestamp(COALESCE(s.EndTime, current_timestamp())) - unix_timestamp(s.StartTime)) / 60.0 > s.SLAMinutes,
    FALSE) AS SLABreached,
  s.AttemptNumber = max(s.AttemptNumber) OVER (PARTITION BY s.ExecutionID, s.TaskID, s.WorkFlowID) AS IsLatestAttempt,
  s.RunID, s.LogMessage, s.ErrorMessage, s.UpdatedAt
FROM ETLProcessingSteps AS s
LEFT JOIN ETLconfigSequence AS q ON q.SequenceID = s.SequenceID;

-- Run-level rollup: one row per execution and attempt number.
CREATE OR REPLACE VIEW v_runSummary
COMMENT 'Run-level rollup with task counts per status, per execution and attempt'
AS
SELECT
  ExecutionID, ProjectCode, ProcessLoad, ProcessingDate, AttemptNumber,
  count(*) AS TotalTasks,
  count_if(Status = 'NQUE') AS NqueTasks,
  count_if(Status = 'RQUE') AS RqueTasks,
  count_if(Status = 'DONE') AS DoneTasks,
  count_if(Status = 'FAIL') AS FailTasks,
  count_if(SLABreached) AS SLABreachedTasks,
  min(StartTime) AS StartTime,
  max(EndTime) AS EndTime,
  max(UpdatedAt) AS LastUpdated
FROM v_taskDetail
GROUP BY ExecutionID, ProjectCode, ProcessLoad, ProcessingDate, AttemptNumber;

-- Cross-process dashboard: latest execution per process and processing date, latest attempts.
CREATE OR REPLACE VIEW v_processStatus
COMMENT 'Cross-process live dashboard by processing date (latest execution, latest attempts)'
AS
WITH latest_execution AS (
  SELECT ProjectCode, ProcessLoad, ProcessingDate, max_by(ExecutionID, CreatedAt) AS ExecutionID
  FROM ETLProcessingSteps
  GROUP BY ProjectCode, ProcessLoad, ProcessingDate
)
SELECT
  d.ProjectCode, d.ProcessLoad, p.ProcessName, p.ProcessOwner, d.ProcessingDate, d.ExecutionID,
  count(*) AS TotalTasks,
  count_if(d.Status = 'DONE') AS DoneTasks,
  count_if(d.Status = 'FAIL') AS FailedTasks,
  count_if(d.Status IN ('NQUE', 'RQUE')) AS PendingTasks,
  count_if(d.Status = 'FAIL' AND d.TaskMandatory) AS MandatoryBlockers,
  count_if(d.SLABreached) AS SLABreaches,
  CASE
    WHEN count_if(d.Status = 'FAIL') > 0 THEN 'FAIL'
    WHEN count_if(d.Status <> 'DONE') = 0 THEN 'DONE'
    WHEN count_if(d.StartTime IS NOT NULL) > 0 THEN 'RUNNING'
    ELSE 'QUEUED'
  END AS ProcessStatus,
  min(d.StartTime) AS StartTime,
  max(d.EndTime) AS EndTime,
  max(d.UpdatedAt) AS LastUpdated
FROM v_taskDetail AS d
JOIN latest_execution AS l
  ON l.ProjectCode = d.ProjectCode AND l.ProcessLoad = d.ProcessLoad
 AND l.ProcessingDate = d.ProcessingDate AND l.ExecutionID = d.ExecutionID
LEFT JOIN ETLconfigProcess AS p
  ON p.ProjectCode = d.ProjectCode AND p.ProcessLoad = d.ProcessLoad
WHERE d.IsLatestAttempt
GROUP BY d.ProjectCode, d.ProcessLoad, p.ProcessName, p.ProcessOwner, d.ProcessingDate, d.ExecutionID;

-- Latest-attempt failures of every execution (filter by ProcessingDate for "current").
CREATE OR REPLACE VIEW v_currentFailures
COMMENT 'Failed tasks (latest attempt) for the current or a specified processing date'
AS
SELECT ExecutionID, ProjectCode, ProcessLoad, ProcessingDate, TaskID, WorkFlowID, SequenceID,
       SequenceCode, AttemptNumber, TaskName, SourceType, TaskMandatory, StartTime, EndTime,
       RunID, ErrorMessage, UpdatedAt
FROM v_taskDetail
WHERE IsLatestAttempt AND Status = 'FAIL';

-- Mandatory failures blocking later sequences of the same execution.
CREATE OR REPLACE VIEW v_mandatoryBlockers
COMMENT 'Mandatory failed tasks (latest attempt) preventing downstream progress'
AS
SELECT
  f.ExecutionID, f.ProjectCode, f.ProcessLoad, f.ProcessingDate, f.TaskID, f.WorkFlowID,
  f.SequenceID, f.SequenceCode, f.AttemptNumber, f.TaskName, f.SourceType, f.ErrorMessage, f.EndTime,
  count(d.TaskID) AS BlockedTasks
FROM v_currentFailures AS f
LEFT JOIN v_taskDetail AS d
  ON d.ExecutionID = f.ExecutionID AND d.IsLatestAttempt
 AND d.SequenceID > f.SequenceID AND d.Status <> 'DONE'
WHERE f.TaskMandatory
GROUP BY f.ExecutionID, f.ProjectCode, f.ProcessLoad, f.ProcessingDate, f.TaskID, f.WorkFlowID,
         f.SequenceID, f.SequenceCode, f.AttemptNumber, f.TaskName, f.SourceType, f.ErrorMessage, f.EndTime;

-- Watermarks with ActiveValue: one STRING whatever the ParameterType (ADF Lookup bridge).
CREATE OR REPLACE VIEW v_watermarks
COMMENT 'Current watermark values with ActiveValue resolved as STRING per ParameterType'
AS
SELECT
  w.ProjectCode, w.ProcessLoad, w.ParameterName, w.ParameterType,
  w.ValueDateTime, w.ValueINT, w.ValueBIT, w.Description,
  COALESCE(p.IsBulkMode, FALSE) AS IsBulkMode,
  CASE w.ParameterType
    -- NULL = bulk mode: load everything after the epoch of the framework.
    WHEN 'DELTA_DATE' THEN date_format(COALESCE(w.ValueDateTime, TIMESTAMP '1900-01-01 00:00:00'), 'yyyy-MM-dd HH:mm:ss')
    -- 0 = bulk mode.
    WHEN 'DELTA_ID' THEN CAST(COALESCE(w.ValueINT, 0) AS STRING)
    WHEN 'FLAG' THEN CASE WHEN w.ValueBIT THEN '1' ELSE '0' END
    -- NULL = live: today's date; otherwise the historic processing date.
    WHEN 'SYSTEM' THEN date_format(COALESCE(w.ValueDateTime, current_timestamp()), 'yyyy-MM-dd')
  END AS ActiveValue,
  w.UpdatedAt
FROM ETLconfigParameters AS w
LEFT JOIN ETLconfigProcess AS p
  ON p.ProjectCode = w.ProjectCode AND p.ProcessLoad = w.ProcessLoad;
