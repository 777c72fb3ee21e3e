"""Fixture builders for the analytics, report, alert and ETL-monitor SQL tests (no tests here).

Bronze tables are the system tables' columns (system_tables.SYSTEM_TABLES) plus the ingestion
metadata the bronze notebooks add (``bronze_ingestion_timestamp``, ``bronze_source_table``),
under ``<schema>.<system table name>`` — the layout the analytics SQL reads.
"""

from __future__ import annotations

import datetime as dt
import decimal
from typing import Any, Iterable, Mapping

from pyspark.sql import SparkSession
from pyspark.sql import types as T

from sqlharness import LOCAL_CATALOG, run_sql_file
from system_tables import SYSTEM_TABLES, schema_of

BRONZE_METADATA = [
    T.StructField("bronze_ingestion_timestamp", T.TimestampType()),
    T.StructField("bronze_source_table", T.StringType()),
]


def bronze_schema_of(spark: SparkSession, source: str) -> T.StructType:
    return T.StructType(list(schema_of(spark, source).fields) + BRONZE_METADATA)


def _value(value: Any, dtype: T.DataType) -> Any:
    if value is None:
        return None
    if isinstance(dtype, T.StructType) and isinstance(value, Mapping):
        return tuple(_value(value.get(f.name), f.dataType) for f in dtype.fields)
    if isinstance(dtype, T.DecimalType) and not isinstance(value, decimal.Decimal):
        return decimal.Decimal(str(value))
    return value


def create_bronze_table(spark: SparkSession, schema: str, source: str, rows: Iterable[Mapping[str, Any]] = ()) -> str:
    """Creates ``<schema>.<table>`` for system table ``source`` and appends ``rows`` (dicts;
    missing columns NULL; bronze_ingestion_timestamp defaults to now)."""
    assert source in SYSTEM_TABLES, source
    table = f"{schema}.{source.split('.')[-1]}"
    struct = bronze_schema_of(spark, source)
    rows = list(rows)
    if not rows:
        if not spark.catalog.tableExists(table):
            # a catalog call, not a write of an empty DataFrame: ~165 vs ~450 ms a table, measured
            spark.catalog.createTable(table, source="delta", schema=struct)
    else:
        # one commit, not two: an append creates a missing table (each commit is the cost here)
        unknown = {k for r in rows for k in r} - set(struct.fieldNames())
        if unknown:
            raise KeyError(f"{source} has no column(s) {sorted(unknown)}")
        now = dt.datetime.now()
        data = []
        for r in rows:
            full = {"bronze_ingestion_timestamp": now, "bronze_source_table": source, **r}
            data.append(tuple(_value(full.get(f.name), f.dataType) for f in struct.fields))
        spark.createDataFrame(data, struct).write.format("delta").mode("append").saveAsTable(table)
    return table


def run_slices(job_id: str, run_id: str, start: dt.datetime, seconds: int, result: str | None,
               termination_code: str | None = None, workspace_id: str = "1", run_name: str | None = None) -> list[dict]:
    """job_run_timeline rows of one run, split into hourly slices like the system table:
    result_state and termination_code only on the last slice (None = still running)."""
    rows = []
    slice_start = start
    end = start + dt.timedelta(seconds=seconds)
    while True:
        slice_end = min(slice_start + dt.timedelta(hours=1), end)
        last = slice_end == end
        rows.append({
            "workspace_id": workspace_id, "job_id": job_id, "run_id": run_id, "run_name": run_name,
            "period_start_time": slice_start, "period_end_time": slice_end,
            "result_state": result if last else None,
            "termination_code": termination_code if last else None,
        })
        if last:
            return rows
        slice_start = slice_end


def task_slices(job_id: str, job_run_id: str, task_key: str, start: dt.datetime, seconds: int,
                result: str | None, termination_code: str | None = None, workspace_id: str = "1") -> list[dict]:
    """job_task_run_timeline rows of one task run (hourly slices, result on the last)."""
    return [
        {**{k: v for k, v in r.items() if k != "run_name"}, "run_id": f"{job_run_id}-{task_key}",
         "job_run_id": job_run_id, "task_key": task_key}
        for r in run_slices(job_id, job_run_id, start, seconds, result, termination_code, workspace_id)
    ]


def job_row(job_id: str, name: str, change_time: dt.datetime, delete_time: dt.datetime | None = None,
            workspace_id: str = "1") -> dict:
    return {"workspace_id": workspace_id, "job_id": job_id, "name": name,
            "change_time": change_time, "delete_time": delete_time}


def params(**extra: str) -> dict:
    return {"catalog": LOCAL_CATALOG, **extra}


def setup_gold(spark: SparkSession, gold_schema: str, refresh_model: bool = True) -> None:
    """The gold run model (sql/gold/setup.sql) over bronze tables in the same schema (missing
    ones created empty), refreshed from whatever bronze holds now (unless ``refresh_model``
    is False: tests that fill gold tables themselves)."""
    from gold_support import refresh, setup_model

    setup_model(spark, gold_schema)
    if refresh_model:
        refresh(spark, gold_schema)


def refresh_gold(spark: SparkSession, gold_schema: str) -> None:
    """Refreshes the gold run model after more bronze rows were added."""
    from gold_support import refresh

    refresh(spark, gold_schema)


def setup_etl(spark: SparkSession, etl_schema: str) -> None:
    run_sql_file(spark, "sql/etl_monitor/setup.sql", params(etl_schema=etl_schema))
