"""Smoke tests: the local session really is Spark + Delta and does what the suite relies on."""

from __future__ import annotations

import datetime as dt
import json
import os

from delta.tables import DeltaTable
from pyspark.sql import types as T

from system_tables import SYSTEM_TABLES, schema_of


def test_session_basics(spark):
    assert spark.conf.get("spark.sql.session.timeZone") == "UTC"
    assert spark.conf.get("spark.sql.shuffle.partitions") == "2"
    assert spark.sparkContext.master == "local[2]"
    assert spark.sql("SELECT 1 AS one").collect()[0].one == 1


def test_create_schema_and_delta_table(spark):
    spark.sql("CREATE SCHEMA smoke_ddl")
    spark.sql("CREATE TABLE IF NOT EXISTS smoke_ddl.t (id BIGINT, ts TIMESTAMP) USING DELTA")
    spark.sql("CREATE TABLE IF NOT EXISTS smoke_ddl.t (id BIGINT, ts TIMESTAMP) USING DELTA")
    assert DeltaTable.isDeltaTable(spark, spark.sql("DESCRIBE DETAIL smoke_ddl.t").first().location)
    assert spark.sql("DESCRIBE DETAIL smoke_ddl.t").first().format == "delta"


def test_delta_merge_upsert_with_sequence(spark):
    spark.sql("CREATE SCHEMA smoke_merge")
    spark.sql("CREATE TABLE smoke_merge.tgt (id INT, v STRING, seq TIMESTAMP) USING DELTA")
    spark.sql("INSERT INTO smoke_merge.tgt VALUES (1, 'old', TIMESTAMP'2026-01-01 00:00:00'), "
              "(2, 'keep', TIMESTAMP'2026-01-01 00:00:00')")
    spark.createDataFrame(
        [(1, "new", dt.datetime(2026, 1, 2)), (2, "stale", dt.datetime(2025, 12, 1)), (3, "ins", dt.datetime(2026, 1, 2))],
        "id INT, v STRING, seq TIMESTAMP",
    ).createOrReplaceTempView("smoke_src")
    spark.sql(
        """
        MERGE INTO smoke_merge.tgt t USING smoke_src s ON t.id = s.id
        WHEN MATCHED AND s.seq > t.seq THEN UPDATE SET *
        WHEN NOT MATCHED THEN INSERT *
        """
    )
    rows = {r.id: r.v for r in spark.table("smoke_merge.tgt").collect()}
    assert rows == {1: "new", 2: "keep", 3: "ins"}
    history = spark.sql("DESCRIBE HISTORY smoke_merge.tgt").collect()
    assert history[0].operation == "MERGE"


def test_streaming_available_now_read_of_delta(spark, checkpoint_dir):
    spark.sql("CREATE SCHEMA smoke_stream")
    spark.sql("CREATE TABLE smoke_stream.src (id INT, event_time TIMESTAMP) USING DELTA")
    spark.sql("CREATE TABLE smoke_stream.sink (id INT, event_time TIMESTAMP) USING DELTA")
    spark.sql("INSERT INTO smoke_stream.src VALUES (1, TIMESTAMP'2026-01-01 00:00:00'), (2, TIMESTAMP'2026-01-01 01:00:00')")

    def run_once():
        query = (
            spark.readStream.option("skipChangeCommits", "true").table("smoke_stream.src")
            .writeStream.option("checkpointLocation", checkpoint_dir)
            .trigger(availableNow=True)
            .toTable("smoke_stream.sink")
        )
        query.awaitTermination(120)
        assert query.exception() is None

    run_once()
    assert spark.table("smoke_stream.sink").count() == 2
    spark.sql("INSERT INTO smoke_stream.src VALUES (3, TIMESTAMP'2026-01-01 02:00:00')")
    run_once()  # the checkpoint makes the second run incremental
    assert sorted(r.id for r in spark.table("smoke_stream.sink").collect()) == [1, 2, 3]


def test_fresh_schema_is_unique_and_usable(spark, fresh_schema):
    assert fresh_schema in {db.name for db in spark.catalog.listDatabases()}
    spark.sql(f"CREATE TABLE {fresh_schema}.t (id INT)")  # no USING: Delta, as on Databricks
    assert spark.sql(f"DESCRIBE DETAIL {fresh_schema}.t").first().format == "delta"


def test_load_notebook_fixture_injects_session(tmp_path, load_notebook, spark):
    nb = tmp_path / "nb.py"
    nb.write_text(
        "# Databricks notebook source\n"
        "import dlt\n\n"
        "# COMMAND ----------\n\n"
        "ONE = spark.sql('SELECT 1 AS x').first().x\n\n"
        "@dlt.table(name='t')\n"
        "def t():\n"
        "    return spark.range(3)\n"
    )
    module = load_notebook(str(nb))
    assert module.ONE == 1
    assert module.spark is spark
    assert module.t().count() == 3  # the decorated function is returned unchanged


# --------------------------------------------------------------------------------------
# System-table stand-ins: the registry's keys and the columns the platform reads exist.
# --------------------------------------------------------------------------------------

REGISTRY = os.path.join(os.path.dirname(__file__), "..", "..", "sql", "registry", "system_tables.json")

# Columns the brief names per table (a subset of the real tables), with the Spark type name
# of the top-level column.
EXPECTED_COLUMNS = {
    "system.lakeflow.jobs": {
        "account_id": "string", "workspace_id": "string", "job_id": "string", "name": "string",
        "description": "string", "creator_id": "string", "tags": "map", "change_time": "timestamp",
        "delete_time": "timestamp", "run_as": "string",
    },
    "system.lakeflow.job_run_timeline": {
        "account_id": "string", "workspace_id": "string", "job_id": "string", "run_id": "string",
        "period_start_time": "timestamp", "period_end_time": "timestamp", "trigger_type": "string",
        "run_type": "string", "run_name": "string", "compute_ids": "array", "result_state": "string",
        "termination_code": "string", "job_parameters": "map",
    },
    "system.billing.usage": {
        "record_id": "string", "account_id": "string", "workspace_id": "string", "sku_name": "string",
        "cloud": "string", "usage_start_time": "timestamp", "usage_end_time": "timestamp",
        "usage_date": "date", "usage_quantity": "decimal", "usage_unit": "string",
        "record_type": "string", "usage_metadata": "struct", "identity_metadata": "struct",
        "custom_tags": "map",
    },
    "system.billing.list_prices": {
        "price_start_time": "timestamp", "price_end_time": "timestamp", "account_id": "string",
        "sku_name": "string", "cloud": "string", "currency_code": "string", "usage_unit": "string",
        "pricing": "struct",
    },
    "system.access.audit": {
        "event_id": "string", "event_time": "timestamp", "event_date": "date", "workspace_id": "string",
        "service_name": "string", "action_name": "string", "user_identity": "struct",
        "request_params": "map", "response": "struct", "source_ip_address": "string",
        "user_agent": "string",
    },
    "system.query.history": {
        "statement_id": "string", "account_id": "string", "workspace_id": "string",
        "executed_by": "string", "statement_text": "string", "statement_type": "string",
        "execution_status": "string", "start_time": "timestamp", "end_time": "timestamp",
        "update_time": "timestamp", "total_duration_ms": "bigint", "compute": "struct",
        "error_message": "string",
    },
}

NESTED_FIELDS = {
    ("system.billing.usage", "usage_metadata"): {"job_id", "dlt_pipeline_id", "warehouse_id", "cluster_id"},
    ("system.billing.list_prices", "pricing"): {"default"},
    ("system.access.audit", "user_identity"): {"email", "subject_name"},
    ("system.access.audit", "response"): {"status_code", "error_message", "result"},
}


def _registry_tables():
    with open(REGISTRY, encoding="utf-8") as fh:
        return json.load(fh)["tables"]


def test_every_registry_source_has_a_stand_in_with_its_keys_and_sequence_column(spark):
    missing = []
    for entry in _registry_tables():
        assert entry["source"] in SYSTEM_TABLES, f"no stand-in for {entry['source']}"
        names = set(schema_of(spark, entry["source"]).fieldNames())
        wanted = list(entry["keys"]) + ([entry["sequenceBy"]] if entry.get("sequenceBy") else [])
        missing += [f"{entry['source']}.{c}" for c in wanted if c not in names]
    assert not missing, f"registry columns missing from the stand-ins: {missing}"


def test_brief_columns_have_the_real_types(spark):
    wrong = []
    for table, columns in EXPECTED_COLUMNS.items():
        schema = schema_of(spark, table)
        for col, type_name in columns.items():
            if col not in schema.fieldNames():
                wrong.append(f"{table}.{col}: missing")
            elif not schema[col].dataType.simpleString().startswith(type_name):
                wrong.append(f"{table}.{col}: {schema[col].dataType.simpleString()} != {type_name}")
    for (table, col), fields in NESTED_FIELDS.items():
        dtype = schema_of(spark, table)[col].dataType
        assert isinstance(dtype, T.StructType), f"{table}.{col}"
        wrong += [f"{table}.{col}.{f}: missing" for f in fields - set(dtype.fieldNames())]
    assert isinstance(schema_of(spark, "system.billing.list_prices")["pricing"].dataType["default"].dataType,
                      T.DecimalType)
    assert not wrong, wrong
