"""sql/registry/system_table_schemas.json is the source of truth for the system tables' columns.

1. The fixtures are generated from it exactly (every column, every nested type).
2. The differences between the old hand-written fixtures and a real workspace (issue #14) hold.
3. The registry's keys and sequence columns exist in it.
4. Every SQL file that reads bronze runs on empty bronze tables generated from it: Spark's
   analyzer resolves every column and struct path the SQL names and checks the types of the
   expressions, so a column the documentation does not have fails here, naming the file.
"""

from __future__ import annotations

import glob
import json
import os

import pytest
from pyspark.sql import types as T

from sqlharness import run_sql_file
from system_tables import (
    DOCUMENTED_COLUMNS,
    SCHEMA_DOC,
    SYSTEM_TABLES,
    load_schema_file,
    schema_of,
    spark_type_ddl,
)
from test_analytics_support import create_bronze_table, params, setup_etl, setup_gold

ROOT = os.path.join(os.path.dirname(__file__), "..", "..")
REGISTRY = os.path.join(ROOT, "sql", "registry", "system_tables.json")
EVIDENCE = {"describe", "docs-copy", "information-schema", "unverified"}

# SQL that reads the bronze copies of system tables (and the gold/ETL tables built from them).
# sql/gold/ joins once the gold model lands; sql/etl_monitor/ reads only the ETL schema and
# sql/mlops/ a monitor's drift table (test_drift_alert.py).
SQL_DIRS = ("alerts", "analytics", "reports", "gold")
SETUP_FILES = {"sql/analytics/setup_gold_tables.sql", "sql/gold/setup.sql", "sql/gold/utilization_setup.sql"}
# A superset of the named markers these files take; each statement binds only what it uses.
SQL_PARAMS = dict(
    as_of="2025-03-01 00:00:00", baseline_days="30", detection_hours="24", min_baseline_runs="5",
    platform_job_ids="900,901", platform_pipeline_ids="p-1", threshold="1", window_days="30",
    window_hours="24", z_threshold="3.5", lookback_hours="48", mem_threshold="40", min_runs="3",
    idle_cpu_percent="5", idle_min_minutes="30", driver_cpu_percent="70", worker_cpu_percent="20",
)


def _registry():
    with open(REGISTRY, encoding="utf-8") as fh:
        return json.load(fh)["tables"]


def test_the_file_is_well_formed():
    doc = load_schema_file()
    assert doc["version"] == 1 and set(doc["evidence"]) == EVIDENCE
    for t in doc["tables"]:
        assert t["docs"].startswith("https://docs.databricks.com/"), t["source"]
        assert t["evidence"] in EVIDENCE, t["source"]
    sources = [t["source"] for t in doc["tables"]]
    assert len(sources) == len(set(sources))


def test_bad_input_names_the_file_and_table(tmp_path):
    bad = tmp_path / "schemas.json"
    bad.write_text(json.dumps({"version": 1, "tables": [
        {"source": "system.a.b", "columns": [{"name": "x", "type": "string"}, {"name": "x", "type": "int"}]}]}))
    with pytest.raises(ValueError, match=r"schemas\.json: tables\[0\] \(system\.a\.b\)"):
        load_schema_file(str(bad))
    for broken in ("struct<a>", "map<string>", "array<int", ""):
        with pytest.raises(ValueError):
            spark_type_ddl(broken)


def test_every_registry_table_has_a_schema_with_its_keys_and_sequence_column():
    documented = {s: {c for c, _ in cols} for s, cols in DOCUMENTED_COLUMNS.items()}
    for entry in _registry():
        assert entry["source"] in documented, f"{entry['source']} missing from system_table_schemas.json"
        wanted = set(entry["keys"]) | ({entry["sequenceBy"]} if entry["sequenceBy"] else set())
        assert wanted <= documented[entry["source"]], (entry["name"], sorted(wanted - documented[entry["source"]]))
    assert set(documented) == {e["source"] for e in _registry()}  # nothing documented that is not read


def test_fixtures_are_generated_exactly_from_the_file(spark):
    assert set(SYSTEM_TABLES) == set(DOCUMENTED_COLUMNS)
    for source, columns in DOCUMENTED_COLUMNS.items():
        schema = schema_of(spark, source)
        assert schema.fieldNames() == [c for c, _ in columns], source
        for name, dbx_type in columns:
            # simpleString() is how Databricks' DESCRIBE spells a type: the round trip is exact.
            assert schema[name].dataType.simpleString() == dbx_type, f"{source}.{name}"


def test_the_documented_differences_from_the_old_fixtures(spark):
    """Issue #14, 'Fixtures are self-made': each point the old fixtures had wrong."""
    pricing = schema_of(spark, "system.billing.list_prices")["pricing"].dataType
    assert pricing["default"].dataType == T.DecimalType(38, 18)
    assert pricing["effective_list"].dataType["default"].dataType == T.DecimalType(38, 18)
    job_parameters = schema_of(spark, "system.lakeflow.job_run_timeline")["job_parameters"].dataType
    assert job_parameters.simpleString() == "map<string,map<string,string>>"
    history = schema_of(spark, "system.query.history")
    assert history["query_source"].dataType["pipeline_info"].dataType.fieldNames() == ["pipeline_id", "update_id"]
    assert history["read_io_cache_percent"].dataType == T.ByteType()
    assistant = schema_of(spark, "system.access.assistant_events").fieldNames()
    assert "user_agent" in assistant and "surface" not in assistant
    foundation = schema_of(spark, "system.serving.served_entities")["foundation_model_config"].dataType
    assert {f.dataType for f in foundation.fields} == {T.LongType()}


def _sql_files() -> list[str]:
    files = []
    for d in SQL_DIRS:
        files += sorted(glob.glob(os.path.join(ROOT, "sql", d, "*.sql")))
    rel = [os.path.relpath(f, ROOT).replace(os.sep, "/") for f in files]
    return [f for f in rel if f not in SETUP_FILES]


@pytest.fixture(scope="module")
def empty_platform(spark):
    """Every bronze table empty, generated from the schema file, plus the gold and ETL tables."""
    schema = "schema_check"
    spark.sql(f"CREATE SCHEMA IF NOT EXISTS {schema}")
    for source in SYSTEM_TABLES:
        create_bronze_table(spark, schema, source)
    # The gold run model first: where both create a table (job_health_scores), its DDL wins.
    if os.path.exists(os.path.join(ROOT, "sql", "gold", "setup.sql")):
        run_sql_file(spark, "sql/gold/setup.sql", params(gold_schema=schema, bronze_schema=schema))
    else:  # until the gold run model lands on this branch: its contract columns (PLAN.md)
        from test_utilization import JOB_RUNS_CONTRACT

        spark.sql(f"CREATE TABLE {schema}.job_runs ({JOB_RUNS_CONTRACT}) USING DELTA")
    setup_gold(spark, schema)
    run_sql_file(spark, "sql/gold/utilization_setup.sql", params(gold_schema=schema, bronze_schema=schema, **SQL_PARAMS))
    setup_etl(spark, schema)
    yield schema
    spark.sql(f"DROP SCHEMA IF EXISTS {schema} CASCADE")


@pytest.mark.parametrize("path", _sql_files())
def test_every_column_the_sql_reads_exists_with_a_compatible_type(spark, empty_platform, path):
    s = empty_platform
    run_sql_file(spark, path, params(bronze_schema=s, gold_schema=s, etl_schema=s, **SQL_PARAMS))


def test_the_sql_check_covers_the_bronze_readers():
    files = _sql_files()
    assert {"sql/alerts/failed_job_runs.sql", "sql/alerts/dbu_cost_spike.sql",
            "sql/analytics/job_health_scores.sql", "sql/reports/failed_runs.sql"} <= set(files)
    assert len(SCHEMA_DOC["tables"]) == 35
