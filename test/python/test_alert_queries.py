"""Every alert query (sql/alerts/<kind>.sql) returns nothing on a quiet fixture and a row once
the triggering rows are added. Fixtures are relative to now: the alert queries look back from
current_timestamp(), as they run unparameterized in alert_v2 (values bound at deploy time)."""

from __future__ import annotations

import datetime as dt

import pytest

from sqlharness import run_sql, run_sql_file
from gold_support import price_row, usage_row
from test_analytics_support import (create_bronze_table, params, refresh_gold, run_slices, setup_etl, setup_gold,
                                    task_slices)

NOW = dt.datetime.now().replace(microsecond=0)
HOUR = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)


def ago(hours: float) -> dt.datetime:
    return NOW - dt.timedelta(hours=hours)


def query(spark, kind: str, schema: str, threshold, **extra) -> list:
    p = params(bronze_schema=schema, gold_schema=schema, etl_schema=schema, threshold=str(threshold),
               platform_job_ids="900,901", platform_pipeline_ids="p-1", **extra)
    rows = run_sql_file(spark, f"sql/alerts/{kind}.sql", p)
    for r in rows:  # every alert query has the same shape
        assert set(r.asDict()) == {"alert_key", "workspace_id", "job_id", "severity", "message", "value"}
        assert r["alert_key"] and r["message"]
    return rows


def test_failed_job_runs(spark, fresh_schema):
    s = fresh_schema
    create_bronze_table(spark, s, "system.lakeflow.jobs", [{"workspace_id": "1", "job_id": "7", "name": "Sales", "change_time": ago(500)}])
    create_bronze_table(spark, s, "system.lakeflow.job_run_timeline",
                        run_slices("7", "ok", ago(3), 600, "SUCCEEDED", "SUCCESS")
                        + run_slices("7", "old", ago(30), 600, "FAILED", "RUN_EXECUTION_ERROR")
                        + run_slices("7", "running", ago(2), 60, None)
                        # timed out, then repaired to success: not a failed run
                        + run_slices("7", "fixed", ago(6), 60, "TIMED_OUT", "RUN_EXECUTION_ERROR")
                        + run_slices("7", "fixed", ago(4), 60, "SUCCEEDED", "SUCCESS"))
    setup_gold(spark, s)
    assert query(spark, "failed_job_runs", s, 1) == []
    create_bronze_table(spark, s, "system.lakeflow.job_run_timeline", run_slices("7", "bad", ago(5), 5400, "FAILED", "DRIVER_ERROR"))
    refresh_gold(spark, s)
    rows = query(spark, "failed_job_runs", s, 1)
    assert [(r.job_id, r.value) for r in rows] == [("7", 1)]
    assert "Sales failed 1 time(s)" in rows[0].message and "DRIVER_ERROR" in rows[0].message
    assert query(spark, "failed_job_runs", s, 2) == []  # the threshold is per job
    # the failure is repaired: it stops counting
    create_bronze_table(spark, s, "system.lakeflow.job_run_timeline", run_slices("7", "bad", ago(1), 60, "SUCCEEDED", "SUCCESS"))
    refresh_gold(spark, s)
    assert query(spark, "failed_job_runs", s, 1) == []


def test_job_health_low(spark, fresh_schema):
    s = fresh_schema
    setup_gold(spark, s, refresh_model=False)
    table = f"{s}.job_health_scores"
    cols = "(workspace_id, job_id, job_name, calculation_time, health_score, success_rate, trend)"
    spark.sql(f"INSERT INTO {table} {cols} VALUES ('1', '7', 'Sales', TIMESTAMP '{ago(100)}', 10, 0.1, 'degrading'), "
              f"('1', '7', 'Sales', TIMESTAMP '{ago(1)}', 90, 1.0, 'stable')")
    assert query(spark, "job_health_low", s, 70) == []  # only the latest score counts
    spark.sql(f"INSERT INTO {table} {cols} VALUES ('1', '8', 'Billing', TIMESTAMP '{ago(1)}', 45.5, 0.5, 'degrading')")
    rows = query(spark, "job_health_low", s, 70)
    assert [(r.job_id, r.value, r.severity) for r in rows] == [("8", 45.5, "medium")]


def test_job_duration_anomaly(spark, fresh_schema):
    s = fresh_schema
    setup_gold(spark, s, refresh_model=False)
    table = f"{s}.job_duration_anomalies"
    cols = "(workspace_id, job_id, job_name, run_id, run_end_time, duration_seconds, baseline_median_seconds, robust_z_score, direction)"
    spark.sql(f"INSERT INTO {table} {cols} VALUES "
              f"('1', '7', 'Sales', 'fast', TIMESTAMP '{ago(2)}', 10, 600, -20, 'faster'), "
              f"('1', '7', 'Sales', 'old', TIMESTAMP '{ago(50)}', 6000, 600, 40, 'slower'), "
              f"('1', '7', 'Sales', 'mild', TIMESTAMP '{ago(2)}', 700, 600, 3.0, 'slower')")
    assert query(spark, "job_duration_anomaly", s, 3.5) == []
    spark.sql(f"INSERT INTO {table} {cols} VALUES ('1', '7', 'Sales', 'slow', TIMESTAMP '{ago(2)}', 5400, 600, 647.5, 'slower')")
    rows = query(spark, "job_duration_anomaly", s, 3.5)
    assert [r.alert_key for r in rows] == ["1/7/slow"]


def test_bronze_ingestion_stale(spark, fresh_schema):
    s = fresh_schema
    fresh = {"bronze_ingestion_timestamp": ago(1)}
    create_bronze_table(spark, s, "system.lakeflow.job_run_timeline", [{"job_id": "1", **fresh}])
    create_bronze_table(spark, s, "system.lakeflow.job_task_run_timeline", [{"job_id": "1", **fresh}])
    create_bronze_table(spark, s, "system.billing.usage", [{"record_id": "r", "bronze_ingestion_timestamp": ago(30)}])
    assert query(spark, "bronze_ingestion_stale", s, 36) == []
    rows = query(spark, "bronze_ingestion_stale", s, 24)
    assert [r.alert_key for r in rows] == ["usage"]
    assert rows[0].value == pytest.approx(30, abs=1)  # hours since the fixture's NOW


def test_bronze_ingestion_stale_when_a_table_is_empty(spark, fresh_schema):
    s = fresh_schema
    create_bronze_table(spark, s, "system.lakeflow.job_run_timeline", [{"job_id": "1", "bronze_ingestion_timestamp": ago(1)}])
    create_bronze_table(spark, s, "system.lakeflow.job_task_run_timeline", [{"job_id": "1", "bronze_ingestion_timestamp": ago(1)}])
    create_bronze_table(spark, s, "system.billing.usage")
    assert [r.alert_key for r in query(spark, "bronze_ingestion_stale", s, 36)] == ["usage"]


def _usage(record_id: str, days_ago: int, quantity: float, unit: str = "DBU", workspace_id: str = "1", hour: int = 12,
           record_type: str = "ORIGINAL") -> dict:
    start = dt.datetime.combine((NOW - days_ago * DAY).date(), dt.time(hour))
    return usage_row(record_id, start, quantity, unit=unit, workspace_id=workspace_id, record_type=record_type)


def test_dbu_cost_spike(spark, fresh_schema):
    s = fresh_schema
    create_bronze_table(spark, s, "system.billing.list_prices", [
        # effective 0.15 USD/DBU (default 0.30 is the long-term estimate, not the cost)
        price_row(dt.datetime(2020, 1, 1), None, 0.30, 0.15),
        price_row(dt.datetime(2019, 1, 1), dt.datetime(2020, 1, 1), 9.0, 9.0),
    ])
    quiet = [_usage("a", 2, 100), _usage("b", 1, 110), _usage("b", 1, 110),  # duplicate record: counted once
             _usage("ms", 1, 10_000_000, unit="MILLISECOND"), _usage("today", 0, 1000),
             _usage("w2-a", 2, 10, workspace_id="2"), _usage("w2-b", 1, 10, workspace_id="2")]
    create_bronze_table(spark, s, "system.billing.usage", quiet)
    setup_gold(spark, s)
    assert query(spark, "dbu_cost_spike", s, 50) == []  # +10 %
    create_bronze_table(spark, s, "system.billing.usage", [_usage("c", 1, 90)])  # yesterday 200 DBU: +100 %
    refresh_gold(spark, s)
    rows = query(spark, "dbu_cost_spike", s, 50)
    assert len(rows) == 1 and rows[0].value == pytest.approx(100.0) and rows[0].workspace_id == "1"
    assert rows[0].alert_key.startswith("1/")
    assert "30.00 USD" in rows[0].message and "15.00 USD" in rows[0].message
    # a retraction of yesterday's extra usage (negative quantity) takes the spike back
    create_bronze_table(spark, s, "system.billing.usage", [_usage("c-retract", 1, -90, record_type="RETRACTION")])
    refresh_gold(spark, s)
    assert query(spark, "dbu_cost_spike", s, 50) == []


@pytest.fixture
def etl(spark, fresh_schema):
    s = fresh_schema
    setup_etl(spark, s)
    spark.sql(f"""INSERT INTO {s}.ETLconfigTasks VALUES
        ('CORP', 'HR', 0, 0, 0, 'Initiation', 'DBX_NOTEBOOK', NULL, false, NULL, true, now(), now()),
        ('CORP', 'HR', 1, 1, 2, 'Load', 'DBX_NOTEBOOK', NULL, true, NULL, true, now(), now()),
        ('CORP', 'HR', 2, 1, 2, 'Optional', 'ADF_PIPELINE', NULL, false, NULL, true, now(), now()),
        ('CORP', 'HR', 3, 1, 6, 'Mart', 'DBX_JOB', NULL, true, NULL, true, now(), now())""")
    run_sql_file(spark, "sql/etl_monitor/generate_execution_steps.sql", params(
        etl_schema=s, execution_id="e1", project_code="CORP", process_load="HR", processing_date="2026-04-09"))
    return s


def test_etl_mandatory_blockers(spark, etl):
    spark.sql(f"UPDATE {etl}.ETLProcessingSteps SET Status = 'FAIL', ErrorMessage = 'boom' WHERE TaskID = 2")
    assert query(spark, "etl_mandatory_blockers", etl, 1) == []  # the failed task is not mandatory
    spark.sql(f"UPDATE {etl}.ETLProcessingSteps SET Status = 'FAIL', ErrorMessage = 'boom' WHERE TaskID = 1")
    rows = query(spark, "etl_mandatory_blockers", etl, 1)
    assert [(r.alert_key, r.value) for r in rows] == [("e1/1/1", 1.0)]
    assert "mandatory task Load (sequence LOAD_DB_TRAN)" in rows[0].message
    assert query(spark, "etl_mandatory_blockers", etl, 2) == []


def test_platform_failures(spark, fresh_schema):
    s = fresh_schema
    create_bronze_table(spark, s, "system.lakeflow.job_run_timeline",
                        run_slices("900", "ok", ago(2), 600, "SUCCEEDED", "SUCCESS", run_name="orchestrator")
                        + run_slices("555", "other", ago(2), 600, "FAILED", "RUN_EXECUTION_ERROR"))
    create_bronze_table(spark, s, "system.lakeflow.job_task_run_timeline")
    create_bronze_table(spark, s, "system.lakeflow.pipeline_update_timeline", [
        {"workspace_id": "1", "pipeline_id": "p-1", "update_id": "u1", "result_state": "COMPLETED",
         "period_start_time": ago(3), "period_end_time": ago(2)},
        {"workspace_id": "1", "pipeline_id": "p-other", "update_id": "u2", "result_state": "FAILED",
         "period_start_time": ago(3), "period_end_time": ago(2)},
    ])
    setup_gold(spark, s)
    assert query(spark, "platform_failures", s, 24) == []  # other jobs' failures are not the platform's
    create_bronze_table(spark, s, "system.lakeflow.job_run_timeline",
                        run_slices("901", "m1", ago(4), 4000, "FAILED", "RUN_EXECUTION_ERROR", run_name="merge job"))
    create_bronze_table(spark, s, "system.lakeflow.job_task_run_timeline",
                        task_slices("901", "m1", "merge", ago(4), 4000, "FAILED", "RUN_EXECUTION_ERROR"))
    create_bronze_table(spark, s, "system.lakeflow.pipeline_update_timeline", [
        {"workspace_id": "1", "pipeline_id": "p-1", "update_id": "u3", "result_state": None,
         "period_start_time": ago(5), "period_end_time": ago(4)},
        {"workspace_id": "1", "pipeline_id": "p-1", "update_id": "u3", "result_state": "FAILED",
         "period_start_time": ago(4), "period_end_time": ago(3.5)},
    ])
    # a platform run that failed and was repaired is not a failure
    create_bronze_table(spark, s, "system.lakeflow.job_run_timeline",
                        run_slices("900", "rep", ago(6), 60, "FAILED", "RUN_EXECUTION_ERROR")
                        + run_slices("900", "rep", ago(3), 60, "SUCCEEDED", "SUCCESS"))
    refresh_gold(spark, s)
    rows = sorted(query(spark, "platform_failures", s, 24), key=lambda r: r.alert_key)
    assert [r.alert_key for r in rows] == ["job/1/901/m1", "pipeline/1/p-1/u3"]
    assert "failed tasks: merge" in rows[0].message and rows[0].severity == "critical"
    assert query(spark, "platform_failures", s, 1) == []  # outside the look-back


def test_every_alert_file_is_covered():
    import os

    from sqlharness import SQL_DIR

    kinds = sorted(f[:-4] for f in os.listdir(os.path.join(SQL_DIR, "alerts")))
    tested = {name[5:] for name in globals() if name.startswith("test_") and name[5:] in kinds}
    # Kinds tested beside the gold tables they read, in the module that builds those tables.
    elsewhere = {"job_overprovisioned": "test_utilization.py"}
    for kind, module in elsewhere.items():
        with open(os.path.join(os.path.dirname(__file__), module), encoding="utf-8") as fh:
            if f"sql/alerts/{kind}.sql" in fh.read():
                tested.add(kind)
    assert sorted(tested) == kinds


def test_run_sql_is_importable():  # keeps the harness import honest for ruff
    assert callable(run_sql)
