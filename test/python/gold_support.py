"""Fixture builders for the gold run model tests (sql/gold/): no tests here.

Bronze tables come from test_analytics_support.create_bronze_table (system-table columns from
system_tables.SYSTEM_TABLES plus bronze_ingestion_timestamp); the gold model is created by the
real sql/gold/setup.sql and refreshed by the real sql/gold/*.sql files.
"""

from __future__ import annotations

import datetime as dt

from pyspark.sql import SparkSession

from sqlharness import run_sql_file
from system_tables import quoted
from test_analytics_support import create_bronze_table, params

#: Bronze tables the gold model reads (the current-state views need theirs to exist).
GOLD_SOURCES = (
    "system.lakeflow.job_run_timeline",
    "system.lakeflow.job_task_run_timeline",
    "system.lakeflow.pipeline_update_timeline",
    "system.lakeflow.jobs",
    "system.lakeflow.pipelines",
    "system.compute.clusters",
    "system.compute.warehouses",
    "system.billing.usage",
    "system.billing.list_prices",
)

#: Refresh order of the model (the analytics refresh job's task order).
REFRESH_FILES = (
    "sql/gold/usage_priced.sql",
    "sql/gold/job_runs.sql",
    "sql/gold/job_task_runs.sql",
    "sql/gold/pipeline_updates.sql",
    "sql/gold/daily_cost.sql",
)


def gold_params(schema: str, lookback_hours: int = 1, **extra: str) -> dict:
    return params(bronze_schema=schema, gold_schema=schema, lookback_hours=str(lookback_hours), **extra)


def setup_model(spark: SparkSession, schema: str) -> None:
    """Empty bronze sources (if missing) + sql/gold/setup.sql, bronze and gold in one schema."""
    for source in GOLD_SOURCES:
        create_bronze_table(spark, schema, source)
    run_sql_file(spark, "sql/gold/setup.sql", gold_params(schema))


def refresh(spark: SparkSession, schema: str, files=REFRESH_FILES, lookback_hours: int = 1) -> None:
    for path in files:
        run_sql_file(spark, path, gold_params(schema, lookback_hours))


def last_merge_metrics(spark: SparkSession, table: str) -> dict:
    """operationMetrics of the latest MERGE into ``table`` (ints)."""
    rows = spark.sql(f"DESCRIBE HISTORY {quoted(table)}").where("operation = 'MERGE'").orderBy("version", ascending=False).collect()
    assert rows, f"no MERGE in the history of {table}"
    return {k: int(v) for k, v in rows[0]["operationMetrics"].items()}


def usage_row(record_id: str, start: dt.datetime, quantity: float, *, job_id: str | None = None,
              job_run_id: str | None = None, sku: str = "PREMIUM_JOBS_COMPUTE", record_type: str = "ORIGINAL",
              workspace_id: str = "1", unit: str = "DBU", **metadata) -> dict:
    """One billing.usage record of an hour starting at ``start``."""
    return {
        "record_id": record_id, "workspace_id": workspace_id, "account_id": "acc", "sku_name": sku, "cloud": "AWS",
        "usage_start_time": start, "usage_end_time": start + dt.timedelta(hours=1), "usage_date": start.date(),
        "usage_unit": unit, "usage_quantity": quantity, "record_type": record_type,
        "billing_origin_product": "JOBS", "custom_tags": {},
        "usage_metadata": {"job_id": job_id, "job_run_id": job_run_id, **metadata},
    }


def price_row(start: dt.datetime, end: dt.datetime | None, default: float, effective: float | None,
              sku: str = "PREMIUM_JOBS_COMPUTE", currency: str = "USD") -> dict:
    return {"sku_name": sku, "cloud": "AWS", "currency_code": currency, "usage_unit": "DBU", "account_id": "acc",
            "price_start_time": start, "price_end_time": end,
            "pricing": {"default": default, "promotional": None,
                        "effective_list": None if effective is None else {"default": effective}}}


__all__ = ["create_bronze_table", "gold_params", "setup_model", "refresh", "last_merge_metrics", "usage_row", "price_row"]
