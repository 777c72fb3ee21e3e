# Databricks notebook source
# MERGEs the non-streaming system tables into bronze (idempotent).
#
# Parameters (job task base_parameters): catalog, schema, tables_json (the merge entries of
# sql/registry/system_tables.json). For each table the source is first reduced to its latest row
# per natural key (by the entry's sequenceBy column), then merged: a newer row replaces the bronze
# row, a new key is inserted, an older or identical row changes nothing — so running twice on the
# same input is a no-op. A failing table does not stop the others; every outcome is reported and
# the task fails at the end if any table failed.

import json
from dataclasses import dataclass
from typing import Optional

from delta.tables import DeltaTable
from pyspark.sql import DataFrame, SparkSession, Window
from pyspark.sql import functions as F

METADATA_COLUMNS = ("bronze_ingestion_timestamp", "bronze_source_table")


@dataclass
class MergeOutcome:
    table: str
    status: str  # "merged" | "failed"
    inserted: int = 0
    updated: int = 0
    error: Optional[str] = None


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


def latest_per_key(df: DataFrame, keys: list, sequence_by: Optional[str]) -> DataFrame:
    """One row per key: the latest by `sequence_by`, else an arbitrary one of identical keys.

    MERGE fails when several source rows match one target row, so duplicates must go first.
    """
    if sequence_by is None:
        return df.dropDuplicates(keys)
    order = F.col(sequence_by).desc_nulls_last()
    ranked = df.withColumn("__rank", F.row_number().over(Window.partitionBy(*keys).orderBy(order)))
    return ranked.filter("__rank = 1").drop("__rank")


def merge_condition(keys: list) -> str:
    # Null-safe: some key columns (e.g. list_prices.price_start_time) may be null in a source.
    return " AND ".join(f"t.`{k}` <=> s.`{k}`" for k in keys)


def update_condition(columns: list, sequence_by: Optional[str]) -> str:
    if sequence_by is not None:
        return f"t.`{sequence_by}` IS NULL OR s.`{sequence_by}` > t.`{sequence_by}`"
    # No version column: update only when a value changed. Compared as JSON because map
    # columns cannot be compared directly.
    target_row = ", ".join(f"t.`{c}`" for c in columns)
    source_row = ", ".join(f"s.`{c}`" for c in columns)
    return f"to_json(struct({target_row})) <> to_json(struct({source_row}))"


def merge_table(spark: SparkSession, target: str, entry: dict) -> MergeOutcome:
    source = spark.table(entry["source"])
    data_columns = [c for c in source.columns if c not in METADATA_COLUMNS]
    latest = latest_per_key(source, entry["keys"], entry.get("sequenceBy")).withColumn(
        "bronze_ingestion_timestamp", F.current_timestamp()
    ).withColumn("bronze_source_table", F.lit(entry["source"]))
    (
        DeltaTable.forName(spark, target)
        .alias("t")
        .merge(latest.alias("s"), merge_condition(entry["keys"]))
        .whenMatchedUpdateAll(condition=update_condition(data_columns, entry.get("sequenceBy")))
        .whenNotMatchedInsertAll()
        .execute()
    )
    metrics = DeltaTable.forName(spark, target).history(1).select("operation", "operationMetrics").first()
    op_metrics = metrics["operationMetrics"] if metrics and metrics["operation"] == "MERGE" else {}
    return MergeOutcome(
        table=entry["name"],
        status="merged",
        inserted=int(op_metrics.get("numTargetRowsInserted", 0)),
        updated=int(op_metrics.get("numTargetRowsUpdated", 0)),
    )


def merge_all(spark: SparkSession, catalog: str, schema: str, entries: list) -> list:
    """Merges every table, continuing past failures. Returns one outcome per table."""
    outcomes = []
    for entry in entries:
        try:
            outcomes.append(merge_table(spark, f"{catalog}.{schema}.{entry['name']}", entry))
        except Exception as e:  # noqa: BLE001 - reported per table, raised at the end
            outcomes.append(MergeOutcome(entry["name"], "failed", error=f"{type(e).__name__}: {str(e).splitlines()[0]}"))
    return outcomes


def format_report(outcomes: list) -> str:
    lines = [f"{'table':<48} {'status':<8} {'inserted':>9} {'updated':>8}  error"]
    lines += [f"{o.table:<48} {o.status:<8} {o.inserted:>9} {o.updated:>8}  {o.error or ''}" for o in outcomes]
    return "\n".join(lines)


def raise_if_failed(outcomes: list) -> None:
    failed = [o.table for o in outcomes if o.status == "failed"]
    if failed:
        raise RuntimeError(f"MERGE failed for {len(failed)} of {len(outcomes)} table(s): {', '.join(failed)}")


# COMMAND ----------

if "dbutils" in globals():
    widgets = globals()["dbutils"].widgets
    for name in ("catalog", "schema", "tables_json"):
        widgets.text(name, "")
    session = globals()["spark"]
    # Sources gain columns over time; let MERGE add them to bronze instead of failing.
    session.conf.set("spark.databricks.delta.schema.autoMerge.enabled", "true")
    results = merge_all(session, widgets.get("catalog"), widgets.get("schema"), merge_entries(widgets.get("tables_json")))
    print(format_report(results))
    raise_if_failed(results)
