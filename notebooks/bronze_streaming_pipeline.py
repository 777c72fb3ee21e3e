# Databricks notebook source
# Generic bronze streaming source for one system schema (Lakeflow Declarative Pipelines).
#
# One notebook serves all eight pipelines: each pipeline passes its tables in its configuration
# (`observability.tables`, entries of sql/registry/system_tables.json), so the registry is the
# only place a table is named. The logic is in plain functions, testable without a pipeline;
# the last cell declares the tables when the notebook runs inside a pipeline.

import json

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

LAYER = "bronze"
SOURCE_SYSTEM = "databricks_system_tables"
REQUIRED_FIELDS = ("name", "source", "domain", "mode", "keys", "containsPii", "dataClassification", "entityType", "description")


def parse_tables(conf_json: str) -> list:
    """The stream tables of a pipeline configuration; refuses entries missing registry fields."""
    entries = json.loads(conf_json)
    if not isinstance(entries, list) or not entries:
        raise ValueError("observability.tables must be a non-empty JSON array of registry entries")
    for entry in entries:
        missing = [f for f in REQUIRED_FIELDS if f not in entry]
        if missing:
            raise ValueError(f"registry entry {entry.get('name', '?')} lacks {', '.join(missing)}")
        if entry["mode"] != "stream":
            raise ValueError(f"{entry['name']} is a {entry['mode']} table; only stream tables belong in a pipeline")
    return entries


def bronze_table_properties(entry: dict, business_owner: str, technical_owner: str) -> dict:
    """Governance properties every bronze table carries (values are strings, as Delta stores them)."""
    retention = entry.get("retentionDays")
    return {
        "layer": LAYER,
        "source_system": SOURCE_SYSTEM,
        "source_table": entry["source"],
        "domain": entry["domain"],
        "entity_type": entry["entityType"],
        "contains_pii": str(entry["containsPii"]).lower(),
        "data_classification": entry["dataClassification"],
        "business_owner": business_owner,
        "technical_owner": technical_owner,
        "natural_keys": ",".join(entry["keys"]),
        "source_retention_days": "indefinite" if retention is None else str(retention),
    }


def read_system_table_stream(spark: SparkSession, source: str) -> DataFrame:
    # Retention purges commit deletes to the source; without skipChangeCommits the stream fails on
    # the first such commit. The option also drops in-place UPDATEs, so a table whose rows are
    # rewritten in place is never streamed: the registry MERGEs it (docs/registry-contract.md).
    return spark.readStream.option("skipChangeCommits", "true").table(source)


def add_ingestion_metadata(df: DataFrame, entry: dict) -> DataFrame:
    """Stamps each row with when it reached bronze and where it came from."""
    return df.withColumn("bronze_ingestion_timestamp", F.current_timestamp()).withColumn(
        "bronze_source_table", F.lit(entry["source"])
    )


def declare_bronze_table(dlt, spark: SparkSession, entry: dict, business_owner: str, technical_owner: str):
    """Declares one streaming table. A function per entry binds `entry` now, not at loop end."""

    @dlt.table(
        name=entry["name"],
        comment=entry["description"],
        table_properties=bronze_table_properties(entry, business_owner, technical_owner),
        cluster_by_auto=True,
    )
    def bronze():
        return add_ingestion_metadata(read_system_table_stream(spark, entry["source"]), entry)

    return bronze


def declare_pipeline(dlt, spark: SparkSession) -> list:
    """Declares every table of this pipeline from its configuration."""
    entries = parse_tables(spark.conf.get("observability.tables"))
    business_owner = spark.conf.get("observability.business_owner", "Platform Operations")
    technical_owner = spark.conf.get("observability.technical_owner", "Data Engineering")
    return [declare_bronze_table(dlt, spark, e, business_owner, technical_owner) for e in entries]


# COMMAND ----------

# Inside a pipeline `dlt` imports and `spark` is a notebook global; when the file is imported
# as a module (tests) neither holds, and nothing is declared.
try:
    import dlt  # noqa: E402
except ImportError:  # pragma: no cover - outside Databricks
    dlt = None

if dlt is not None and "spark" in globals():
    declare_pipeline(dlt, globals()["spark"])
