"""ETL process monitor (sql/etl_monitor/): tables, views, seeded stages, status machine."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from sqlharness import run_sql_file, table_names
from test_analytics_support import params, setup_etl

STAGES = ["LOAD_GO", "LOAD_DB_CONFIG", "LOAD_DB_TRAN", "LOAD_DIM", "LOAD_TRAN", "PRE_PROCESS", "PROCESS_DATA"]


def _build(spark, s):
    """The schema every test reads: set up and stepped twice (both idempotent)."""
    spark.sql(f"CREATE SCHEMA IF NOT EXISTS {s}")
    setup_etl(spark, s)
    setup_etl(spark, s)  # idempotent
    spark.sql(f"""INSERT INTO {s}.ETLconfigProcess VALUES
        ('CORP', 'HR_DAILY', 'HR Daily Load', 'HR Team', 'D', true, false, false, NULL, now(), now())""")
    spark.sql(f"""INSERT INTO {s}.ETLconfigTasks VALUES
        ('CORP', 'HR_DAILY', 0, 0, 0, 'Initiation', 'DBX_NOTEBOOK', NULL, false, NULL, true, now(), now()),
        ('CORP', 'HR_DAILY', 1, 1, 2, 'Load Employees', 'DBX_NOTEBOOK', 'LoadEmployees', true, 30, true, now(), now()),
        ('CORP', 'HR_DAILY', 2, 1, 2, 'Load Badges', 'ADF_PIPELINE', NULL, false, NULL, true, now(), now()),
        ('CORP', 'HR_DAILY', 3, 1, 6, 'Build Mart', 'DBX_JOB', NULL, true, NULL, true, now(), now()),
        ('CORP', 'HR_DAILY', 4, 1, 6, 'Retired Task', 'DBX_JOB', NULL, true, NULL, false, now(), now())""")
    spark.sql(f"""INSERT INTO {s}.ETLconfigParameters VALUES
        ('CORP', 'HR_DAILY', 'SYSDT', 'SYSTEM', NULL, NULL, NULL, 'live', now()),
        ('CORP', 'HR_DAILY', 'HISTDT', 'SYSTEM', TIMESTAMP '2026-01-01 00:00:00', NULL, NULL, 'historic', now()),
        ('CORP', 'HR_DAILY', 'LoadEmployees', 'DELTA_DATE', TIMESTAMP '2026-04-08 13:45:00', NULL, NULL, 'wm', now()),
        ('CORP', 'HR_DAILY', 'BulkDate', 'DELTA_DATE', NULL, NULL, NULL, 'bulk', now()),
        ('CORP', 'HR_DAILY', 'LoadById', 'DELTA_ID', NULL, 42, NULL, 'id', now()),
        ('CORP', 'HR_DAILY', 'Enabled', 'FLAG', NULL, NULL, true, 'flag', now())""")
    step_params = params(etl_schema=s, execution_id="exec-1", project_code="CORP", process_load="HR_DAILY",
                         processing_date="2026-04-09")
    run_sql_file(spark, "sql/etl_monitor/generate_execution_steps.sql", step_params)
    run_sql_file(spark, "sql/etl_monitor/generate_execution_steps.sql", step_params)  # idempotent
    return s


@pytest.fixture(scope="module")
def etl(spark):
    """One schema for the tests that only read it (the setup is the cost of these tests)."""
    s = _build(spark, f"etl_sql_{uuid.uuid4().hex[:8]}")
    yield s
    spark.sql(f"DROP SCHEMA IF EXISTS {s} CASCADE")


@pytest.fixture
def etl_own(spark, fresh_schema):
    """A schema of the test's own, for a test that changes the steps."""
    return _build(spark, fresh_schema)


def test_setup_seeds_the_seven_stages_once(spark, etl):
    rows = spark.sql(f"SELECT SequenceID, SequenceCode, IsFrameworkManaged FROM {etl}.ETLconfigSequence ORDER BY 1").collect()
    assert [(r[0], r[1]) for r in rows] == list(enumerate(STAGES))
    assert all(r[2] for r in rows)
    tables = {t.lower() for t in table_names(spark, etl)}
    assert {"etlconfigsequence", "etlconfigprocess", "etlconfigtasks", "etlconfigparameters", "etlprocessingsteps",
            "etlsyslogs", "v_processstatus", "v_runsummary", "v_taskdetail", "v_mandatoryblockers",
            "v_currentfailures", "v_watermarks"} <= tables


def test_generated_steps_are_nque_snapshots_of_active_tasks(spark, etl):
    rows = spark.sql(f"SELECT TaskID, Status, AttemptNumber, TaskName, TaskMandatory FROM {etl}.ETLProcessingSteps ORDER BY TaskID").collect()
    assert [tuple(r) for r in rows] == [
        (0, "NQUE", 1, "Initiation", False),
        (1, "NQUE", 1, "Load Employees", True),
        (2, "NQUE", 1, "Load Badges", False),
        (3, "NQUE", 1, "Build Mart", True),
    ]


def test_views_show_a_mandatory_blocker_sla_breach_and_reset(spark, etl_own):
    s = etl_own
    spark.sql(f"""UPDATE {s}.ETLProcessingSteps SET Status = 'FAIL', StartTime = TIMESTAMP '2026-04-09 01:00:00',
                  EndTime = TIMESTAMP '2026-04-09 02:00:00', ErrorMessage = 'source unreachable' WHERE TaskID = 1""")
    spark.sql(f"UPDATE {s}.ETLProcessingSteps SET Status = 'DONE', StartTime = now(), EndTime = now() WHERE TaskID = 2")

    blockers = spark.table(f"{s}.v_mandatoryBlockers").collect()
    assert [(b.TaskName, b.SequenceCode, b.BlockedTasks) for b in blockers] == [("Load Employees", "LOAD_DB_TRAN", 1)]
    status = spark.table(f"{s}.v_processStatus").collect()
    assert [(r.ProcessName, r.ProcessStatus, r.FailedTasks, r.MandatoryBlockers) for r in status] == [("HR Daily Load", "FAIL", 1, 1)]
    detail = {r.TaskID: r for r in spark.table(f"{s}.v_taskDetail").collect()}
    assert detail[1].SLABreached and detail[1].DurationMinutes == 60  # 60 min against a 30 min SLA
    assert not detail[2].SLABreached
    summary = spark.table(f"{s}.v_runSummary").collect()
    assert [(r.TotalTasks, r.FailTasks, r.DoneTasks, r.NqueTasks) for r in summary] == [(4, 1, 1, 2)]

    # FAIL -> RQUE as attempt 2; the initiation row is re-queued with it; a second reset adds nothing.
    reset = params(etl_schema=s, execution_id="exec-1", processing_date="2026-04-09", task_id="", workflow_id="")
    spark.sql(f"UPDATE {s}.ETLProcessingSteps SET Status = 'DONE' WHERE TaskID = 0")
    run_sql_file(spark, "sql/etl_monitor/status_reset.sql", reset)
    run_sql_file(spark, "sql/etl_monitor/status_reset.sql", reset)
    attempts = spark.sql(f"SELECT TaskID, AttemptNumber, Status FROM {s}.ETLProcessingSteps WHERE AttemptNumber > 1 ORDER BY TaskID").collect()
    assert [tuple(r) for r in attempts] == [(0, 2, "RQUE"), (1, 2, "RQUE")]
    assert spark.table(f"{s}.v_mandatoryBlockers").count() == 0
    assert spark.table(f"{s}.v_currentFailures").count() == 0


def test_status_constraint_rejects_unknown_states(spark, etl):
    with pytest.raises(Exception, match="(?i)status_valid|CHECK constraint"):
        spark.sql(f"UPDATE {etl}.ETLProcessingSteps SET Status = 'DONEISH' WHERE TaskID = 1")


def test_watermarks_resolve_active_value_as_string(spark, etl):
    got = {r.ParameterName: r.ActiveValue for r in spark.table(f"{etl}.v_watermarks").collect()}
    assert got == {
        "SYSDT": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d"),
        "HISTDT": "2026-01-01",
        "LoadEmployees": "2026-04-08 13:45:00",
        "BulkDate": "1900-01-01 00:00:00",
        "LoadById": "42",
        "Enabled": "1",
    }
    types = {f.name: f.dataType.simpleString() for f in spark.table(f"{etl}.v_watermarks").schema.fields}
    assert types["ActiveValue"] == "string"
