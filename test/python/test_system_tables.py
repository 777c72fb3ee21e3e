"""Fixture builders for the Databricks system tables (system_tables.py)."""

import datetime as dt

import pytest
from pyspark.sql import types as T

from system_tables import (
    SYSTEM_TABLES,
    create_system_table,
    create_system_tables,
    local_name,
    make_row,
    quoted,
    schema_of,
)

# Tables the brief and the notes name explicitly; all must have fixtures.
REQUIRED = {
    "system.lakeflow.jobs", "system.lakeflow.job_tasks", "system.lakeflow.job_run_timeline",
    "system.lakeflow.job_task_run_timeline", "system.lakeflow.pipelines",
    "system.lakeflow.pipeline_update_timeline", "system.billing.usage", "system.billing.list_prices",
    "system.access.audit", "system.access.workspaces_latest", "system.access.assistant_events",
    "system.query.history", "system.compute.clusters", "system.compute.node_types",
    "system.storage.predictive_optimization_operations_history", "system.data_classification.results",
    "system.data_quality_monitoring.table_results",
}


def test_local_name():
    assert local_name("system.access.audit") == "system_access.audit"
    assert local_name("system.data_quality_monitoring.table_results") == "system_data_quality_monitoring.table_results"
    for bad in ("access.audit", "main.access.audit", "system..audit"):
        with pytest.raises(ValueError):
            local_name(bad)


def test_required_fixtures_exist():
    assert REQUIRED <= set(SYSTEM_TABLES)


def test_every_fixture_parses_and_some_create_delta_tables(spark):
    for name in SYSTEM_TABLES:  # every DDL parses (cheap: no table, no job)
        assert len(schema_of(spark, name).fields) >= 5, name
    sample = ["system.query.history", "system.billing.list_prices", "system.data_quality_monitoring.table_results"]
    assert create_system_tables(spark, sample) == [local_name(n) for n in sample]
    for name in sample:
        detail = spark.sql(f"DESCRIBE DETAIL {quoted(local_name(name))}").first()
        assert detail.format == "delta", name


def test_nested_columns_match_the_real_tables(spark):
    create_system_tables(spark, ["system.billing.usage", "system.access.audit", "system.query.history"])
    usage = spark.table("system_billing.usage").schema
    assert isinstance(usage["usage_metadata"].dataType, T.StructType)
    assert "job_id" in usage["usage_metadata"].dataType.fieldNames()
    assert usage["identity_metadata"].dataType.fieldNames() == ["run_as", "created_by", "owned_by", "run_by"]
    assert isinstance(usage["usage_quantity"].dataType, T.DecimalType)
    audit = spark.table("system_access.audit").schema
    assert isinstance(audit["request_params"].dataType, T.MapType)
    assert isinstance(spark.table("system_query.history").schema["update_time"].dataType, T.TimestampType)


def test_make_row_and_insert(spark):
    rows = [
        make_row("system.billing.usage", 0, record_id="r1", usage_quantity="1.5",
                 usage_metadata={"job_id": "42"}, custom_tags={"team": "obs"}),
        make_row("system.billing.usage", 1, record_id="r2"),
    ]
    table = create_system_table(spark, "system.billing.usage", rows)
    got = {r.record_id: r for r in spark.table(table).collect()}
    assert got["r1"].usage_metadata.job_id == "42"
    assert got["r1"].usage_metadata.cluster_id is None  # a dict struct only sets given fields
    assert str(got["r1"].usage_quantity).startswith("1.5")
    assert got["r1"].custom_tags == {"team": "obs"}
    assert got["r2"].usage_start_time == dt.datetime(2025, 1, 1, 0, 1)
    with pytest.raises(KeyError):
        make_row("system.billing.usage", 0, not_a_column=1)
