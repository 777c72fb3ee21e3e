# Databricks notebook source
# Creates the bronze tables of the non-streaming system tables, if missing (idempotent).
#
# Parameters (job task base_parameters): catalog, schema, tables_json (the merge entries of
# sql/registry/system_tables.json). Each table takes its source's columns plus the bronze
# metadata columns, the governance properties and automatic liquid clustering. A source that
# cannot be read (e.g. system.data_quality_monitoring.table_results is account-admin only until
# granted) is reported and skipped; the task fails at the end if any table failed.

import json

from pyspark.sql import SparkSession
from pyspark.sql import functions as F

LAYER = "bronze"
SOURCE_SYSTEM = "databricks_system_tables"


def quote(name: str) -> str:
    return ".".join(f"`{part}`" for part in name.split("."))


def merge_entries(tables_json: str) -> list:
    entries = json.loads(tables_json)
    if not isinstance(entries, list) or not entries:
        raise ValueError("tables_json must be a non-empty JSON array of registry entries")
    for entry in entries:
        if entry.get("mode") != "merge":
            raise ValueError(f"{entry.get('name', '?')} is not a merge table")
        if not entry.get("keys"):
            raise ValueError(f"{entry['name']} has no key columns")
    return entries


def table_properties(entry: dict, business_owner: str, technical_owner: str) -> dict:
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


def ensure_bronze_table(
    spark: SparkSession,
    target: str,
    entry: dict,
    business_owner: str = "Platform Operations",
    technical_owner: str = "Data Engineering",
    cluster_by_auto: bool = True,
) -> str:
    """Creates `target` with the source's schema if it does not exist. Returns created|exists.

    `cluster_by_auto` is off only where the engine lacks automatic liquid clustering (open-source
    Delta in tests); on Databricks it is always on.
    """
    if spark.catalog.tableExists(target):
        return "exists"
    empty = (
        spark.table(entry["source"])
        .limit(0)
        .withColumn("bronze_ingestion_timestamp", F.current_timestamp())
        .withColumn("bronze_source_table", F.lit(entry["source"]))
    )
    columns = ", ".join(f"`{f.name}` {f.dataType.simpleString()}" for f in empty.schema.fields)
    props = ", ".join(f"'{k}' = '{v}'" for k, v in sorted(table_properties(entry, business_owner, technical_owner).items()))
    clustering = " CLUSTER BY AUTO" if cluster_by_auto else ""
    comment = entry["description"].replace("'", "\\'")
    spark.sql(
        f"CREATE TABLE IF NOT EXISTS {quote(target)} ({columns}) USING DELTA{clustering} "
        f"COMMENT '{comment}' TBLPROPERTIES ({props})"
    )
    return "created"


def setup_all(spark: SparkSession, catalog: str, schema: str, entries: list, cluster_by_auto: bool = True) -> list:
    """Ensures every table; one failure does not stop the others. Returns (name, status, error)."""
    outcomes = []
    for entry in entries:
        target = f"{catalog}.{schema}.{entry['name']}"
        try:
            outcomes.append((entry["name"], ensure_bronze_table(spark, target, entry, cluster_by_auto=cluster_by_auto), None))
        except Exception as e:  # noqa: BLE001 - reported per table, raised at the end
            outcomes.append((entry["name"], "failed", f"{type(e).__name__}: {str(e).splitlines()[0]}"))
    return outcomes


def format_report(outcomes: list) -> str:
    lines = [f"{'table':<48} {'status':<8} error"]
    lines += [f"{name:<48} {status:<8} {error or ''}" for name, status, error in outcomes]
    return "\n".join(lines)


# COMMAND ----------

if "dbutils" in globals():
    widgets = globals()["dbutils"].widgets
    for name in ("catalog", "schema", "tables_json"):
        widgets.text(name, "")
    results = setup_all(globals()["spark"], widgets.get("catalog"), widgets.get("schema"), merge_entries(widgets.get("tables_json")))
    print(format_report(results))
    failed = [name for name, status, _ in results if status == "failed"]
    if failed:
        raise RuntimeError(f"setup failed for {len(failed)} table(s): {', '.join(failed)}")
