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


def update_condition(columns: list, sequence_by: Optional[str], new_columns: tuple = ()) -> str:
    """When a matched bronze row is replaced by the source row.

    With a version column: only by a strictly newer version. Without one: when any value
    differs (compared as JSON, since map columns are not comparable), or when the source
    carries a value in a column bronze does not have yet (schema evolution adds it).
    """
    if sequence_by is not None:
        return f"s.`{sequence_by}` > t.`{sequence_by}` OR (t.`{sequence_by}` IS NULL AND s.`{sequence_by}` IS NOT NULL)"
    target_row = ", ".join(f"t.`{c}`" for c in columns)
    source_row = ", ".join(f"s.`{c}`" for c in columns)
    changed = f"to_json(struct({target_row})) <> to_json(struct({source_row}))"
    return " OR ".join([changed] + [f"s.`{c}` IS NOT NULL" for c in new_columns])


def merge_table(spark: SparkSession, target: str, entry: dict) -> MergeOutcome:
    source = spark.table(entry["source"])
    bronze = DeltaTable.forName(spark, target)
    # Compare only columns bronze already has; new source columns are added by the MERGE.
    existing = set(bronze.toDF().columns)
    data_columns = [c for c in source.columns if c in existing and c not in METADATA_COLUMNS]
    new_columns = tuple(c for c in source.columns if c not in existing and c not in METADATA_COLUMNS)
    latest = latest_per_key(source, entry["keys"], entry.get("sequenceBy")).withColumn(
        "bronze_ingestion_timestamp", F.current_timestamp()
    ).withColumn("bronze_source_table", F.lit(entry["source"]))
    (
        bronze.alias("t")
        .merge(latest.alias("s"), merge_condition(entry["keys"]))
        # Sources gain columns over time: let the MERGE add them to bronze instead of failing.
        # (The builder option, not spark.databricks.delta.schema.autoMerge.enabled, which
        # serverless compute does not allow setting.)
        .withSchemaEvolution()
        .whenMatchedUpdateAll(condition=update_condition(data_columns, entry.get("sequenceBy"), new_columns))
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
            lines = str(e).strip().splitlines()
            outcomes.append(MergeOutcome(entry["name"], "failed", error=f"{type(e).__name__}: {lines[0] if lines else ''}"))
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
    results = merge_all(globals()["spark"], widgets.get("catalog"), widgets.get("schema"), merge_entries(widgets.get("tables_json")))
    print(format_report(results))
    raise_if_failed(results)
