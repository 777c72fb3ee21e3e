# Databricks notebook source
# Creates the bronze tables of the non-streaming system tables, if missing (idempotent).
#
# Parameters (job task base_parameters): catalog, schema, tables_json (the merge entries of
# sql/registry/system_tables.json); optional business_owner, technical_owner (defaults
# "Platform Operations", "Data Engineering"). Each table takes its source's columns plus the bronze
# metadata columns, the governance properties and automatic liquid clustering. A source that
# cannot be read (e.g. system.data_quality_monitoring.table_results is account-admin only until
# granted) is reported and skipped; the task fails at the end if any table failed.

import json

from pyspark.sql import SparkSession

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


def error_summary(e: Exception) -> str:
    lines = str(e).strip().splitlines()
    return f"{type(e).__name__}: {lines[0] if lines else ''}"


def sql_string(value: str) -> str:
    """A SQL string literal (backslash and quote escaped)."""
    return "'" + str(value).replace("\\", "\\\\").replace("'", "\\'") + "'"


def properties_sql(entry: dict, business_owner: str, technical_owner: str) -> str:
    props = table_properties(entry, business_owner, technical_owner)
    return ", ".join(f"{sql_string(k)} = {sql_string(v)}" for k, v in sorted(props.items()))


def create_table_sql(target: str, entry: dict, business_owner: str, technical_owner: str) -> str:
    """CTAS with LIMIT 0: the source's columns and types, plus the bronze metadata columns."""
    return (
        f"CREATE TABLE IF NOT EXISTS {quote(target)} USING DELTA CLUSTER BY AUTO "
        f"COMMENT {sql_string(entry['description'])} "
        f"TBLPROPERTIES ({properties_sql(entry, business_owner, technical_owner)}) AS "
        f"SELECT *, CAST(NULL AS TIMESTAMP) AS bronze_ingestion_timestamp, "
        f"CAST(NULL AS STRING) AS bronze_source_table FROM {quote(entry['source'])} LIMIT 0"
    )


def ensure_bronze_table(
    spark: SparkSession,
    target: str,
    entry: dict,
    business_owner: str = "Platform Operations",
    technical_owner: str = "Data Engineering",
    execute_sql=None,
) -> str:
    """Creates `target` from the source's schema if missing, else refreshes its governance
    properties. Returns "created" or "exists".

    `execute_sql` runs each statement (default `spark.sql`); tests pass the SQL harness's
    executor, which applies the documented Databricks-to-OSS translation rules.
    """
    run = execute_sql or spark.sql
    if spark.catalog.tableExists(target):
        run(f"ALTER TABLE {quote(target)} SET TBLPROPERTIES ({properties_sql(entry, business_owner, technical_owner)})")
        return "exists"
    run(create_table_sql(target, entry, business_owner, technical_owner))
    return "created"


def setup_all(
    spark: SparkSession,
    catalog: str,
    schema: str,
    entries: list,
    business_owner: str = "Platform Operations",
    technical_owner: str = "Data Engineering",
    execute_sql=None,
) -> list:
    """Ensures every table; one failure does not stop the others. Returns (name, status, error)."""
    outcomes = []
    for entry in entries:
        target = f"{catalog}.{schema}.{entry['name']}"
        try:
            status = ensure_bronze_table(spark, target, entry, business_owner, technical_owner, execute_sql)
            outcomes.append((entry["name"], status, None))
        except Exception as e:  # noqa: BLE001 - reported per table, raised at the end
            outcomes.append((entry["name"], "failed", error_summary(e)))
    return outcomes


def raise_if_failed(outcomes: list) -> None:
    failed = [name for name, status, _ in outcomes if status == "failed"]
    if failed:
        raise RuntimeError(f"setup failed for {len(failed)} of {len(outcomes)} table(s): {', '.join(failed)}")


def format_report(outcomes: list) -> str:
    lines = [f"{'table':<48} {'status':<8} error"]
    lines += [f"{name:<48} {status:<8} {error or ''}" for name, status, error in outcomes]
    return "\n".join(lines)


# COMMAND ----------

if "dbutils" in globals():
    widgets = globals()["dbutils"].widgets
    for name, default in (("catalog", ""), ("schema", ""), ("tables_json", ""),
                          ("business_owner", "Platform Operations"), ("technical_owner", "Data Engineering")):
        widgets.text(name, default)
    results = setup_all(
        globals()["spark"],
        widgets.get("catalog"),
        widgets.get("schema"),
        merge_entries(widgets.get("tables_json")),
        widgets.get("business_owner"),
        widgets.get("technical_owner"),
    )
    print(format_report(results))
    raise_if_failed(results)
