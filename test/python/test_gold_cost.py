"""Gold usage_priced, daily_cost and pipeline_updates (sql/gold/) on real Spark + Delta: the
effective list price in effect per hour, correction records, bronze duplicates, and the
incremental refresh of affected days only."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from gold_support import create_bronze_table, last_merge_metrics, price_row, refresh, setup_model, usage_row

D1 = dt.datetime(2025, 3, 10)
D2 = dt.datetime(2025, 3, 11)
NOW = dt.datetime.now().replace(microsecond=0)
EARLIER = NOW - dt.timedelta(days=2)
FILES = ("sql/gold/usage_priced.sql", "sql/gold/pipeline_updates.sql", "sql/gold/daily_cost.sql")


def at(rows, when):
    return [{**r, "bronze_ingestion_timestamp": when} for r in rows]


@pytest.fixture
def cost(spark, fresh_schema):
    s = fresh_schema
    setup_model(spark, s)
    create_bronze_table(spark, s, "system.billing.list_prices", [
        # the price changes at 12:00 on D1; effective_list (what cost is computed with) differs from default
        price_row(dt.datetime(2024, 1, 1), D1 + dt.timedelta(hours=12), 0.50, 0.40),
        price_row(D1 + dt.timedelta(hours=12), None, 0.60, 0.30),
        price_row(dt.datetime(2024, 1, 1), None, 7.0, 7.0, currency="EUR"),  # not USD: never used
        price_row(dt.datetime(2024, 1, 1), None, 0.07, None, sku="LEGACY_SKU"),  # no effective_list: default
    ])
    create_bronze_table(spark, s, "system.lakeflow.pipelines", [
        {"workspace_id": "1", "pipeline_id": "p1", "name": "Bronze billing", "change_time": D1 - dt.timedelta(days=5)}])
    tags = {"team": "data", "env": "prod"}
    create_bronze_table(spark, s, "system.billing.usage", at([
        usage_row("j-am", D1 + dt.timedelta(hours=9), 10, job_id="7", job_run_id="r1") | {"custom_tags": tags},
        usage_row("j-pm", D1 + dt.timedelta(hours=13), 10, job_id="7", job_run_id="r1") | {"custom_tags": {"env": "prod", "team": "data"}},
        usage_row("j-pm", D1 + dt.timedelta(hours=13), 10, job_id="7", job_run_id="r1") | {"custom_tags": tags},  # duplicate
        usage_row("p-1", D1 + dt.timedelta(hours=10), 4, dlt_pipeline_id="p1", dlt_update_id="u1") | {"billing_origin_product": "DLT"},
        usage_row("w-1", D1 + dt.timedelta(hours=10), 2, warehouse_id="wh1") | {"billing_origin_product": "SQL"},
        usage_row("legacy", D1 + dt.timedelta(hours=10), 100, sku="LEGACY_SKU"),
        usage_row("nope", D1 + dt.timedelta(hours=10), 5, sku="UNPRICED_SKU"),
        usage_row("d2", D2 + dt.timedelta(hours=1), 1, job_id="7", job_run_id="r2"),
    ], EARLIER))
    create_bronze_table(spark, s, "system.lakeflow.pipeline_update_timeline", at([
        {"workspace_id": "1", "pipeline_id": "p1", "update_id": "u1", "period_start_time": D1 + dt.timedelta(hours=10),
         "period_end_time": D1 + dt.timedelta(hours=11), "result_state": None, "run_as_user_name": "sp",
         "trigger_details": {"job_task": {"job_id": "900", "job_task_run_id": "jr1", "performance_target": None}}},
        {"workspace_id": "1", "pipeline_id": "p1", "update_id": "u1", "period_start_time": D1 + dt.timedelta(hours=11),
         "period_end_time": D1 + dt.timedelta(hours=11, minutes=30), "result_state": "FAILED"},
        {"workspace_id": "1", "pipeline_id": "p1", "update_id": "u2", "period_start_time": D1 + dt.timedelta(hours=12),
         "period_end_time": D1 + dt.timedelta(hours=12, minutes=5), "result_state": "COMPLETED"},
    ], EARLIER))
    refresh(spark, s, FILES)
    return s


def daily(spark, schema):
    return {(r["usage_date"].day, r["entity_type"], r["entity_id"], r["sku_name"]): r.asDict()
            for r in spark.table(f"{schema}.daily_cost").collect()}


def test_prices_per_hour_at_the_effective_list_price(spark, cost):
    priced = {r["record_id"]: r for r in spark.table(f"{cost}.usage_priced").collect()}
    assert len(priced) == 7  # 8 bronze rows: the duplicate record counts once
    assert (priced["j-am"]["unit_price"], priced["j-pm"]["unit_price"]) == (Decimal("0.4"), Decimal("0.3"))
    assert priced["legacy"]["unit_price"] == Decimal("0.07")  # no effective_list: pricing.default
    assert priced["nope"]["usd"] is None  # no USD price in effect: never guessed
    assert (priced["p-1"]["entity_type"], priced["w-1"]["entity_type"], priced["legacy"]["entity_type"]) == ("PIPELINE", "WAREHOUSE", "OTHER")

    got = daily(spark, cost)
    job = got[(10, "JOB", "7", "PREMIUM_JOBS_COMPUTE")]
    # 10 DBU at 0.40 before noon + 10 DBU at 0.30 after: 7.00 USD (default prices would give 11.00)
    assert (float(job["dbus"]), float(job["usd"]), job["records"]) == (20.0, 7.0, 2)
    assert job["custom_tags"] == {"env": "prod", "team": "data"}  # same tags in any order: one group
    assert float(got[(10, "PIPELINE", "p1", "PREMIUM_JOBS_COMPUTE")]["usd"]) == pytest.approx(1.6)
    nope = got[(10, "OTHER", None, "UNPRICED_SKU")]
    assert (nope["usd"], nope["unpriced_records"], float(nope["dbus"])) == (None, 1, 5.0)


def test_pipeline_updates_and_their_cost(spark, cost):
    ups = {r["update_id"]: r.asDict() for r in spark.table(f"{cost}.pipeline_updates").collect()}
    u1 = ups["u1"]
    assert (u1["outcome"], u1["result_state"], u1["pipeline_name"], u1["run_as"]) == ("failed", "FAILED", "Bronze billing", "sp")
    assert (u1["job_id"], u1["job_run_id"], u1["execution_seconds"], u1["slices"]) == ("900", "jr1", 5400.0, 2)
    assert (float(u1["dbus"]), float(u1["usd"])) == (4.0, pytest.approx(1.6))
    assert (ups["u2"]["outcome"], ups["u2"]["attempts"], ups["u2"]["is_repaired"]) == ("succeeded", 1, False)


def test_corrections_touch_only_their_day(spark, cost):
    s = cost
    # a restatement of D1's afternoon job usage: the original retracted, 4 DBU restated
    create_bronze_table(spark, s, "system.billing.usage", at([
        usage_row("j-pm-retract", D1 + dt.timedelta(hours=13), -10, job_id="7", job_run_id="r1", record_type="RETRACTION")
        | {"custom_tags": {"team": "data", "env": "prod"}},
        usage_row("j-pm-restate", D1 + dt.timedelta(hours=13), 4, job_id="7", job_run_id="r1", record_type="RESTATEMENT")
        | {"custom_tags": {"team": "data", "env": "prod"}},
    ], NOW))
    # lookback 0: exactly the rows after the watermark (the lookback re-reads without rewriting,
    # see test_gold_job_runs)
    refresh(spark, s, ("sql/gold/usage_priced.sql", "sql/gold/daily_cost.sql"), lookback_hours=0)
    m = last_merge_metrics(spark, f"{s}.usage_priced")
    assert (m["numSourceRows"], m["numTargetRowsInserted"], m["numTargetRowsUpdated"]) == (2, 2, 0)
    m = last_merge_metrics(spark, f"{s}.daily_cost")
    # only D1 is recomputed (its 5 groups); only the job group changed; D2 is not read
    assert (m["numSourceRows"], m["numTargetRowsUpdated"], m["numTargetRowsInserted"], m["numTargetRowsDeleted"]) == (5, 1, 0, 0)
    job = daily(spark, s)[(10, "JOB", "7", "PREMIUM_JOBS_COMPUTE")]
    # 10 x 0.40 + (10 - 10 + 4) x 0.30 = 5.20 USD
    assert (float(job["dbus"]), float(job["usd"]), job["records"]) == (14.0, pytest.approx(5.2), 4)
