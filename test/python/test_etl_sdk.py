"""ETL monitor SDK (notebooks/lib/etl_monitor) on real Spark + Delta: the reference's quick start,
retries, mandatory blockers, watermarks, processing modes, 8 parallel writers, bad input.

One schema for the module (setup() once: ~25 Delta commits); every test works on its own
process (ProjectCode/ProcessLoad), so the tests do not see each other's rows.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import threading
import uuid

import pytest

from sqlharness import LOCAL_CATALOG, REPO_ROOT, run_sql_file, split_statements as harness_split, sql_executor, table_names

LIB = os.path.join(REPO_ROOT, "notebooks", "lib")
if LIB not in sys.path:
    sys.path.insert(0, LIB)

from etl_monitor import (  # noqa: E402
    ETLMonitorError,
    ETLMonitorFramework,
    IllegalTransitionError,
    RetryPolicy,
    TaskBlockedError,
    UnknownExecutionError,
    UnknownParameterError,
    UnknownProcessError,
    UnknownTaskError,
)
from etl_monitor.sqlfiles import SQL_FILES, find_sql_dir, markers, split_statements  # noqa: E402

DAY = "2026-04-09"
TABLES = ("ETLconfigSequence", "ETLconfigProcess", "ETLconfigTasks", "ETLconfigParameters", "ETLProcessingSteps", "ETLsysLogs")


def harness_executor(spark):
    """setup.sql has Databricks-only DDL (USE CATALOG, IDENTITY): run it through the test
    harness's translation rules, the same statements the stack's SQL task runs."""
    return lambda statement, args: sql_executor(spark, args)(statement)


@pytest.fixture(scope="module")
def schema(spark):
    name = f"etl_sdk_{uuid.uuid4().hex[:8]}"
    ETLMonitorFramework(spark, catalog=LOCAL_CATALOG, schema=name, execute_sql=harness_executor(spark)).setup()
    yield name
    spark.sql(f"DROP SCHEMA IF EXISTS {name} CASCADE")


@pytest.fixture
def monitor(spark, schema):
    return ETLMonitorFramework(spark, catalog=LOCAL_CATALOG, schema=schema, execute_sql=harness_executor(spark),
                               retry=RetryPolicy(max_attempts=12, base_delay=0.1, max_delay=2.0))


def process(monitor, load: str, tasks=(), params=()) -> tuple[str, str]:
    """Registers process CORP/<load> with the SDK, its initiation task and ``tasks`` (kwargs of
    register_task) and ``params`` (args of register_parameter)."""
    monitor.register_process("CORP", load, name=f"{load} load", owner="HR Team", load_frequency="D")
    monitor.register_task("CORP", load, task_id=0, workflow_id=0, sequence_id=0, task_name="Initiation",
                          source_type="DBX_NOTEBOOK")
    for t in tasks:
        monitor.register_task("CORP", load, **t)
    for p in params:
        monitor.register_parameter("CORP", load, *p)
    return "CORP", load


def seed(spark, schema, load: str, tasks=(), params=()) -> tuple[str, str]:
    """The same catalogue as ``process`` in one INSERT per table (Delta commits are the cost
    of these tests; the registration API itself is exercised by the quick start).
    tasks: (task_id, sequence_id, name, source_system_code, mandatory); params: (name, type, datetime, int)."""
    spark.sql(f"""INSERT INTO {schema}.ETLconfigProcess VALUES
        ('CORP', '{load}', '{load} load', 'HR Team', 'D', true, false, false, NULL, now(), now())""")
    rows = ["('CORP', '%s', 0, 0, 0, 'Initiation', 'DBX_NOTEBOOK', NULL, false, NULL, true, now(), now())" % load]
    for task_id, sequence_id, name, code, mandatory in tasks:
        rows.append(f"('CORP', '{load}', {task_id}, 1, {sequence_id}, '{name}', 'DBX_NOTEBOOK', "
                    f"{repr(code) if code else 'NULL'}, {str(mandatory).lower()}, NULL, true, now(), now())")
    spark.sql(f"INSERT INTO {schema}.ETLconfigTasks VALUES {', '.join(rows)}")
    if params:
        values = [f"('CORP', '{load}', '{name}', '{kind}', {f'TIMESTAMP {ts!r}' if ts else 'NULL'}, "
                  f"{'NULL' if i is None else i}, {'true' if kind == 'FLAG' else 'NULL'}, NULL, now())"
                  for name, kind, ts, i in params]
        spark.sql(f"INSERT INTO {schema}.ETLconfigParameters VALUES {', '.join(values)}")
    return "CORP", load


def steps(spark, schema, execution_id):
    return spark.sql(f"SELECT * FROM {schema}.ETLProcessingSteps WHERE ExecutionID = '{execution_id}' "
                     "ORDER BY TaskID, WorkFlowID, AttemptNumber").collect()


def latest(spark, schema, execution_id) -> dict:
    out = {}
    for r in steps(spark, schema, execution_id):
        out[(r.TaskID, r.WorkFlowID)] = r
    return out


def param(spark, schema, load, name):
    return spark.sql(f"SELECT * FROM {schema}.v_watermarks WHERE ProcessLoad = '{load}' AND ParameterName = '{name}'").collect()[0]


def versions(spark, schema) -> dict:
    return {t: spark.sql(f"DESCRIBE HISTORY {schema}.{t} LIMIT 1").collect()[0].version for t in TABLES}


# ---------------------------------------------------------------------------------- setup


def test_sdk_runs_the_stacks_sql_files_and_splits_them_like_the_harness():
    sql_dir = find_sql_dir()
    assert sql_dir == os.path.join(REPO_ROOT, "sql", "etl_monitor")  # the one copy, no embedded DDL
    for name in SQL_FILES:
        with open(os.path.join(sql_dir, name), encoding="utf-8") as fh:
            text = fh.read()
        assert split_statements(text) == harness_split(text), name
    assert markers("SELECT ':not_me', `:nor_me`, a::INT, :yes FROM t WHERE x = :also") == {"yes", "also"}


def test_setup_is_idempotent_and_restores_the_current_schema(spark, schema, monitor):
    spark.sql("USE default")
    before = {t: spark.table(f"{schema}.{t}").count() for t in TABLES}
    monitor.setup()
    assert spark.catalog.currentDatabase() == "default"
    assert {t: spark.table(f"{schema}.{t}").count() for t in TABLES} == before
    stages = spark.sql(f"SELECT SequenceID, SequenceCode FROM {schema}.ETLconfigSequence ORDER BY 1").collect()
    assert [tuple(r) for r in stages] == list(enumerate(
        ["LOAD_GO", "LOAD_DB_CONFIG", "LOAD_DB_TRAN", "LOAD_DIM", "LOAD_TRAN", "PRE_PROCESS", "PROCESS_DATA"]))
    names = {t.lower() for t in table_names(spark, schema)}
    assert {t.lower() for t in TABLES} | {"v_processstatus", "v_runsummary", "v_taskdetail", "v_mandatoryblockers",
                                          "v_currentfailures", "v_watermarks"} <= names
    props = {r.key: r.value for r in spark.sql(f"SHOW TBLPROPERTIES {schema}.ETLProcessingSteps").collect()}
    assert "delta.constraints.status_valid" in props


# ---------------------------------------------------------------------------------- quick start


def test_quick_start_end_to_end(spark, schema, monitor):
    proj, load = process(monitor, "HR_DAILY", tasks=[dict(
        task_id=1, workflow_id=1, sequence_id=2, task_name="Load Employees", source_type="DBX_NOTEBOOK",
        source_system_code="LoadEmployees", task_mandatory=True)],
        params=[("SYSDT", "SYSTEM"), ("LoadEmployees", "DELTA_DATE", "Last loaded employee timestamp")])
    exec_id = ETLMonitorFramework.generate_execution_id()
    assert uuid.UUID(exec_id) and exec_id != ETLMonitorFramework.generate_execution_id()
    assert monitor.generate_execution_steps(exec_id, proj, load, DAY) == 2
    assert monitor.generate_execution_steps(exec_id, proj, load, DAY) == 2  # idempotent

    # The catalogue changes after generation: the execution log keeps its snapshot.
    monitor.register_task(proj, load, task_id=1, workflow_id=1, sequence_id=2, task_name="Renamed later",
                          source_type="DBX_NOTEBOOK", source_system_code="LoadEmployees", task_mandatory=True)
    with monitor.task(exec_id, proj, load, task_id=1, workflow_id=1, sequence_id=2, processing_date=DAY) as run:
        run["log_message"] = "loaded 42 employees"

    rows = latest(spark, schema, exec_id)
    assert rows[(0, 0)].Status == "NQUE"
    done = rows[(1, 1)]
    assert (done.Status, done.AttemptNumber, done.TaskName, done.LogMessage) == ("DONE", 1, "Load Employees", "loaded 42 employees")
    assert done.StartTime <= done.EndTime
    # DELTA_DATE auto-advance to the task's StartTime.
    wm = param(spark, schema, load, "LoadEmployees")
    assert wm.ValueDateTime == done.StartTime and wm.ActiveValue == done.StartTime.strftime("%Y-%m-%d %H:%M:%S")
    logs = spark.sql(f"SELECT LogType, TaskID, Payload FROM {schema}.ETLsysLogs WHERE ExecutionID = '{exec_id}' ORDER BY LoggedAt").collect()
    assert [(r.LogType, r.TaskID) for r in logs] == [("INFO", 1), ("INFO", 1)]
    assert ['"event": "start"' in logs[0].Payload, '"event": "end"' in logs[1].Payload] == [True, True]

    detail = monitor.get_status(proj, load, execution_id=exec_id).collect()
    assert [(r.TaskID, r.Status, r.SequenceCode) for r in detail] == [(0, "NQUE", "LOAD_GO"), (1, "DONE", "LOAD_DB_TRAN")]
    assert [r.TaskID for r in monitor.get_status(proj, load).collect()] == [0, 1]  # latest execution by default
    summary = monitor.get_status(proj, load, summary_mode=True).collect()
    assert [(r.ExecutionID, r.TotalTasks, r.DoneTasks, r.NqueTasks) for r in summary] == [(exec_id, 2, 1, 1)]
    assert monitor.get_pending_tasks(exec_id, proj, load) == [{
        "ExecutionID": exec_id, "ProjectCode": proj, "ProcessLoad": load, "ProcessingDate": DAY, "TaskID": 0,
        "WorkFlowID": 0, "SequenceID": 0, "TaskName": "Initiation", "SourceType": "DBX_NOTEBOOK",
        "TaskMandatory": False, "Status": "NQUE", "AttemptNumber": 1}]


# ---------------------------------------------------------------------------------- retries


def test_first_failure_retries_and_a_repeated_failure_needs_a_reset(spark, schema, monitor):
    proj, load = seed(spark, schema, "RETRY", tasks=[(1, 2, "Flaky", None, False)])
    exec_id = ETLMonitorFramework.generate_execution_id()
    # get_pending_tasks generates the steps on the first call.
    assert [t["TaskID"] for t in monitor.get_pending_tasks(exec_id, proj, load, DAY)] == [0, 1]
    monitor.start_task(exec_id, proj, load, 0, 0, run_id="adf-run-1")

    with pytest.raises(RuntimeError, match="source down"):
        with monitor.task(exec_id, proj, load, task_id=1, workflow_id=1):
            raise RuntimeError("source down")
    failed = latest(spark, schema, exec_id)[(1, 1)]
    assert (failed.Status, failed.AttemptNumber, failed.ErrorMessage) == ("FAIL", 1, "RuntimeError: source down")
    assert [(t["TaskID"], t["Status"]) for t in monitor.get_pending_tasks(exec_id, proj, load)] == [(1, "FAIL")]

    # NQUE -> FAIL -> RQUE (automatic first retry) -> FAIL
    assert monitor.start_task(exec_id, proj, load, 1, 1) == 2
    monitor.fail_task(exec_id, proj, load, 1, 1, error_message="still down")
    assert monitor.get_pending_tasks(exec_id, proj, load) == []
    with pytest.raises(IllegalTransitionError, match="status_reset"):
        monitor.start_task(exec_id, proj, load, 1, 1)

    monitor.end_task(exec_id, proj, load, 0, 0)  # the run marker closed, then reopened by the reset
    assert monitor.status_reset(proj, load, execution_id=exec_id) == 2
    assert monitor.status_reset(proj, load, execution_id=exec_id) == 0  # nothing failed any more
    rows = latest(spark, schema, exec_id)
    assert [(k, r.Status, r.AttemptNumber) for k, r in sorted(rows.items())] == [((0, 0), "RQUE", 2), ((1, 1), "RQUE", 3)]

    with monitor.task(exec_id, proj, load, task_id=1, workflow_id=1):
        pass
    history = [(r.TaskID, r.AttemptNumber, r.Status) for r in steps(spark, schema, exec_id)]
    assert history == [(0, 1, "DONE"), (0, 2, "RQUE"), (1, 1, "FAIL"), (1, 2, "FAIL"), (1, 3, "DONE")]
    errors = spark.sql(f"SELECT LogMessage FROM {schema}.ETLsysLogs WHERE ExecutionID = '{exec_id}' AND LogType = 'ERROR' "
                       "ORDER BY LoggedAt").collect()
    assert [r.LogMessage for r in errors] == ["RuntimeError: source down", "still down"]


def test_reset_of_one_task_and_of_a_task_that_did_not_fail(spark, schema, monitor):
    proj, load = seed(spark, schema, "RESET_ONE", tasks=[(1, 2, "A", None, False), (2, 2, "B", None, False)])
    exec_id = ETLMonitorFramework.generate_execution_id()
    monitor.generate_execution_steps(exec_id, proj, load, DAY)
    for t in (1, 2):
        monitor.fail_task(exec_id, proj, load, t, 1, error_message=f"boom {t}")
    with pytest.raises(IllegalTransitionError, match="only a FAIL attempt"):
        monitor.status_reset(proj, load, execution_id=exec_id, task_id=0, workflow_id=0)
    # The initiation row is still queued (NQUE): re-queued rows are only those not queued already.
    assert monitor.status_reset(proj, load, execution_id=exec_id, task_id=2, workflow_id=1) == 1
    rows = latest(spark, schema, exec_id)
    assert [(k[0], r.Status, r.AttemptNumber) for k, r in sorted(rows.items())] == [
        (0, "NQUE", 1), (1, "FAIL", 1), (2, "RQUE", 2)]


# ---------------------------------------------------------------------------------- mandatory blockers


def test_a_mandatory_failure_blocks_downstream_and_fires_the_alert(spark, schema, monitor):
    proj, load = seed(spark, schema, "BLOCKED", tasks=[(1, 2, "Load Employees", None, True), (2, 6, "Build Mart", None, False)])
    exec_id = ETLMonitorFramework.generate_execution_id()
    monitor.generate_execution_steps(exec_id, proj, load, DAY)
    monitor.start_task(exec_id, proj, load, 1, 1)
    monitor.fail_task(exec_id, proj, load, 1, 1, error_message="source unreachable")

    before = versions(spark, schema)
    with pytest.raises(TaskBlockedError, match="Load Employees"):
        monitor.start_task(exec_id, proj, load, 2, 1)
    assert versions(spark, schema) == before
    assert [t["TaskID"] for t in monitor.get_pending_tasks(exec_id, proj, load)] == [0, 1]  # 1: its automatic retry

    blockers = spark.sql(f"SELECT * FROM {schema}.v_mandatoryBlockers WHERE ExecutionID = '{exec_id}'").collect()
    assert [(b.TaskName, b.SequenceCode, b.BlockedTasks) for b in blockers] == [("Load Employees", "LOAD_DB_TRAN", 1)]
    alert = run_sql_file(spark, "sql/alerts/etl_mandatory_blockers.sql",
                         {"catalog": LOCAL_CATALOG, "etl_schema": schema, "threshold": "1"})
    mine = [r for r in alert if r.alert_key.startswith(exec_id)]
    assert [(r.alert_key, r.severity, r.value) for r in mine] == [(f"{exec_id}/1/1", "high", 1.0)]
    assert "mandatory task Load Employees" in mine[0].message and "source unreachable" in mine[0].message

    with monitor.task(exec_id, proj, load, task_id=1, workflow_id=1):
        pass
    with monitor.task(exec_id, proj, load, task_id=2, workflow_id=1, sequence_id=6):
        pass
    alert = run_sql_file(spark, "sql/alerts/etl_mandatory_blockers.sql",
                         {"catalog": LOCAL_CATALOG, "etl_schema": schema, "threshold": "1"})
    assert [r for r in alert if r.alert_key.startswith(exec_id)] == []


# ---------------------------------------------------------------------------------- watermarks and modes


def test_delta_date_auto_advances_and_delta_id_only_explicitly(spark, schema, monitor):
    proj, load = seed(spark, schema, "WATERMARKS", tasks=[(1, 2, "By date", "ByDate", False), (2, 2, "By id", "ById", False)],
                      params=[("ByDate", "DELTA_DATE", None, None), ("ById", "DELTA_ID", None, 0), ("Enabled", "FLAG", None, None)])
    assert param(spark, schema, load, "ById").ActiveValue == "0"
    assert param(spark, schema, load, "Enabled").ActiveValue == "1"
    exec_id = ETLMonitorFramework.generate_execution_id()
    monitor.generate_execution_steps(exec_id, proj, load, DAY)
    for t in (1, 2):
        with monitor.task(exec_id, proj, load, task_id=t, workflow_id=1):
            pass
    rows = latest(spark, schema, exec_id)
    assert param(spark, schema, load, "ByDate").ValueDateTime == rows[(1, 1)].StartTime
    assert param(spark, schema, load, "ById").ValueINT == 0  # DONE never moves a DELTA_ID

    monitor.advance_watermark(proj, load, "ById", new_int_value=1234)
    assert param(spark, schema, load, "ById").ActiveValue == "1234"
    before = versions(spark, schema)
    with pytest.raises(ETLMonitorError, match="below the current watermark"):
        monitor.advance_watermark(proj, load, "ById", new_int_value=7)
    with pytest.raises(ETLMonitorError, match="only DELTA_ID and DELTA_DATE"):
        monitor.advance_watermark(proj, load, "Enabled", new_int_value=1)
    with pytest.raises(ETLMonitorError, match="pass new_int_value"):
        monitor.advance_watermark(proj, load, "ById", new_datetime_value="2026-01-01")
    with pytest.raises(UnknownParameterError):
        monitor.advance_watermark(proj, load, "Nope", new_int_value=1)
    assert versions(spark, schema) == before
    monitor.advance_watermark(proj, load, "ByDate", new_datetime_value="2099-01-01 00:00:00")
    assert param(spark, schema, load, "ByDate").ActiveValue == "2099-01-01 00:00:00"


def test_bulk_and_historic_modes_and_back_to_live(spark, schema, monitor):
    proj, load = seed(spark, schema, "MODES", tasks=[(1, 2, "Load", "ByDate", False)],
                      params=[("SYSDT", "SYSTEM", None, None), ("ByDate", "DELTA_DATE", "2026-04-08 13:45:00", None),
                              ("ById", "DELTA_ID", None, 42)])
    today = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d")

    monitor.set_processing_mode(proj, load, is_bulk_mode=True)
    assert (param(spark, schema, load, "ByDate").ActiveValue, param(spark, schema, load, "ById").ActiveValue) == (
        "1900-01-01 00:00:00", "0")
    assert param(spark, schema, load, "ByDate").IsBulkMode
    exec_bulk = ETLMonitorFramework.generate_execution_id()
    with monitor.task(exec_bulk, proj, load, task_id=1, workflow_id=1, processing_date=DAY):
        pass  # the full reload's start becomes the watermark
    assert param(spark, schema, load, "ByDate").ValueDateTime == latest(spark, schema, exec_bulk)[(1, 1)].StartTime
    advanced = param(spark, schema, load, "ByDate").ValueDateTime

    monitor.set_processing_mode(proj, load, is_historic_mode=True, historic_date="2026-01-01")
    assert param(spark, schema, load, "SYSDT").ActiveValue == "2026-01-01"
    exec_hist = ETLMonitorFramework.generate_execution_id()
    monitor.generate_execution_steps(exec_hist, proj, load)  # defaults to the historic date
    assert latest(spark, schema, exec_hist)[(1, 1)].ProcessingDate == dt.date(2026, 1, 1)
    with monitor.task(exec_hist, proj, load, task_id=1, workflow_id=1):
        pass
    assert param(spark, schema, load, "ByDate").ValueDateTime == advanced  # a historic rerun leaves it

    monitor.set_processing_mode(proj, load)
    assert param(spark, schema, load, "SYSDT").ActiveValue == today
    proc = spark.sql(f"SELECT * FROM {schema}.ETLconfigProcess WHERE ProcessLoad = '{load}'").collect()[0]
    assert (proc.IsBulkMode, proc.IsHistoricMode, proc.HistoricDate) == (False, False, None)
    for bad in (dict(is_bulk_mode=True, is_historic_mode=True, historic_date="2026-01-01"),
                dict(is_historic_mode=True), dict(historic_date="2026-01-01")):
        with pytest.raises(ETLMonitorError):
            monitor.set_processing_mode(proj, load, **bad)


# ---------------------------------------------------------------------------------- concurrency


def test_eight_parallel_tasks_of_one_stage_lose_no_update(spark, schema, monitor):
    n = 8
    proj, load = seed(spark, schema, "PARALLEL", tasks=[(t, 2, f"Part {t}", f"Part{t}", False) for t in range(1, n + 1)],
                      params=[(f"Part{t}", "DELTA_DATE", None, None) for t in range(1, n + 1)])
    exec_id = ETLMonitorFramework.generate_execution_id()
    monitor.generate_execution_steps(exec_id, proj, load, DAY)
    conflicts_before = monitor.retry.conflicts

    def all_at_once(fn):
        barrier = threading.Barrier(n)
        errors = []

        def worker(t):
            try:
                barrier.wait()
                fn(t)
            except BaseException as exc:  # noqa: BLE001 - reported below
                errors.append((t, exc))

        threads = [threading.Thread(target=worker, args=(t,)) for t in range(1, n + 1)]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        assert errors == []

    all_at_once(lambda t: monitor.start_task(exec_id, proj, load, t, 1, run_id=f"run-{t}"))
    all_at_once(lambda t: monitor.end_task(exec_id, proj, load, t, 1, log_message=f"part {t} loaded"))

    rows = latest(spark, schema, exec_id)
    parts = [rows[(t, 1)] for t in range(1, n + 1)]
    assert [(r.Status, r.AttemptNumber, r.RunID, r.LogMessage) for r in parts] == [
        ("DONE", 1, f"run-{t}", f"part {t} loaded") for t in range(1, n + 1)]
    assert len(steps(spark, schema, exec_id)) == n + 1  # no duplicate attempt rows
    for t, r in enumerate(parts, start=1):
        assert param(spark, schema, load, f"Part{t}").ValueDateTime == r.StartTime
    logs = spark.sql(f"SELECT count(*) FROM {schema}.ETLsysLogs WHERE ExecutionID = '{exec_id}'").collect()[0][0]
    assert logs == 2 * n
    # The writers really collided (same partition, no row-level concurrency) and were retried.
    assert monitor.retry.conflicts > conflicts_before


def test_retry_policy_retries_conflicts_only_and_is_bounded():
    sleeps = []
    policy = RetryPolicy(max_attempts=3, base_delay=1.0, max_delay=1.5, sleep=sleeps.append, rand=lambda: 0.5)

    class ConcurrentAppendException(Exception):
        pass

    calls = []

    def flaky():
        calls.append(1)
        if len(calls) < 3:
            raise ConcurrentAppendException("[DELTA_CONCURRENT_APPEND] Transaction conflict detected")
        return "ok"

    assert policy.run("x", flaky) == "ok" and sleeps == [0.5, 0.75] and policy.conflicts == 2
    with pytest.raises(Exception, match="after 3 attempts"):
        policy.run("x", lambda: (_ for _ in ()).throw(ConcurrentAppendException("again")))
    with pytest.raises(KeyError):
        policy.run("x", lambda: {}["not a conflict"])
    assert policy.conflicts == 5


# ---------------------------------------------------------------------------------- bad input


def test_bad_input_raises_a_clear_error_and_writes_nothing(spark, schema, monitor):
    proj, load = seed(spark, schema, "BAD", tasks=[(1, 2, "Only", None, False)])
    exec_id = ETLMonitorFramework.generate_execution_id()
    monitor.generate_execution_steps(exec_id, proj, load, DAY)
    monitor.start_task(exec_id, proj, load, 1, 1)
    monitor.end_task(exec_id, proj, load, 1, 1)
    before = versions(spark, schema)
    cases = [
        (UnknownProcessError, "NOPE is not registered", lambda: monitor.start_task(exec_id, proj, "NOPE", 1, 1)),
        (UnknownProcessError, "register_process", lambda: monitor.register_task(proj, "NOPE", 1, 1, 2, "x")),
        (UnknownTaskError, "task 9/workflow 1 is not registered", lambda: monitor.start_task(exec_id, proj, load, 9, 1)),
        (UnknownTaskError, "task 9/workflow 1 is not registered",
         lambda: monitor.start_task(ETLMonitorFramework.generate_execution_id(), proj, load, 9, 1, processing_date=DAY)),
        (UnknownExecutionError, "has no steps", lambda: monitor.end_task("no-such-run", proj, load, 1, 1)),
        (IllegalTransitionError, "already DONE", lambda: monitor.start_task(exec_id, proj, load, 1, 1)),
        (IllegalTransitionError, "attempt 1 is DONE", lambda: monitor.end_task(exec_id, proj, load, 1, 1)),
        (IllegalTransitionError, "attempt 1 is DONE", lambda: monitor.fail_task(exec_id, proj, load, 1, 1)),
        (IllegalTransitionError, "never started", lambda: monitor.end_task(exec_id, proj, load, 0, 0)),
        (IllegalTransitionError, "only a FAIL attempt", lambda: monitor.status_reset(proj, load, exec_id, task_id=1)),
        (ETLMonitorError, "runs in sequence 0, not 5", lambda: monitor.start_task(exec_id, proj, load, 0, 0, sequence_id=5)),
        (ETLMonitorError, "source_type", lambda: monitor.register_task(proj, load, 2, 1, 2, "x", source_type="SSIS")),
        (ETLMonitorError, "initiation task", lambda: monitor.register_task(proj, load, 0, 1, 2, "x")),
        (ETLMonitorError, "sequence_id 8 is not a stage", lambda: monitor.register_task(proj, load, 2, 1, 8, "x")),
        (ETLMonitorError, "parameter_type", lambda: monitor.register_parameter(proj, load, "p", "DATE")),
        (ETLMonitorError, "task_id must be an integer", lambda: monitor.start_task(exec_id, proj, load, "one", 1)),
        (ETLMonitorError, "already exists for CORP/BAD", lambda: monitor.generate_execution_steps(exec_id, proj, load, "2026-04-10")),
        (ETLMonitorError, "log_type", lambda: monitor.end_task(exec_id, proj, load, 0, 0, log_type="DEBUG")),
    ]
    for error, message, call in cases:
        with pytest.raises(error, match=message):
            call()
    assert versions(spark, schema) == before
    with pytest.raises(ETLMonitorError, match="not a valid catalog/schema name"):
        ETLMonitorFramework(spark, catalog="main; DROP TABLE x", schema="etl")
    with pytest.raises(FileNotFoundError, match="does not hold"):
        ETLMonitorFramework(spark, catalog="main", schema="etl", sql_dir=str(REPO_ROOT))


# ---------------------------------------------------------------------------------- notebooks


class FakeDbutils:
    """The slice of dbutils the notebooks use: widgets.text/get and notebook.exit."""

    def __init__(self, values: dict):
        outer = self
        self.values, self.defaults, self.exits = dict(values), {}, []

        class Widgets:
            def text(self, name, default, label=None):
                outer.defaults[name] = default

            def get(self, name):
                if name not in outer.defaults:
                    raise KeyError(f"widget {name} was not declared")
                return outer.values.get(name, outer.defaults[name])

        class Notebook:
            def exit(self, value):
                outer.exits.append(value)

        self.widgets, self.notebook = Widgets(), Notebook()


def test_utility_notebooks_drive_a_run_like_adf(spark, schema, load_notebook):
    import json

    proj, load = seed(spark, schema, "ADF", tasks=[(1, 2, "Copy employees", None, False), (2, 2, "Copy badges", None, False)])
    exec_id = ETLMonitorFramework.generate_execution_id()
    base = {"lib_path": LIB, "catalog": LOCAL_CATALOG, "etl_schema": schema, "execution_id": exec_id,
            "project_code": proj, "process_load": load}

    def call(notebook, **widgets):
        dbutils = FakeDbutils({**base, **widgets})
        load_notebook(f"notebooks/{notebook}.py", dbutils=dbutils)
        return json.loads(dbutils.exits[-1])

    pending = call("etl_pending_tasks", processing_date=DAY, sequence_id="2")["tasks"]
    assert [(t["TaskID"], t["Status"]) for t in pending] == [(1, "NQUE"), (2, "NQUE")]
    task1 = {"task_id": "1", "workflow_id": "1", "sequence_id": "2", "processing_date": DAY, "source_type": "ADF_PIPELINE",
             "run_id": "adf-0001"}
    assert call("etl_start_task", **task1) == {"execution_id": exec_id, "task_id": 1, "workflow_id": 1, "attempt": 1,
                                               "status": "STARTED"}
    assert call("etl_end_task", **task1, log_message="copied 10 rows", log_type="INFO")["status"] == "DONE"
    task2 = {"task_id": "2", "workflow_id": "1"}
    call("etl_start_task", **task2)
    assert call("etl_fail_task", **task2, error_message="Copy activity failed: timeout")["status"] == "FAIL"

    rows = latest(spark, schema, exec_id)
    assert (rows[(1, 1)].Status, rows[(1, 1)].RunID, rows[(1, 1)].LogMessage) == ("DONE", "adf-0001", "copied 10 rows")
    assert (rows[(2, 1)].Status, rows[(2, 1)].ErrorMessage) == ("FAIL", "Copy activity failed: timeout")
    receipt = spark.sql(f"SELECT SourceType, RunID FROM {schema}.ETLsysLogs WHERE ExecutionID = '{exec_id}' AND TaskID = 1 "
                        "ORDER BY LoggedAt LIMIT 1").collect()[0]
    assert tuple(receipt) == ("ADF_PIPELINE", "adf-0001")

    with pytest.raises(IllegalTransitionError, match="attempt 1 is DONE"):
        call("etl_end_task", **task1)
    with pytest.raises(ValueError, match="widget\\(s\\) task_id, workflow_id must be set"):
        call("etl_start_task")
    with pytest.raises(ValueError, match="lib_path"):
        call("etl_start_task", lib_path="")


def test_sample_process_runs_twice_and_loads_incrementally(spark, schema, monitor, load_notebook):
    from etl_monitor import widgets

    assert set(widgets.widget_names("end")) >= {"execution_id", "project_code", "process_load", "task_id", "workflow_id",
                                                "sequence_id", "processing_date", "source_type", "log_message", "log_type"}
    first = ETLMonitorFramework.generate_execution_id()
    dbutils = FakeDbutils({"lib_path": LIB, "catalog": LOCAL_CATALOG, "etl_schema": schema, "execution_id": first,
                           "processing_date": DAY, "stage": "all", "new_orders": "3"})
    nb = load_notebook("notebooks/etl_sample_process.py", dbutils=dbutils)
    wm_first = param(spark, schema, "ORDERS_DAILY", "StageOrders").ValueDateTime
    assert wm_first == latest(spark, schema, first)[(1, 1)].StartTime

    # The job form: one task per stage, the same execution id.
    second = ETLMonitorFramework.generate_execution_id()
    staged = [nb.run(spark, monitor, stage, second, DAY, new_orders=2).get("staged") for stage in nb.STAGES]
    assert staged == [None, 2, None, None]  # only the rows changed after the first run's watermark
    assert {(k, r.Status) for k, r in latest(spark, schema, second).items()} == {((0, 0), "DONE"), ((1, 1), "DONE"), ((2, 1), "DONE")}
    assert param(spark, schema, "ORDERS_DAILY", "StageOrders").ValueDateTime > wm_first
    totals = spark.sql(f"SELECT orders FROM {schema}.sample_daily_totals").collect()
    assert [r.orders for r in totals] == [5]
    with pytest.raises(ValueError, match="stage 'everything'"):
        nb.run(spark, monitor, "everything", second)
