"""Failed-run report: sql/reports/failed_runs.sql and notebooks/report_failed_runs.py."""

from __future__ import annotations

import datetime as dt

import pytest

from sqlharness import load_sql, run_sql_file, sql_executor
from test_analytics_support import create_bronze_table, job_row, params, run_slices, setup_gold, task_slices

T0 = dt.datetime(2025, 2, 28, 6, 0, 0)


@pytest.fixture
def failures(spark, fresh_schema):
    runs, tasks = [], []

    def run(job, run_id, start, seconds, result, code, failed_task=None, task_code=None):
        runs.extend(run_slices(job, run_id, start, seconds, result, code))
        if failed_task:
            tasks.extend(task_slices(job, run_id, failed_task, start, seconds, "FAILED", task_code or code))

    run("101", "f1", T0, 600, "FAILED", "RUN_EXECUTION_ERROR", "load", "RUN_EXECUTION_ERROR")
    run("202", "f2", T0 + dt.timedelta(hours=1), 60, "FAILED", "INVALID_CLUSTER_REQUEST")
    run("303", "f3", T0 + dt.timedelta(hours=2), 5400, "TIMED_OUT", "RUN_EXECUTION_ERROR")
    run("404", "f4", T0 + dt.timedelta(hours=5), 120, "FAILED", "RUN_EXECUTION_ERROR", "dq_checks", "RUN_EXECUTION_ERROR")
    tasks.extend(task_slices("404", "f4", "ingest", T0 + dt.timedelta(hours=5), 60, "SUCCEEDED", "SUCCESS"))
    run("101", "ok", T0, 60, "SUCCEEDED", "SUCCESS")
    run("101", "old", T0 - dt.timedelta(days=2), 60, "FAILED", "RUN_EXECUTION_ERROR")
    run("101", "cancelled", T0, 60, "CANCELLED", "CANCELED")
    # failed at 12:00 in task load, repaired at 14:00 (a new task run of load): reported once, as repaired
    run("505", "rep", T0 + dt.timedelta(hours=6), 60, "FAILED", "RUN_EXECUTION_ERROR", "load", "RUN_EXECUTION_ERROR")
    runs.extend(run_slices("505", "rep", T0 + dt.timedelta(hours=8), 60, "SUCCEEDED", "SUCCESS"))
    tasks.extend({**t, "run_id": "rep-load-repair"}
                 for t in task_slices("505", "rep", "load", T0 + dt.timedelta(hours=8), 60, "SUCCEEDED", "SUCCESS"))
    # failed, repaired to an error: one row, with the latest attempt's state and code
    run("606", "f-err", T0 + dt.timedelta(hours=9), 60, "FAILED", "RUN_EXECUTION_ERROR")
    runs.extend(run_slices("606", "f-err", T0 + dt.timedelta(hours=10), 60, "ERROR", "DRIVER_ERROR"))
    create_bronze_table(spark, fresh_schema, "system.lakeflow.job_run_timeline", runs)
    create_bronze_table(spark, fresh_schema, "system.lakeflow.job_task_run_timeline", tasks)
    create_bronze_table(spark, fresh_schema, "system.lakeflow.jobs", [
        job_row("101", "old name", dt.datetime(2025, 1, 1)),
        job_row("101", "Nightly ETL", dt.datetime(2025, 2, 1)),
        job_row("202", "Cluster Job", dt.datetime(2025, 2, 1)),
        job_row("404", "Quality Gate", dt.datetime(2025, 2, 1)),
        job_row("505", "Repaired Job", dt.datetime(2025, 2, 1)),
    ])
    setup_gold(spark, fresh_schema)
    return params(gold_schema=fresh_schema, as_of="2025-03-01 00:00:00", window_hours="24")


def test_report_lists_failed_runs_with_categories(spark, failures):
    rows = [r.asDict() for r in run_sql_file(spark, "sql/reports/failed_runs.sql", failures)]
    assert [(r["Job_Id"], r["Job_Name"], r["Status"], r["Error_Category"]) for r in rows] == [
        ("101", "Nightly ETL", "FAILED", "runtime"),
        ("202", "Cluster Job", "FAILED", "configuration"),
        ("303", "unknown", "TIMED_OUT", "resource"),
        ("404", "Quality Gate", "FAILED", "data quality"),
        ("505", "Repaired Job", "REPAIRED", "runtime"),
        ("606", "unknown", "ERROR", "resource"),
    ]
    assert rows[0]["Timestamp (UTC)"] == "2025-02-28 06:10:00"
    assert rows[0]["Error_Details"] == "[runtime] termination_code=RUN_EXECUTION_ERROR; failed_tasks=load (RUN_EXECUTION_ERROR)"
    assert rows[2]["Timestamp (UTC)"] == "2025-02-28 09:30:00"  # 5400 s run: end of its last slice
    assert rows[3]["Error_Details"] == "[data quality] termination_code=RUN_EXECUTION_ERROR; failed_tasks=dq_checks (RUN_EXECUTION_ERROR)"
    assert rows[4]["Timestamp (UTC)"] == "2025-02-28 14:01:00"  # the end of the repair
    assert rows[4]["Error_Details"] == ("[runtime] termination_code=RUN_EXECUTION_ERROR; failed_tasks=load (RUN_EXECUTION_ERROR); "
                                        "repaired after 2 attempts")
    assert rows[5]["Error_Details"] == "[resource] termination_code=DRIVER_ERROR"


def test_notebook_writes_the_dated_csv_with_the_exact_header(spark, failures, load_notebook, tmp_path):
    nb = load_notebook("notebooks/report_failed_runs.py")
    out = tmp_path / "Volumes" / "reports"
    path = nb.run_report(sql_executor(spark, failures), load_sql("sql/reports/failed_runs.sql"), str(out), failures["as_of"])
    assert path == str(out / "failed_runs_2025-03-01.csv")
    lines = (out / "failed_runs_2025-03-01.csv").read_text(encoding="utf-8").splitlines()
    assert lines[0] == "Job_Id,Job_Name,Timestamp (UTC),Status,Error_Details"
    assert len(lines) == 7
    assert lines[1] == "101,Nightly ETL,2025-02-28 06:10:00,FAILED,[runtime] termination_code=RUN_EXECUTION_ERROR; failed_tasks=load (RUN_EXECUTION_ERROR)"


def test_notebook_writes_a_header_only_csv_when_nothing_failed(load_notebook, tmp_path):
    nb = load_notebook("notebooks/report_failed_runs.py", spark=None)
    path = nb.write_report_csv([], str(tmp_path), dt.date(2025, 1, 2))
    assert open(path, encoding="utf-8").read() == "Job_Id,Job_Name,Timestamp (UTC),Status,Error_Details\n"
    assert nb.report_date_of("", now=lambda: dt.datetime(2025, 5, 6, 23, 59)) == dt.date(2025, 5, 6)
    assert nb.clean("a\nb\tc") == "a b c" and nb.clean(None) == ""
