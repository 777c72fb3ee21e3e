"""Job health scores and duration anomalies (sql/analytics/) on real Spark + Delta."""

from __future__ import annotations

import datetime as dt
import math

import pytest

from sqlharness import run_sql_file
from test_analytics_support import create_bronze_table, job_row, params, run_slices, setup_gold

AS_OF = dt.datetime(2025, 3, 1, 0, 0, 0)


def day(d: int, hour: int = 10) -> dt.datetime:
    """A time in February 2025."""
    return dt.datetime(2025, 2, d, hour, 0, 0)


@pytest.fixture
def health_history(spark, fresh_schema):
    rows = []
    # Job 101: older half all good, recent half two failures and one long (sliced) run.
    for i, d in enumerate([2, 3, 4, 5], start=1):
        rows += run_slices("101", f"r{i}", day(d), 600, "SUCCEEDED", "SUCCESS")
    r5 = run_slices("101", "r5", day(20), 600, "SUCCEEDED", "SUCCESS")
    rows += r5 + r5  # a duplicated bronze row changes nothing
    rows += run_slices("101", "r6", day(21), 7200, "SUCCEEDED", "SUCCESS")  # two hourly slices
    rows += run_slices("101", "r7", day(22), 300, "FAILED", "RUN_EXECUTION_ERROR")
    rows += run_slices("101", "r8", day(23), 300, "FAILED", "RUN_EXECUTION_ERROR")
    rows += run_slices("101", "r0", dt.datetime(2025, 1, 10), 300, "FAILED", "RUN_EXECUTION_ERROR")  # outside window
    rows += run_slices("101", "r9", day(25), 900, None)  # still running
    rows += run_slices("101", "r10", day(26), 60, "CANCELLED", "CANCELED")  # neither success nor failure
    # Job 202: always succeeds, durations 100/300 then 100/100 (faster recently).
    rows += run_slices("202", "s1", day(3), 100, "SUCCEEDED", "SUCCESS")
    rows += run_slices("202", "s2", day(4), 300, "SUCCEEDED", "SUCCESS")
    rows += run_slices("202", "s3", day(20), 100, "SUCCEEDED", "SUCCESS")
    rows += run_slices("202", "s4", day(21), 100, "SUCCEEDED", "SUCCESS")
    # Job 303: deleted, not scored.
    rows += run_slices("303", "d1", day(20), 100, "FAILED", "RUN_EXECUTION_ERROR")
    # Job 404: timed out and repaired 5 hours later (one successful run of 100 + 200 s, not a
    # failure and not 5 h long), and failed then repaired to an error (one failed run).
    rows += run_slices("404", "rep", day(10), 100, "TIMED_OUT", "RUN_EXECUTION_ERROR")
    rows += run_slices("404", "rep", day(10, 15), 200, "SUCCEEDED", "SUCCESS")
    rows += run_slices("404", "err", day(11), 50, "FAILED", "RUN_EXECUTION_ERROR")
    rows += run_slices("404", "err", day(11, 12), 50, "ERROR", "DRIVER_ERROR")
    create_bronze_table(spark, fresh_schema, "system.lakeflow.job_run_timeline", rows)
    create_bronze_table(spark, fresh_schema, "system.lakeflow.jobs", [
        job_row("101", "etl_v1", dt.datetime(2025, 1, 1)),
        job_row("101", "Nightly ETL", dt.datetime(2025, 2, 1)),
        job_row("202", "Hourly Sync", dt.datetime(2025, 1, 1)),
        job_row("303", "Gone", dt.datetime(2025, 1, 1)),
        job_row("303", "Gone", dt.datetime(2025, 2, 27), delete_time=dt.datetime(2025, 2, 27)),
    ])
    setup_gold(spark, fresh_schema)
    return fresh_schema


def health_params(schema: str) -> dict:
    return params(bronze_schema=schema, gold_schema=schema, window_days="30", as_of="2025-03-01 00:00:00")


def scores(spark, schema: str) -> dict:
    return {r["job_id"]: r.asDict() for r in spark.table(f"{schema}.job_health_scores").collect()}


def test_health_scores_of_a_known_history(spark, health_history):
    run_sql_file(spark, "sql/analytics/job_health_scores.sql", health_params(health_history))
    got = scores(spark, health_history)
    assert set(got) == {"101", "202", "404"}  # the deleted job 303 is not scored

    j = got["101"]
    # 8 counted runs (r0 outside, r9 running, r10 cancelled); r6 is one 7200 s run, not 2 slices.
    assert (j["job_name"], j["total_runs"], j["successful_runs"], j["failed_runs"]) == ("Nightly ETL", 8, 6, 2)
    assert j["success_rate"] == pytest.approx(0.75)
    # successful durations 600 x5 and 7200: mean 1700, stddev_pop 2459.67, cv 1.447 -> stability 0
    assert j["avg_duration_seconds"] == pytest.approx(1700)
    assert j["duration_cv"] == pytest.approx(math.sqrt(6_050_000) / 1700)
    assert j["performance_stability"] == 0
    # older half 4/4, recent half 2/4: delta -0.5 -> degrading -> trend factor 0
    assert (j["older_success_rate"], j["recent_success_rate"], j["trend"]) == (1.0, 0.5, "degrading")
    # 100 * (0.60 * 0.75 + 0.25 * 0 + 0.15 * 0) = 45.0
    assert j["health_score"] == 45.0
    assert j["calculation_time"] == AS_OF and j["window_days"] == 30

    k = got["202"]
    # durations 100, 300, 100, 100: mean 150, stddev_pop sqrt(7500) = 86.60, cv 0.57735
    assert k["success_rate"] == 1.0
    assert k["duration_cv"] == pytest.approx(math.sqrt(7500) / 150)
    assert k["performance_stability"] == pytest.approx(1 - math.sqrt(7500) / 150)
    # success rate flat; mean duration 200 -> 100 (-50 %) -> improving -> trend factor 1
    assert k["duration_change"] == pytest.approx(-0.5)
    assert k["trend"] == "improving"
    # 100 * (0.60 * 1 + 0.25 * 0.42265 + 0.15 * 1) = 85.566 -> 85.6
    assert k["health_score"] == 85.6
    assert k["repaired_runs"] == 0

    r = got["404"]  # repaired runs: read by their latest attempt, timed by their slices
    assert (r["total_runs"], r["successful_runs"], r["failed_runs"], r["repaired_runs"]) == (2, 1, 1, 1)
    assert r["avg_duration_seconds"] == 300.0


def test_health_refresh_is_idempotent_per_as_of(spark, health_history):
    for _ in range(2):
        run_sql_file(spark, "sql/analytics/job_health_scores.sql", health_params(health_history))
    assert spark.table(f"{health_history}.job_health_scores").count() == 3
    later = {**health_params(health_history), "as_of": "2025-03-02 00:00:00"}
    run_sql_file(spark, "sql/analytics/job_health_scores.sql", later)
    assert spark.table(f"{health_history}.job_health_scores").count() == 6  # one snapshot per refresh


@pytest.fixture
def anomaly_history(spark, fresh_schema):
    rows = []
    baseline = [600, 610, 590, 605, 595, 600, 620, 580, 600, 600]
    for i, seconds in enumerate(baseline):
        rows += run_slices("500", f"b{i}", day(2 + i), seconds, "SUCCEEDED", "SUCCESS")
    rows += run_slices("500", "b-failed", day(15), 30, "FAILED", "RUN_EXECUTION_ERROR")  # not baseline
    rows += run_slices("500", "slow", dt.datetime(2025, 2, 28, 10), 5400, "SUCCEEDED", "SUCCESS")  # 2 slices
    rows += run_slices("500", "normal", dt.datetime(2025, 2, 28, 20), 610, "SUCCEEDED", "SUCCESS")
    # failed at 02:00, repaired at 09:00: 300 + 300 s of execution, not a 7-hour run
    rows += run_slices("500", "repaired", dt.datetime(2025, 2, 28, 2), 300, "FAILED", "RUN_EXECUTION_ERROR")
    rows += run_slices("500", "repaired", dt.datetime(2025, 2, 28, 9), 300, "SUCCEEDED", "SUCCESS")
    # a slow run that failed is not a duration anomaly (only successful runs are checked)
    rows += run_slices("500", "slow-fail", dt.datetime(2025, 2, 28, 12), 5400, "FAILED", "RUN_EXECUTION_ERROR")
    # Job 600 has too little history for a verdict.
    for i in range(3):
        rows += run_slices("600", f"c{i}", day(2 + i), 100, "SUCCEEDED", "SUCCESS")
    rows += run_slices("600", "c-slow", dt.datetime(2025, 2, 28, 10), 5000, "SUCCEEDED", "SUCCESS")
    create_bronze_table(spark, fresh_schema, "system.lakeflow.job_run_timeline", rows)
    create_bronze_table(spark, fresh_schema, "system.lakeflow.jobs", [job_row("500", "Daily Load", day(1))])
    setup_gold(spark, fresh_schema)
    return fresh_schema


def anomaly_params(schema: str) -> dict:
    return params(bronze_schema=schema, gold_schema=schema, as_of="2025-03-01 00:00:00", detection_hours="24",
                  baseline_days="30", min_baseline_runs="5", z_threshold="3.5")


def test_an_injected_slow_run_is_flagged(spark, anomaly_history):
    for _ in range(2):  # idempotent
        run_sql_file(spark, "sql/analytics/job_duration_anomalies.sql", anomaly_params(anomaly_history))
    rows = [r.asDict() for r in spark.table(f"{anomaly_history}.job_duration_anomalies").collect()]
    assert [(r["job_id"], r["run_id"]) for r in rows] == [("500", "slow")]
    a = rows[0]
    # baseline median 600; |deviations| 0,10,10,5,5,0,20,20,0,0 -> MAD 5
    assert (a["baseline_runs"], a["baseline_median_seconds"], a["baseline_mad_seconds"]) == (10, 600.0, 5.0)
    assert a["duration_seconds"] == 5400.0  # two hourly slices aggregated
    assert a["robust_z_score"] == pytest.approx(0.6745 * (5400 - 600) / 5)
    assert (a["direction"], a["job_name"], a["result_state"]) == ("slower", "Daily Load", "SUCCEEDED")


def test_a_high_threshold_flags_nothing(spark, anomaly_history):
    run_sql_file(spark, "sql/analytics/job_duration_anomalies.sql", {**anomaly_params(anomaly_history), "z_threshold": "1000"})
    assert spark.table(f"{anomaly_history}.job_duration_anomalies").count() == 0


def test_setup_gold_tables_is_idempotent_and_has_alert_history(spark, fresh_schema):
    setup_gold(spark, fresh_schema)
    setup_gold(spark, fresh_schema)
    cols = spark.table(f"{fresh_schema}.alert_history").columns
    assert cols == ["kind", "alert_key", "workspace_id", "job_id", "severity", "message", "first_seen_at", "last_seen_at",
                    "resolved_at", "fire_count", "last_notified_at", "notify_count", "channels_sent", "value"]
