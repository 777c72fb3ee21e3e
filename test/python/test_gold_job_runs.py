"""Gold job_runs (sql/gold/job_runs.sql) on real Spark + Delta: repair-aware run semantics and
the incremental refresh (watermark + lookback, only changed runs read and written)."""

from __future__ import annotations

import datetime as dt

import pytest

from gold_support import (create_bronze_table, last_merge_metrics, price_row, refresh, setup_model,
                          usage_row)
from test_analytics_support import job_row, run_slices

H = dt.timedelta(hours=1)
T0 = dt.datetime(2025, 2, 28, 10, 0, 0)
NOW = dt.datetime.now().replace(microsecond=0)
FIRST_BATCH = NOW - dt.timedelta(days=2)  # ingested long before the second refresh (outside the lookback)
FILES = ("sql/gold/usage_priced.sql", "sql/gold/job_runs.sql")


def ingested(rows: list[dict], at: dt.datetime) -> list[dict]:
    return [{**r, "bronze_ingestion_timestamp": at} for r in rows]


def repair(job_id: str, run_id: str, start: dt.datetime, seconds: int, result: str | None, code: str | None) -> list[dict]:
    """The slices of one more attempt of run ``run_id`` (same run_id, later period)."""
    return run_slices(job_id, run_id, start, seconds, result, code)


@pytest.fixture
def model(spark, fresh_schema):
    s = fresh_schema
    setup_model(spark, s)
    long_run = run_slices("4", "long", T0, 12_600, "SUCCEEDED", "SUCCESS")  # 3.5 h: 4 hourly slices
    rows = (
        # timed out, repaired 3 hours later to success
        run_slices("1", "to-ok", T0, 1200, "TIMED_OUT", "RUN_EXECUTION_ERROR")
        + repair("1", "to-ok", T0 + 3 * H, 1800, "SUCCEEDED", "SUCCESS")
        # failed, repaired to an error
        + run_slices("2", "f-err", T0, 300, "FAILED", "RUN_EXECUTION_ERROR")
        + repair("2", "f-err", T0 + H, 120, "ERROR", "DRIVER_ERROR")
        # in progress: slices without a result yet
        + run_slices("3", "open", T0, 5400, None)
        # long run, every slice delivered twice
        + long_run + long_run
        # failed, a repair running
        + run_slices("5", "fixing", T0, 60, "FAILED", "CLUSTER_ERROR")
        + repair("5", "fixing", T0 + 2 * H, 3600, None, None)
        + run_slices("6", "plain", T0, 600, "SUCCEEDED", "SUCCESS")
    )
    create_bronze_table(spark, s, "system.lakeflow.job_run_timeline", ingested(rows, FIRST_BATCH))
    create_bronze_table(spark, s, "system.lakeflow.jobs", [
        {**job_row("1", "old name", T0 - 100 * H), "run_as": "sp-old"},
        {**job_row("1", "Sales ETL", T0 - 10 * H), "run_as": "sp-etl"},
    ])
    create_bronze_table(spark, s, "system.billing.list_prices", [price_row(dt.datetime(2020, 1, 1), None, 0.20, 0.15)])
    create_bronze_table(spark, s, "system.billing.usage", ingested([
        usage_row("u1", T0, 10, job_id="1", job_run_id="to-ok"),
        usage_row("u1", T0, 10, job_id="1", job_run_id="to-ok"),  # duplicate record
        usage_row("u2", T0 + 3 * H, 30, job_id="1", job_run_id="to-ok"),
        usage_row("u3", T0, 5, job_id="6", job_run_id="plain", unit="MILLISECOND"),  # not DBUs
    ], FIRST_BATCH))
    refresh(spark, s, FILES)
    return s


def runs(spark, schema: str) -> dict:
    return {r["run_id"]: r.asDict() for r in spark.table(f"{schema}.job_runs").collect()}


def test_repaired_running_and_long_runs(spark, model):
    got = runs(spark, model)
    assert set(got) == {"to-ok", "f-err", "open", "long", "fixing", "plain"}

    r = got["to-ok"]  # TIMED_OUT then SUCCEEDED: MAX(result_state) would say TIMED_OUT
    assert (r["result_state"], r["termination_code"], r["outcome"]) == ("SUCCEEDED", "SUCCESS", "repaired")
    assert (r["attempts"], r["is_repaired"]) == (2, True)
    assert (r["first_failure_state"], r["first_failure_code"]) == ("TIMED_OUT", "RUN_EXECUTION_ERROR")
    assert r["execution_seconds"] == 3000.0  # 1200 + 1800; the 2.3 h between the attempts is not run time
    assert (r["first_start_time"], r["last_end_time"]) == (T0, T0 + 3 * H + dt.timedelta(seconds=1800))
    assert (r["job_name"], r["run_as"], r["run_date"]) == ("Sales ETL", "sp-etl", T0.date())
    assert float(r["dbus"]) == 40.0  # the duplicate usage record counts once
    assert float(r["usd"]) == pytest.approx(40 * 0.15)  # effective list price, not default

    r = got["f-err"]  # FAILED then ERROR: MAX(result_state) would say FAILED
    assert (r["result_state"], r["termination_code"], r["outcome"]) == ("ERROR", "DRIVER_ERROR", "failed")
    assert (r["first_failure_state"], r["first_failure_code"], r["attempts"]) == ("FAILED", "RUN_EXECUTION_ERROR", 2)

    r = got["open"]
    assert (r["outcome"], r["result_state"], r["attempts"], r["is_repaired"]) == ("running", None, 0, False)
    assert (r["slices"], r["execution_seconds"]) == (2, 5400.0)

    r = got["long"]  # 4 hourly slices, each delivered twice
    assert (r["slices"], r["execution_seconds"], r["attempts"], r["outcome"]) == (4, 12_600.0, 1, "succeeded")
    assert r["dbus"] is None and r["usd"] is None

    r = got["fixing"]  # failed, repair in progress
    assert (r["outcome"], r["result_state"], r["is_repaired"], r["first_failure_code"]) == ("running", None, True, "CLUSTER_ERROR")

    r = got["plain"]
    assert (r["outcome"], r["attempts"], r["is_repaired"], r["first_failure_state"]) == ("succeeded", 1, False, None)
    assert r["dbus"] is None  # MILLISECOND usage is not DBUs


def test_second_refresh_touches_only_new_and_changed_runs(spark, model):
    s = model
    create_bronze_table(spark, s, "system.lakeflow.job_run_timeline", ingested(
        # a late slice completes the open run; a new run; a repair of f-err a day later
        [{**run_slices("3", "open", T0, 5400, "SUCCEEDED", "SUCCESS")[-1]}]
        + run_slices("7", "new", T0 + 5 * H, 60, "SUCCEEDED", "SUCCESS")
        + repair("2", "f-err", T0 + 24 * H, 600, "SUCCEEDED", "SUCCESS"),
        NOW))
    refresh(spark, s, ("sql/gold/job_runs.sql",), lookback_hours=0)
    m = last_merge_metrics(spark, f"{s}.job_runs")
    # only the three changed runs are considered and written; the other four are not read back
    assert (m["numSourceRows"], m["numTargetRowsInserted"], m["numTargetRowsUpdated"]) == (3, 1, 2)

    got = runs(spark, s)
    # the late last slice replaces its result-less copy
    assert (got["open"]["outcome"], got["open"]["slices"], got["open"]["execution_seconds"]) == ("succeeded", 2, 5400.0)
    r = got["f-err"]
    assert (r["outcome"], r["attempts"], r["result_state"], r["first_failure_state"]) == ("repaired", 3, "SUCCEEDED", "FAILED")
    assert r["execution_seconds"] == 1020.0
    assert got["new"]["outcome"] == "succeeded" and len(got) == 7

    # a refresh with nothing new re-reads the lookback but rewrites nothing. The lookback applies
    # to both watermarks (sql/gold/job_runs.sql, "changed runs"): the last slice batch (open, new,
    # f-err) and the last usage batch, still the first one (to-ok, plain): 5 runs re-read.
    refresh(spark, s, ("sql/gold/job_runs.sql",), lookback_hours=1)
    m = last_merge_metrics(spark, f"{s}.job_runs")
    assert (m["numTargetRowsInserted"], m["numTargetRowsUpdated"]) == (0, 0)
    assert m["numSourceRows"] == 5
