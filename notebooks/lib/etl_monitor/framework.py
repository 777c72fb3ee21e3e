"""ETLMonitorFramework: the Python API of the ETL process monitor (etl-monitor-framework.md).

Pure PySpark + Delta SQL + the standard library, so it runs on any Databricks runtime, on
serverless compute (Spark Connect) and on local Spark. Every value goes into SQL as a named
parameter marker (never pasted into the text); only the validated catalog and schema names
are part of the statement text.

Writes and concurrency. Tasks that share a SequenceID run in parallel and finish together,
so several writers update ETLProcessingSteps at once. Delta rejects a commit that conflicts
with one committed since it read the table; ETLProcessingSteps is partitioned by
ProcessingDate, and partitioned tables get no row-level concurrency, so two updates of the
same run (same partition) conflict (https://docs.databricks.com/gcp/en/optimizations/isolation/row-level-concurrency).
Hence:
* every write is one conditional statement (its WHERE re-checks the status it expects and
  the affected row count is checked), retried by ``RetryPolicy`` on a Delta conflict, so a
  retry can never apply a stale transition and a lost race raises instead of overwriting;
* every read-modify-write of ETLProcessingSteps names its partition (``ProcessingDate =``),
  so writers of other dates (historic reruns, other days) never conflict with it;
* run receipts go to ETLsysLogs as blind appends (INSERT ... VALUES reads nothing), which
  cannot conflict with each other under WriteSerializable - except on Databricks, where the
  identity column LogID serialises concurrent transactions, which the retry absorbs.
A step is written before its watermark (status first): if the watermark write fails after
the retries, the next run re-reads from the old watermark - duplicates, never a gap.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import re
import uuid
from typing import Any, Callable, Iterator, Mapping, Optional

from . import status as sm
from .errors import (
    ETLMonitorError,
    IllegalTransitionError,
    UnknownExecutionError,
    UnknownParameterError,
    UnknownProcessError,
    UnknownTaskError,
)
from .retry import RetryPolicy
from .sqlfiles import bind, find_sql_dir, read_sql, split_statements

SOURCE_TYPES = ("ADF_PIPELINE", "DBX_NOTEBOOK", "DBX_JOB", "DATAFLOW")
PARAMETER_TYPES = ("DELTA_DATE", "DELTA_ID", "FLAG", "SYSTEM")
LOG_TYPES = ("INFO", "WARN", "ERROR")
FRAMEWORK_SEQUENCES = range(0, 7)

_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_-]*$")

ExecuteSql = Callable[[str, Mapping[str, Any]], Any]


def _identifier(value: str, what: str) -> str:
    if not isinstance(value, str) or not _NAME.match(value):
        raise ETLMonitorError(f"{what} {value!r} is not a valid catalog/schema name (letters, digits, _ and -)")
    return value


def _text(value: Any, what: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ETLMonitorError(f"{what} must be a non-empty string, got {value!r}")
    return value.strip()


def _int(value: Any, what: str, minimum: int = 0) -> int:
    if isinstance(value, bool):
        raise ETLMonitorError(f"{what} must be an integer, got {value!r}")
    try:
        number = int(str(value).strip()) if isinstance(value, str) else int(value)
    except (TypeError, ValueError):
        raise ETLMonitorError(f"{what} must be an integer, got {value!r}") from None
    if isinstance(value, float) and value != number:
        raise ETLMonitorError(f"{what} must be an integer, got {value!r}")
    if number < minimum:
        raise ETLMonitorError(f"{what} must be >= {minimum}, got {number}")
    return number


def _date(value: Any, what: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        raise ETLMonitorError(f"{what} must be a date 'yyyy-MM-dd', got {value!r}") from None


def _timestamp(value: Any, what: str) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    try:
        return dt.datetime.fromisoformat(str(value).strip().replace("Z", "+00:00"))
    except ValueError:
        raise ETLMonitorError(f"{what} must be a timestamp 'yyyy-MM-dd HH:mm:ss', got {value!r}") from None


def _optional_text(value: Any) -> Optional[str]:
    if value is None:
        return None
    value = str(value)
    return value if value.strip() else None


class ETLMonitorFramework:
    """``ETLMonitorFramework(spark, catalog="main", schema="etl")``.

    ``sql_dir``: where the sql/etl_monitor files are (see sqlfiles.py; found automatically in
    the deployed and the source layout). ``execute_sql(statement, args)``: how the statements
    of those files run, default ``spark.sql(statement, args=args)``; local tests pass the
    harness executor that translates Databricks-only DDL (USE CATALOG, IDENTITY).
    ``retry``: the RetryPolicy for Delta conflicts.
    """

    def __init__(self, spark, catalog: str = "main", schema: str = "etl", *, sql_dir: Optional[str] = None,
                 execute_sql: Optional[ExecuteSql] = None, retry: Optional[RetryPolicy] = None):
        self.spark = spark
        self.catalog = _identifier(catalog, "catalog")
        self.schema = _identifier(schema, "schema")
        self.sql_dir = find_sql_dir(sql_dir)
        self._execute_file_sql = execute_sql or (lambda statement, args: spark.sql(statement, args=dict(args) or None))
        self.retry = retry or RetryPolicy()

    # ------------------------------------------------------------------ plumbing

    def table(self, name: str) -> str:
        return f"`{self.catalog}`.`{self.schema}`.`{name}`"

    def _sql(self, statement: str, **args: Any):
        return self.spark.sql(statement, args=args or None)

    def _rows(self, statement: str, **args: Any) -> list:
        return self._sql(statement, **args).collect()

    def _write(self, what: str, statement: str, **args: Any) -> int:
        """Runs one DML statement under the retry policy; returns the affected row count
        (first column of the result; 0 when the engine returns none, e.g. INSERT)."""

        def once() -> int:
            rows = self._sql(statement, **args).collect()
            return int(rows[0][0]) if rows and rows[0][0] is not None else 0

        return self.retry.run(what, once)

    def _run_sql_file(self, name: str, params: Mapping[str, Any], retried: bool = False) -> list:
        text = read_sql(name, self.sql_dir)
        last: list = []
        for statement in split_statements(text):
            args = bind(statement, params)
            if retried:
                last = self.retry.run(name, lambda s=statement, a=args: self._collect(self._execute_file_sql(s, a)))
            else:
                last = self._collect(self._execute_file_sql(statement, args))
        return last

    @staticmethod
    def _collect(df) -> list:
        return df.collect() if df is not None else []

    def _file_params(self, **extra: Any) -> dict:
        return {"catalog": self.catalog, "etl_schema": self.schema, **extra}

    # ------------------------------------------------------------------ setup

    def setup(self) -> None:
        """Creates (idempotently) the 6 tables, 6 views and 7 stages: runs sql/etl_monitor/setup.sql,
        the file the stack's SQL task runs. The file switches the current catalog/schema (its
        views resolve unqualified names there); the caller's current catalog and schema are
        restored afterwards."""
        catalog_before = self.spark.catalog.currentCatalog()
        schema_before = self.spark.catalog.currentDatabase()
        if not self.spark.catalog.databaseExists(f"{self.catalog}.{self.schema}"):
            self._sql(f"CREATE SCHEMA IF NOT EXISTS `{self.catalog}`.`{self.schema}`")
        try:
            self._run_sql_file("setup.sql", self._file_params())
        finally:
            self.spark.catalog.setCurrentCatalog(catalog_before)
            self.spark.catalog.setCurrentDatabase(schema_before)

    # ------------------------------------------------------------------ lookups

    def _process(self, project_code: str, process_load: str):
        rows = self._rows(f"SELECT * FROM {self.table('ETLconfigProcess')} WHERE ProjectCode = :p AND ProcessLoad = :l",
                          p=project_code, l=process_load)
        if not rows:
            raise UnknownProcessError(f"process {project_code}/{process_load} is not registered (register_process first)")
        return rows[0]

    def _catalogue_task(self, project_code: str, process_load: str, task_id: int, workflow_id: int):
        rows = self._rows(
            f"SELECT * FROM {self.table('ETLconfigTasks')} WHERE ProjectCode = :p AND ProcessLoad = :l "
            "AND TaskID = :t AND WorkFlowID = :w", p=project_code, l=process_load, t=task_id, w=workflow_id)
        if not rows:
            raise UnknownTaskError(f"task {task_id}/workflow {workflow_id} is not registered for {project_code}/{process_load}")
        return rows[0]

    def _execution_rows(self, execution_id: str, processing_date: Optional[dt.date] = None) -> list:
        where = "ExecutionID = :e" + (" AND ProcessingDate = :d" if processing_date else "")
        args: dict[str, Any] = {"e": execution_id}
        if processing_date:
            args["d"] = processing_date
        return self._rows(f"SELECT * FROM {self.table('ETLProcessingSteps')} WHERE {where}", **args)

    def _execution(self, execution_id: str, project_code: str, process_load: str, rows: Optional[list] = None) -> list:
        """The execution's steps (``rows`` when the caller has just read them: every read is a
        Delta snapshot and a Spark job), checked to belong to the process."""
        if rows is None:
            rows = self._execution_rows(execution_id)
        if not rows:
            raise UnknownExecutionError(f"execution {execution_id} has no steps (generate_execution_steps first)")
        other = {(r.ProjectCode, r.ProcessLoad) for r in rows} - {(project_code, process_load)}
        if other:
            raise UnknownExecutionError(
                f"execution {execution_id} belongs to {sorted(other)[0][0]}/{sorted(other)[0][1]}, not {project_code}/{process_load}")
        return rows

    def _parameter(self, project_code: str, process_load: str, name: str):
        rows = self._rows(
            f"SELECT * FROM {self.table('ETLconfigParameters')} WHERE ProjectCode = :p AND ProcessLoad = :l AND ParameterName = :n",
            p=project_code, l=process_load, n=name)
        if not rows:
            raise UnknownParameterError(f"parameter {name} is not registered for {project_code}/{process_load}")
        return rows[0]

    # ------------------------------------------------------------------ registration

    def register_process(self, project_code: str, process_load: str, name: Optional[str] = None,
                         owner: Optional[str] = None, load_frequency: Optional[str] = None, is_active: bool = True) -> None:
        """Registers (or updates the descriptive fields of) a domain process. Processing modes
        are left as they are on an update (set_processing_mode owns them)."""
        project_code, process_load = _text(project_code, "project_code"), _text(process_load, "process_load")
        self._write(
            "register_process",
            f"""MERGE INTO {self.table('ETLconfigProcess')} AS t
            USING (SELECT :p AS ProjectCode, :l AS ProcessLoad) AS s
            ON t.ProjectCode = s.ProjectCode AND t.ProcessLoad = s.ProcessLoad
            WHEN MATCHED THEN UPDATE SET ProcessName = :n, ProcessOwner = :o, LoadFrequency = :f,
              IsActive = :a, UpdatedAt = current_timestamp()
            WHEN NOT MATCHED THEN INSERT (ProjectCode, ProcessLoad, ProcessName, ProcessOwner, LoadFrequency, IsActive,
              IsBulkMode, IsHistoricMode, HistoricDate, CreatedAt, UpdatedAt)
            VALUES (s.ProjectCode, s.ProcessLoad, :n, :o, :f, :a, FALSE, FALSE, NULL, current_timestamp(), current_timestamp())""",
            p=project_code, l=process_load, n=_optional_text(name), o=_optional_text(owner),
            f=_optional_text(load_frequency), a=bool(is_active))

    def register_task(self, project_code: str, process_load: str, task_id: int, workflow_id: int, sequence_id: int,
                      task_name: str, source_type: str = "DBX_NOTEBOOK", source_system_code: Optional[str] = None,
                      task_mandatory: bool = False, sla_minutes: Optional[int] = None, is_active: bool = True) -> None:
        """Registers (or updates) a task of the catalogue. TaskID 0 is the initiation task:
        WorkFlowID 0 and SequenceID 0, and only it. ``source_system_code`` names the task's
        watermark parameter (DELTA_DATE auto-advance on DONE)."""
        project_code, process_load = _text(project_code, "project_code"), _text(process_load, "process_load")
        task_id, workflow_id = _int(task_id, "task_id"), _int(workflow_id, "workflow_id")
        sequence_id = _int(sequence_id, "sequence_id")
        task_name = _text(task_name, "task_name")
        if source_type not in SOURCE_TYPES:
            raise ETLMonitorError(f"source_type {source_type!r} is not one of {', '.join(SOURCE_TYPES)}")
        if (task_id == 0) != (workflow_id == 0) or (task_id == 0 and sequence_id != 0):
            raise ETLMonitorError(
                f"task {task_id}/workflow {workflow_id}/sequence {sequence_id}: the initiation task is TaskID 0, "
                "WorkFlowID 0, SequenceID 0, and only it uses TaskID 0 or WorkFlowID 0")
        if sla_minutes is not None:
            sla_minutes = _int(sla_minutes, "sla_minutes", minimum=1)
        self._process(project_code, process_load)
        if not self._rows(f"SELECT 1 FROM {self.table('ETLconfigSequence')} WHERE SequenceID = :q", q=sequence_id):
            raise ETLMonitorError(f"sequence_id {sequence_id} is not a stage of ETLconfigSequence (0-6, or a custom stage >= 10)")
        self._write(
            "register_task",
            f"""MERGE INTO {self.table('ETLconfigTasks')} AS t
            USING (SELECT :p AS ProjectCode, :l AS ProcessLoad, :t AS TaskID, :w AS WorkFlowID) AS s
            ON t.ProjectCode = s.ProjectCode AND t.ProcessLoad = s.ProcessLoad AND t.TaskID = s.TaskID AND t.WorkFlowID = s.WorkFlowID
            WHEN MATCHED THEN UPDATE SET SequenceID = :q, TaskName = :n, SourceType = :st, SourceSystemCode = :sc,
              TaskMandatory = :m, SLAMinutes = CAST(:sla AS INT), IsActive = :a, UpdatedAt = current_timestamp()
            WHEN NOT MATCHED THEN INSERT (ProjectCode, ProcessLoad, TaskID, WorkFlowID, SequenceID, TaskName, SourceType,
              SourceSystemCode, TaskMandatory, SLAMinutes, IsActive, CreatedAt, UpdatedAt)
            VALUES (s.ProjectCode, s.ProcessLoad, s.TaskID, s.WorkFlowID, :q, :n, :st, :sc, :m, CAST(:sla AS INT), :a,
              current_timestamp(), current_timestamp())""",
            p=project_code, l=process_load, t=task_id, w=workflow_id, q=sequence_id, n=task_name, st=source_type,
            sc=_optional_text(source_system_code), m=bool(task_mandatory), sla=sla_minutes, a=bool(is_active))

    def register_parameter(self, project_code: str, process_load: str, parameter_name: str, parameter_type: str,
                           description: Optional[str] = None, value_datetime: Any = None, value_int: Optional[int] = None,
                           value_bit: Optional[bool] = None) -> None:
        """Registers a watermark or flag. Registering again updates the description and the
        values given (a watermark is never reset by re-registering); the type cannot change."""
        project_code, process_load = _text(project_code, "project_code"), _text(process_load, "process_load")
        parameter_name = _text(parameter_name, "parameter_name")
        if parameter_type not in PARAMETER_TYPES:
            raise ETLMonitorError(f"parameter_type {parameter_type!r} is not one of {', '.join(PARAMETER_TYPES)}")
        ts = _timestamp(value_datetime, "value_datetime") if value_datetime is not None else None
        number = _int(value_int, "value_int") if value_int is not None else None
        self._process(project_code, process_load)
        existing = self._rows(
            f"SELECT ParameterType FROM {self.table('ETLconfigParameters')} WHERE ProjectCode = :p AND ProcessLoad = :l "
            "AND ParameterName = :n", p=project_code, l=process_load, n=parameter_name)
        if existing and existing[0].ParameterType != parameter_type:
            raise ETLMonitorError(
                f"parameter {parameter_name} of {project_code}/{process_load} is {existing[0].ParameterType}, not {parameter_type}")
        initial_int = number if number is not None else (0 if parameter_type == "DELTA_ID" else None)
        self._write(
            "register_parameter",
            f"""MERGE INTO {self.table('ETLconfigParameters')} AS t
            USING (SELECT :p AS ProjectCode, :l AS ProcessLoad, :n AS ParameterName) AS s
            ON t.ProjectCode = s.ProjectCode AND t.ProcessLoad = s.ProcessLoad AND t.ParameterName = s.ParameterName
            WHEN MATCHED THEN UPDATE SET Description = COALESCE(:d, t.Description),
              ValueDateTime = COALESCE(CAST(:ts AS TIMESTAMP), t.ValueDateTime), ValueINT = COALESCE(CAST(:i AS BIGINT), t.ValueINT),
              ValueBIT = COALESCE(CAST(:b AS BOOLEAN), t.ValueBIT), UpdatedAt = current_timestamp()
            WHEN NOT MATCHED THEN INSERT (ProjectCode, ProcessLoad, ParameterName, ParameterType, ValueDateTime, ValueINT,
              ValueBIT, Description, UpdatedAt)
            VALUES (s.ProjectCode, s.ProcessLoad, s.ParameterName, :ty, CAST(:ts AS TIMESTAMP), CAST(:i0 AS BIGINT),
              CAST(:b AS BOOLEAN), :d, current_timestamp())""",
            p=project_code, l=process_load, n=parameter_name, ty=parameter_type, d=_optional_text(description),
            ts=ts, i=number, i0=initial_int, b=None if value_bit is None else bool(value_bit))

    # ------------------------------------------------------------------ executions

    @staticmethod
    def generate_execution_id() -> str:
        """A new, unique ExecutionID (UUID4 string) for one run of a process."""
        return str(uuid.uuid4())

    def _default_processing_date(self, process) -> dt.date:
        if process.IsHistoricMode and process.HistoricDate is not None:
            return process.HistoricDate
        return dt.datetime.now(dt.timezone.utc).date()

    def generate_execution_steps(self, execution_id: str, project_code: str, process_load: str,
                                 processing_date: Any = None) -> int:
        """Creates the NQUE steps of one execution (one per active task, with snapshots of the
        task catalogue) by running sql/etl_monitor/generate_execution_steps.sql. Idempotent.
        ``processing_date`` defaults to the historic date in historic mode, else today (UTC).
        Returns the number of steps of the execution."""
        execution_id = _text(execution_id, "execution_id")
        project_code, process_load = _text(project_code, "project_code"), _text(process_load, "process_load")
        process = self._process(project_code, process_load)
        day = _date(processing_date, "processing_date") if processing_date is not None else self._default_processing_date(process)
        if not self._rows(f"SELECT 1 FROM {self.table('ETLconfigTasks')} WHERE ProjectCode = :p AND ProcessLoad = :l AND IsActive",
                          p=project_code, l=process_load):
            raise UnknownTaskError(f"process {project_code}/{process_load} has no active task (register_task first)")
        existing = self._execution_rows(execution_id)
        clash = {(r.ProjectCode, r.ProcessLoad, r.ProcessingDate) for r in existing} - {(project_code, process_load, day)}
        if clash:
            p, l, d = sorted(clash)[0]
            raise ETLMonitorError(f"execution {execution_id} already exists for {p}/{l} on {d}")
        self._run_sql_file("generate_execution_steps.sql", self._file_params(
            execution_id=execution_id, project_code=project_code, process_load=process_load,
            processing_date=day.isoformat()), retried=True)
        return len({(r.TaskID, r.WorkFlowID) for r in self._execution_rows(execution_id, day)})

    def get_pending_tasks(self, execution_id: str, project_code: str, process_load: str, processing_date: Any = None,
                          sequence_id: Optional[int] = None) -> list[dict]:
        """The tasks start_task would accept now (queued, not running, not blocked by a failed
        mandatory task of an earlier sequence; first-attempt failures, which retry
        automatically), ordered by SequenceID, TaskID, WorkFlowID; optionally of one sequence.
        Generates the execution's steps on the first call. JSON-serialisable dicts (ADF ForEach)."""
        execution_id = _text(execution_id, "execution_id")
        project_code, process_load = _text(project_code, "project_code"), _text(process_load, "process_load")
        rows = self._execution_rows(execution_id)
        if not rows:
            self.generate_execution_steps(execution_id, project_code, process_load, processing_date)
            rows = None
        rows = self._execution(execution_id, project_code, process_load, rows)
        latest = sm.latest_attempts(rows)
        by_key = {(r.TaskID, r.WorkFlowID, r.AttemptNumber): r for r in rows}
        pending = []
        for key, attempt in sorted(latest.items(), key=lambda kv: (kv[1].sequence_id, kv[0])):
            if sequence_id is not None and attempt.sequence_id != _int(sequence_id, "sequence_id"):
                continue
            if sm.is_pending(attempt, latest):
                r = by_key[(attempt.task_id, attempt.workflow_id, attempt.attempt_number)]
                pending.append({
                    "ExecutionID": execution_id, "ProjectCode": project_code, "ProcessLoad": process_load,
                    "ProcessingDate": r.ProcessingDate.isoformat(), "TaskID": r.TaskID, "WorkFlowID": r.WorkFlowID,
                    "SequenceID": r.SequenceID, "TaskName": r.TaskName, "SourceType": r.SourceType,
                    "TaskMandatory": bool(r.TaskMandatory), "Status": r.Status, "AttemptNumber": r.AttemptNumber,
                })
        return pending

    # ------------------------------------------------------------------ task status

    def _locate(self, execution_id: str, project_code: str, process_load: str, task_id: Any, workflow_id: Any,
                sequence_id: Any = None, processing_date: Any = None):
        """Validates the call and returns (latest attempts, this task's attempt, its row),
        generating the execution's steps first if ``processing_date`` is given and none exist."""
        execution_id = _text(execution_id, "execution_id")
        project_code, process_load = _text(project_code, "project_code"), _text(process_load, "process_load")
        task_id, workflow_id = _int(task_id, "task_id"), _int(workflow_id, "workflow_id")
        rows = self._execution_rows(execution_id)
        if not rows or {(r.ProjectCode, r.ProcessLoad) for r in rows} != {(project_code, process_load)}:
            self._process(project_code, process_load)  # the steps prove the process otherwise (one query less)
        if not rows:
            self._catalogue_task(project_code, process_load, task_id, workflow_id)
            if processing_date is None:
                raise UnknownExecutionError(f"execution {execution_id} has no steps (generate_execution_steps first)")
            self.generate_execution_steps(execution_id, project_code, process_load, processing_date)
            rows = None
        rows = self._execution(execution_id, project_code, process_load, rows)
        if processing_date is not None and rows[0].ProcessingDate != _date(processing_date, "processing_date"):
            raise ETLMonitorError(f"execution {execution_id} is for processing date {rows[0].ProcessingDate}, not {processing_date}")
        latest = sm.latest_attempts(rows)
        attempt = latest.get((task_id, workflow_id))
        if attempt is None:
            self._catalogue_task(project_code, process_load, task_id, workflow_id)  # raises if not registered at all
            raise UnknownTaskError(f"task {task_id}/workflow {workflow_id} is not part of execution {execution_id} "
                                   "(inactive or registered after the steps were generated)")
        if sequence_id not in (None, "") and _int(sequence_id, "sequence_id") != attempt.sequence_id:
            raise ETLMonitorError(f"{attempt.key} runs in sequence {attempt.sequence_id}, not {sequence_id}")
        row = next(r for r in rows if (r.TaskID, r.WorkFlowID, r.AttemptNumber) == (task_id, workflow_id, attempt.attempt_number))
        return latest, attempt, row

    def _log(self, row, log_type: str, message: Optional[str], run_id: Optional[str], source_type: Optional[str],
             payload: Mapping[str, Any]) -> None:
        """One run receipt in ETLsysLogs: a blind append (LogID is generated)."""
        self._write(
            "ETLsysLogs append",
            f"""INSERT INTO {self.table('ETLsysLogs')}
              (ExecutionID, ProjectCode, ProcessLoad, TaskID, WorkFlowID, SourceType, RunID, LogType, LogMessage, Payload, LoggedAt)
            VALUES (:e, :p, :l, :t, :w, :st, :r, :ty, :m, :pl, current_timestamp())""",
            e=row.ExecutionID, p=row.ProjectCode, l=row.ProcessLoad, t=row.TaskID, w=row.WorkFlowID,
            st=source_type or row.SourceType, r=run_id, ty=log_type, m=message,
            pl=json.dumps(dict(payload), default=str, sort_keys=True))

    def _step_where(self) -> str:
        return ("ProcessingDate = :d AND ExecutionID = :e AND TaskID = :t AND WorkFlowID = :w "
                "AND AttemptNumber = :n AND Status = :s")

    def start_task(self, execution_id: str, project_code: str, process_load: str, task_id: int, workflow_id: int,
                   sequence_id: Optional[int] = None, processing_date: Any = None, source_type: Optional[str] = None,
                   run_id: Optional[str] = None, log_message: Optional[str] = None) -> int:
        """Marks the task's queued attempt as started (StartTime). A task whose first attempt
        failed is retried: attempt 2 is appended as RQUE, started. Returns the attempt number.
        Generates the execution's steps if none exist and ``processing_date`` is given."""
        if source_type not in (None, "") and source_type not in SOURCE_TYPES:
            raise ETLMonitorError(f"source_type {source_type!r} is not one of {', '.join(SOURCE_TYPES)}")
        latest, attempt, row = self._locate(execution_id, project_code, process_load, task_id, workflow_id,
                                            sequence_id, processing_date)
        action = sm.start_action(attempt, latest)
        run_id = _optional_text(run_id)
        args = dict(d=row.ProcessingDate, e=row.ExecutionID, t=row.TaskID, w=row.WorkFlowID, n=attempt.attempt_number,
                    s=attempt.status, r=run_id)
        if action == sm.START:
            changed = self._write("start_task", f"""UPDATE {self.table('ETLProcessingSteps')}
                SET StartTime = current_timestamp(), RunID = COALESCE(:r, RunID), UpdatedAt = current_timestamp()
                WHERE {self._step_where()} AND StartTime IS NULL""", **args)
            number = attempt.attempt_number
        else:
            # The automatic first retry: FAIL (attempt 1) -> RQUE (attempt 2), started. MERGE
            # on the next attempt number makes two concurrent retries insert it once.
            changed = self._write("start_task (retry)", f"""MERGE INTO {self.table('ETLProcessingSteps')} AS t
                USING (SELECT * FROM {self.table('ETLProcessingSteps')} WHERE {self._step_where()}) AS s
                ON t.ProcessingDate = :d AND t.ExecutionID = s.ExecutionID AND t.TaskID = s.TaskID
                   AND t.WorkFlowID = s.WorkFlowID AND t.AttemptNumber = s.AttemptNumber + 1
                WHEN NOT MATCHED THEN INSERT (ExecutionID, ProjectCode, ProcessLoad, ProcessingDate, TaskID, WorkFlowID,
                  SequenceID, AttemptNumber, Status, TaskName, SourceType, TaskMandatory, SLAMinutes, StartTime, RunID,
                  CreatedAt, UpdatedAt)
                VALUES (s.ExecutionID, s.ProjectCode, s.ProcessLoad, s.ProcessingDate, s.TaskID, s.WorkFlowID, s.SequenceID,
                  s.AttemptNumber + 1, 'RQUE', s.TaskName, s.SourceType, s.TaskMandatory, s.SLAMinutes, current_timestamp(),
                  :r, current_timestamp(), current_timestamp())""", **args)
            number = attempt.attempt_number + 1
        if changed != 1:
            raise IllegalTransitionError(f"{attempt.key} changed concurrently (another writer started it); nothing written")
        self._log(row, "INFO", _optional_text(log_message) or f"started attempt {number}", run_id, source_type,
                  {"event": "start", "attempt": number, "retry": action == sm.RETRY})
        return number

    def end_task(self, execution_id: str, project_code: str, process_load: str, task_id: int, workflow_id: int,
                 sequence_id: Optional[int] = None, processing_date: Any = None, source_type: Optional[str] = None,
                 run_id: Optional[str] = None, log_message: Optional[str] = None, log_type: str = "INFO",
                 payload: Optional[Mapping[str, Any]] = None) -> None:
        """DONE for the started attempt; then the task's DELTA_DATE watermark (the parameter
        named by its SourceSystemCode) advances to the attempt's StartTime - not in historic
        mode, and never backwards."""
        if log_type not in LOG_TYPES:
            raise ETLMonitorError(f"log_type {log_type!r} is not one of {', '.join(LOG_TYPES)}")
        latest, attempt, row = self._locate(execution_id, project_code, process_load, task_id, workflow_id,
                                            sequence_id, processing_date)
        sm.check_close(attempt, sm.DONE)
        run_id, message = _optional_text(run_id), _optional_text(log_message)
        changed = self._write("end_task", f"""UPDATE {self.table('ETLProcessingSteps')}
            SET Status = 'DONE', EndTime = current_timestamp(), LogMessage = COALESCE(:m, LogMessage),
                RunID = COALESCE(:r, RunID), UpdatedAt = current_timestamp()
            WHERE {self._step_where()} AND StartTime IS NOT NULL""",
            d=row.ProcessingDate, e=row.ExecutionID, t=row.TaskID, w=row.WorkFlowID, n=attempt.attempt_number,
            s=attempt.status, m=message, r=run_id)
        if changed != 1:
            raise IllegalTransitionError(f"{attempt.key} changed concurrently (another writer closed it); nothing written")
        self._advance_delta_date(row, attempt.start_time)
        self._log(row, log_type, message or f"attempt {attempt.attempt_number} DONE", run_id, source_type,
                  {"event": "end", "attempt": attempt.attempt_number, **(payload or {})})

    def _advance_delta_date(self, row, start_time) -> None:
        task = self._rows(
            f"SELECT k.SourceSystemCode, p.IsHistoricMode FROM {self.table('ETLconfigTasks')} AS k "
            f"JOIN {self.table('ETLconfigProcess')} AS p ON p.ProjectCode = k.ProjectCode AND p.ProcessLoad = k.ProcessLoad "
            "WHERE k.ProjectCode = :p AND k.ProcessLoad = :l AND k.TaskID = :t AND k.WorkFlowID = :w",
            p=row.ProjectCode, l=row.ProcessLoad, t=row.TaskID, w=row.WorkFlowID)
        if not task or not task[0].SourceSystemCode:
            return
        if task[0].IsHistoricMode:
            return  # a historic rerun loads an old date: moving the live watermark would skip data
        code = task[0].SourceSystemCode
        self._write("DELTA_DATE auto-advance", f"""UPDATE {self.table('ETLconfigParameters')}
            SET ValueDateTime = :ts, UpdatedAt = current_timestamp()
            WHERE ProjectCode = :p AND ProcessLoad = :l AND ParameterName = :n AND ParameterType = 'DELTA_DATE'
              AND (ValueDateTime IS NULL OR ValueDateTime < :ts)""",
            ts=start_time, p=row.ProjectCode, l=row.ProcessLoad, n=code)

    def fail_task(self, execution_id: str, project_code: str, process_load: str, task_id: int, workflow_id: int,
                  sequence_id: Optional[int] = None, processing_date: Any = None, source_type: Optional[str] = None,
                  run_id: Optional[str] = None, error_message: Optional[str] = None, log_message: Optional[str] = None,
                  payload: Optional[Mapping[str, Any]] = None) -> None:
        """FAIL for the queued attempt (started or not), with the error."""
        latest, attempt, row = self._locate(execution_id, project_code, process_load, task_id, workflow_id,
                                            sequence_id, processing_date)
        sm.check_close(attempt, sm.FAIL)
        run_id = _optional_text(run_id)
        error = _optional_text(error_message) or "failed (no error message given)"
        changed = self._write("fail_task", f"""UPDATE {self.table('ETLProcessingSteps')}
            SET Status = 'FAIL', EndTime = current_timestamp(), ErrorMessage = :err, LogMessage = COALESCE(:m, LogMessage),
                RunID = COALESCE(:r, RunID), UpdatedAt = current_timestamp()
            WHERE {self._step_where()}""",
            d=row.ProcessingDate, e=row.ExecutionID, t=row.TaskID, w=row.WorkFlowID, n=attempt.attempt_number,
            s=attempt.status, err=error, m=_optional_text(log_message), r=run_id)
        if changed != 1:
            raise IllegalTransitionError(f"{attempt.key} changed concurrently (another writer closed it); nothing written")
        self._log(row, "ERROR", error, run_id, source_type,
                  {"event": "fail", "attempt": attempt.attempt_number, **(payload or {})})

    @contextlib.contextmanager
    def task(self, execution_id: str, project_code: str, process_load: str, task_id: int, workflow_id: int,
             sequence_id: Optional[int] = None, processing_date: Any = None, source_type: Optional[str] = None,
             run_id: Optional[str] = None) -> Iterator[dict]:
        """``with monitor.task(...) as run:`` start_task on entry; end_task (DONE) on success,
        fail_task (FAIL, with the error) on an exception, which is re-raised. ``run`` is a dict;
        set ``run["log_message"]`` to record a message with DONE."""
        ids = dict(execution_id=execution_id, project_code=project_code, process_load=process_load, task_id=task_id,
                   workflow_id=workflow_id, sequence_id=sequence_id, processing_date=processing_date,
                   source_type=source_type, run_id=run_id)
        attempt = self.start_task(**ids)
        run = {"attempt": attempt, "log_message": None}
        try:
            yield run
        except BaseException as exc:
            self.fail_task(**ids, error_message=f"{type(exc).__name__}: {exc}"[:4000])
            raise
        self.end_task(**ids, log_message=run.get("log_message"))

    # ------------------------------------------------------------------ watermarks and modes

    def advance_watermark(self, project_code: str, process_load: str, parameter_name: str,
                          new_int_value: Optional[int] = None, new_datetime_value: Any = None) -> None:
        """Moves a watermark forward explicitly: DELTA_ID with ``new_int_value`` (the only way a
        DELTA_ID moves), DELTA_DATE with ``new_datetime_value``. Never backwards (a full reload
        is set_processing_mode(is_bulk_mode=True))."""
        project_code, process_load = _text(project_code, "project_code"), _text(process_load, "process_load")
        parameter_name = _text(parameter_name, "parameter_name")
        self._process(project_code, process_load)
        param = self._parameter(project_code, process_load, parameter_name)
        if param.ParameterType == "DELTA_ID":
            if new_int_value is None or new_datetime_value is not None:
                raise ETLMonitorError(f"{parameter_name} is DELTA_ID: pass new_int_value (only)")
            value = _int(new_int_value, "new_int_value")
            if param.ValueINT is not None and value < param.ValueINT:
                raise ETLMonitorError(f"{parameter_name}: new_int_value {value} is below the current watermark {param.ValueINT}")
            column, bound = "ValueINT", value
        elif param.ParameterType == "DELTA_DATE":
            if new_datetime_value is None or new_int_value is not None:
                raise ETLMonitorError(f"{parameter_name} is DELTA_DATE: pass new_datetime_value (only)")
            value = _timestamp(new_datetime_value, "new_datetime_value")
            if param.ValueDateTime is not None and value.replace(tzinfo=None) < param.ValueDateTime:
                raise ETLMonitorError(f"{parameter_name}: {value} is before the current watermark {param.ValueDateTime}")
            column, bound = "ValueDateTime", value
        else:
            raise ETLMonitorError(f"{parameter_name} is {param.ParameterType}: only DELTA_ID and DELTA_DATE watermarks advance "
                                  "(SYSTEM follows set_processing_mode, FLAG is set with register_parameter)")
        self._write("advance_watermark", f"""UPDATE {self.table('ETLconfigParameters')}
            SET {column} = :v, UpdatedAt = current_timestamp()
            WHERE ProjectCode = :p AND ProcessLoad = :l AND ParameterName = :n""",
            v=bound, p=project_code, l=process_load, n=parameter_name)

    def set_processing_mode(self, project_code: str, process_load: str, is_bulk_mode: bool = False,
                            is_historic_mode: bool = False, historic_date: Any = None,
                            parameter_name: Optional[str] = None) -> None:
        """Bulk (full reload: DELTA_DATE -> NULL, DELTA_ID -> 0), historic (SYSTEM parameters ->
        ``historic_date``; DELTA_DATE no longer auto-advances) or, with neither, live (SYSTEM ->
        NULL = today; watermarks untouched). ``parameter_name`` limits the watermark change to
        one parameter."""
        project_code, process_load = _text(project_code, "project_code"), _text(process_load, "process_load")
        if is_bulk_mode and is_historic_mode:
            raise ETLMonitorError("choose bulk mode or historic mode, not both")
        if is_historic_mode and historic_date is None:
            raise ETLMonitorError("historic mode needs historic_date")
        if historic_date is not None and not is_historic_mode:
            raise ETLMonitorError("historic_date is only valid with is_historic_mode=True")
        day = _date(historic_date, "historic_date") if historic_date is not None else None
        self._process(project_code, process_load)
        only = ""
        args: dict[str, Any] = {"p": project_code, "l": process_load}
        if parameter_name is not None:
            self._parameter(project_code, process_load, _text(parameter_name, "parameter_name"))
            only, args["n"] = " AND ParameterName = :n", parameter_name
        where = f"ProjectCode = :p AND ProcessLoad = :l{only}"
        if is_bulk_mode:
            self._write("set_processing_mode (bulk)", f"""UPDATE {self.table('ETLconfigParameters')}
                SET ValueDateTime = CASE WHEN ParameterType = 'DELTA_DATE' THEN NULL ELSE ValueDateTime END,
                    ValueINT = CASE WHEN ParameterType = 'DELTA_ID' THEN 0 ELSE ValueINT END, UpdatedAt = current_timestamp()
                WHERE {where} AND ParameterType IN ('DELTA_DATE', 'DELTA_ID')""", **args)
        elif is_historic_mode:
            self._write("set_processing_mode (historic)", f"""UPDATE {self.table('ETLconfigParameters')}
                SET ValueDateTime = CAST(:hd AS TIMESTAMP), UpdatedAt = current_timestamp()
                WHERE {where} AND ParameterType = 'SYSTEM'""", hd=day, **args)
        else:
            self._write("set_processing_mode (live)", f"""UPDATE {self.table('ETLconfigParameters')}
                SET ValueDateTime = NULL, UpdatedAt = current_timestamp()
                WHERE {where} AND ParameterType = 'SYSTEM'""", **args)
        self._write("set_processing_mode (process)", f"""UPDATE {self.table('ETLconfigProcess')}
            SET IsBulkMode = :b, IsHistoricMode = :h, HistoricDate = CAST(:hd AS DATE), UpdatedAt = current_timestamp()
            WHERE ProjectCode = :p AND ProcessLoad = :l""",
            b=bool(is_bulk_mode), h=bool(is_historic_mode), hd=day, p=project_code, l=process_load)

    # ------------------------------------------------------------------ status and reset

    def get_status(self, project_code: str, process_load: str, execution_id: Optional[str] = None,
                   summary_mode: bool = False, processing_date: Any = None):
        """A DataFrame: task detail (v_taskDetail, latest attempts, of ``execution_id`` or of the
        process's latest execution) or, with ``summary_mode=True``, the run rollup (v_runSummary
        of the process, or of one execution)."""
        project_code, process_load = _text(project_code, "project_code"), _text(process_load, "process_load")
        self._process(project_code, process_load)
        where = ["ProjectCode = :p", "ProcessLoad = :l"]
        args: dict[str, Any] = {"p": project_code, "l": process_load}
        if processing_date is not None:
            where.append("ProcessingDate = :d")
            args["d"] = _date(processing_date, "processing_date")
        if summary_mode:
            if execution_id:
                where.append("ExecutionID = :e")
                args["e"] = execution_id
            return self._sql(f"SELECT * FROM {self.table('v_runSummary')} WHERE {' AND '.join(where)} "
                             "ORDER BY ProcessingDate DESC, StartTime DESC NULLS LAST, ExecutionID, AttemptNumber", **args)
        if not execution_id:
            latest = self._rows(f"SELECT max_by(ExecutionID, CreatedAt) AS e FROM {self.table('ETLProcessingSteps')} "
                                f"WHERE {' AND '.join(where)}", **args)
            execution_id = latest[0].e if latest else None
            if not execution_id:
                raise UnknownExecutionError(f"process {project_code}/{process_load} has no execution yet")
        where.append("ExecutionID = :e")
        args["e"] = execution_id
        return self._sql(f"SELECT * FROM {self.table('v_taskDetail')} WHERE {' AND '.join(where)} AND IsLatestAttempt "
                         "ORDER BY SequenceID, TaskID, WorkFlowID", **args)

    def status_reset(self, project_code: str, process_load: str, execution_id: str, task_id: Optional[int] = None,
                     workflow_id: Optional[int] = None) -> int:
        """Re-queues (FAIL -> RQUE, a new attempt) every failed task of the execution, or one
        task, and always the initiation row with them; runs sql/etl_monitor/status_reset.sql.
        Returns the number of attempts added (0: nothing failed)."""
        execution_id = _text(execution_id, "execution_id")
        project_code, process_load = _text(project_code, "project_code"), _text(process_load, "process_load")
        self._process(project_code, process_load)
        rows = self._execution(execution_id, project_code, process_load)
        latest = sm.latest_attempts(rows)
        if task_id is None and workflow_id is not None:
            raise ETLMonitorError("workflow_id needs task_id")
        if task_id is not None:
            task_id = _int(task_id, "task_id")
            matches = [a for (t, w), a in latest.items()
                       if t == task_id and (workflow_id is None or w == _int(workflow_id, "workflow_id"))]
            if not matches:
                raise UnknownTaskError(f"task {task_id}/workflow {workflow_id} is not part of execution {execution_id}")
            if len(matches) > 1:
                raise ETLMonitorError(f"task {task_id} runs in several workflows of execution {execution_id}: pass workflow_id")
            sm.check_reset(matches[0])
            workflow_id = matches[0].workflow_id
        before = len(rows)
        self._run_sql_file("status_reset.sql", self._file_params(
            execution_id=execution_id, processing_date=rows[0].ProcessingDate.isoformat(),
            task_id="" if task_id is None else str(task_id), workflow_id="" if workflow_id is None else str(workflow_id)),
            retried=True)
        return len(self._execution_rows(execution_id, rows[0].ProcessingDate)) - before
