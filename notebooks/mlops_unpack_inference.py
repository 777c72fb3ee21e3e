# Databricks notebook source
# Unpacks a model serving endpoint's AI Gateway payload table (raw JSON requests and responses)
# into the flat processed inference table a Lakehouse Monitoring `inference_log` monitor reads:
# one row per scored record with prediction, label (when a label table is configured), model id,
# timestamp and the request features.
#
# Parameters (job task base_parameters, see constructs/model-monitoring.ts), listed in the
# contract sql/registry/mlops_contract.json: contract_path (the deployed contract file),
# payload_table, target_table, prediction_col, label_col, model_id_col, timestamp_col,
# prediction_type (string|double), features_json ([{"name", "type"}]), label_table,
# label_join_key, label_source_col (all three empty = no labels), retention_days,
# lookback_hours, default_model_id. The processed table's columns and the feature types also
# come from the contract, which the stack reads too.
#
# Behaviour
# - Incremental: reads payload rows whose request_time is at or after the newest processed
#   timestamp minus `lookback_hours` (late arrivals), and never older than the retention.
# - Idempotent: MERGE on (request_id, record_index), insert only; duplicate payload rows
#   (same databricks_request_id) are collapsed first. A rerun inserts nothing twice.
# - Labels: rows whose label is still NULL get it from the label table (joined on
#   label_join_key, a column of both tables), so labels arriving days later are filled in.
# - Retention: processed rows older than `retention_days` are deleted.
# - Malformed rows (unparseable JSON, no records, no predictions, record/prediction count
#   mismatch) are counted and skipped, never fatal. Non-200 requests are counted separately.
# - The processed table is created by the stack (databricks_sql_table, CDF on); this notebook
#   refuses to run without it, and exits cleanly while the payload table does not exist yet.
#
# ASSUMED payload table schema (AI Gateway inference tables for custom model endpoints, per the
# Databricks docs "Inference tables for monitoring and debugging models"; verify on the
# workspace, only the columns in PAYLOAD_COLUMNS are read):
#   request_date DATE, databricks_request_id STRING, client_request_id STRING,
#   request_time TIMESTAMP, status_code INT, sampling_fraction DOUBLE,
#   execution_duration_ms BIGINT, request STRING (JSON), response STRING (JSON),
#   served_entity_id STRING, logging_error_codes ARRAY<STRING>, requester STRING
# ASSUMED request/response JSON (MLflow scoring protocol): the request is one of
#   {"dataframe_records": [{col: value}, ...]}, {"dataframe_split": {"columns": [...],
#   "data": [[...], ...]}}, {"instances": [{...}]} or {"inputs": [{...}]}; the response is
#   {"predictions": [p0, p1, ...]}, one scalar per record. Anything else counts as malformed.

import datetime as dt
import json
import os
from dataclasses import dataclass, field
from typing import Optional

from delta.tables import DeltaTable
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

PAYLOAD_COLUMNS = (
    "databricks_request_id",
    "client_request_id",
    "request_date",
    "request_time",
    "status_code",
    "execution_duration_ms",
    "request",
    "response",
    "served_entity_id",
    "requester",
)

_RECORD = "map<string,string>"
REQUEST_SCHEMA = (
    f"struct<dataframe_records: array<{_RECORD}>, instances: array<{_RECORD}>, inputs: array<{_RECORD}>, "
    "dataframe_split: struct<columns: array<string>, data: array<array<string>>>>"
)
RESPONSE_SCHEMA = "struct<predictions: array<string>>"


def load_contract(path: Optional[str] = None) -> dict:
    """The MLOps contract: on Databricks the deployed file (parameter contract_path), locally the
    repository's sql/registry/mlops_contract.json."""
    if not path:
        if "__file__" not in globals():
            raise ValueError("contract_path is required: the job passes the deployed mlops_contract.json")
        path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "sql", "registry", "mlops_contract.json")
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)


if "dbutils" in globals():
    globals()["dbutils"].widgets.text("contract_path", "")
    CONTRACT = load_contract(globals()["dbutils"].widgets.get("contract_path"))
else:
    CONTRACT = load_contract()
FEATURE_TYPES = tuple(CONTRACT["feature_types"])
PREDICTION_TYPES = tuple(CONTRACT["prediction_types"])


@dataclass
class UnpackSpec:
    payload_table: str
    target_table: str
    prediction_col: str = "prediction"
    label_col: str = "label"
    model_id_col: str = "model_id"
    timestamp_col: str = "timestamp"
    prediction_type: str = "string"
    features: list = field(default_factory=list)
    label_table: Optional[str] = None
    label_join_key: Optional[str] = None
    label_source_col: Optional[str] = None
    retention_days: int = 90
    lookback_hours: int = 24
    default_model_id: str = "unknown"


@dataclass
class UnpackStats:
    read: int = 0
    malformed: int = 0
    failed_requests: int = 0
    inserted: int = 0
    labelled: int = 0
    deleted: int = 0


def parse_features(features_json: str) -> list:
    features = json.loads(features_json or "[]")
    if not isinstance(features, list):
        raise ValueError("features_json must be a JSON array of {name, type}")
    for f in features:
        if not isinstance(f, dict) or not f.get("name") or f.get("type") not in FEATURE_TYPES:
            raise ValueError(f"bad feature {f!r}: expected {{name, type}} with type one of {', '.join(FEATURE_TYPES)}")
    return features


def processed_columns(spec: UnpackSpec) -> list:
    """(name, type) of the processed table, in order, from the contract (as the stack's table)."""
    named = {"timestamp": spec.timestamp_col, "model_id": spec.model_id_col, "prediction": spec.prediction_col, "label": spec.label_col}
    columns = []
    for c in CONTRACT["processed_columns"]:
        if c.get("role") == "features":
            columns.extend((f["name"], f["type"]) for f in spec.features)
        else:
            columns.append((c.get("name") or named[c["role"]], spec.prediction_type if c["type"] == "prediction_type" else c["type"]))
    return columns


def not_null_columns(spec: UnpackSpec) -> set:
    return {c["name"] for c in CONTRACT["processed_columns"] if c.get("name") and c.get("nullable") is False}


def create_processed_table(spark: SparkSession, spec: UnpackSpec) -> None:
    """What the stack's databricks_sql_table creates; for local runs and tests."""
    cols = ", ".join(
        f"`{n}` {t.upper()}{' NOT NULL' if n in not_null_columns(spec) else ''}" for n, t in processed_columns(spec)
    )
    spark.sql(
        f"CREATE TABLE IF NOT EXISTS {spec.target_table} ({cols}) USING DELTA "
        "TBLPROPERTIES ('delta.enableChangeDataFeed' = 'true')"
    )


def watermark(spark: SparkSession, spec: UnpackSpec) -> Optional[dt.datetime]:
    """Newest processed timestamp minus the lookback, or None when the table is empty."""
    newest = spark.table(spec.target_table).agg(F.max(spec.timestamp_col)).first()[0]
    return None if newest is None else newest - dt.timedelta(hours=spec.lookback_hours)


def select_payload(spark: SparkSession, spec: UnpackSpec, since: Optional[dt.datetime], now: dt.datetime) -> DataFrame:
    oldest = now - dt.timedelta(days=spec.retention_days)
    start = max(since, oldest) if since is not None else oldest
    return (
        spark.table(spec.payload_table)
        .select(*PAYLOAD_COLUMNS)
        # request_date first: the payload table is partitioned/clustered by it.
        .where(F.col("request_date") >= F.lit(start.date()))
        .where(F.col("request_time") >= F.lit(start))
    )


def unpack(payload: DataFrame, spec: UnpackSpec) -> DataFrame:
    """Payload rows → one row per record, with `__state` ok | malformed | failed_request.

    Rows that are not ok keep one row (record_index NULL) so they can be counted."""
    req = F.from_json(F.col("request"), REQUEST_SCHEMA)
    split = req["dataframe_split"]
    split_records = F.when(
        split.isNotNull() & split["columns"].isNotNull() & split["data"].isNotNull(),
        F.transform(
            split["data"],
            lambda row: F.when(F.size(row) == F.size(split["columns"]), F.map_from_arrays(split["columns"], row)),
        ),
    )
    records = F.coalesce(req["dataframe_records"], req["instances"], req["inputs"], split_records)
    predictions = F.from_json(F.col("response"), RESPONSE_SCHEMA)["predictions"]
    parsed = (
        payload.dropDuplicates(["databricks_request_id"])
        .withColumn("__records", records)
        .withColumn("__predictions", predictions)
    )
    valid = (
        F.col("__records").isNotNull()
        & (F.size("__records") > 0)
        & F.col("__predictions").isNotNull()
        & (F.size("__records") == F.size("__predictions"))
        & ~F.exists("__records", lambda r: r.isNull())
    )
    state = F.when(F.col("status_code") != 200, "failed_request").when(F.coalesce(valid, F.lit(False)), "ok").otherwise("malformed")
    staged = parsed.withColumn("__state", state)
    ok = staged.where("__state = 'ok'").select("*", F.posexplode("__records").alias("record_index", "__record"))
    rest = staged.where("__state <> 'ok'").withColumn("record_index", F.lit(None).cast("int")).withColumn("__record", F.lit(None).cast(_RECORD))
    both = ok.unionByName(rest)
    return both.select(
        F.col("databricks_request_id").alias("request_id"),
        F.col("record_index").cast("int").alias("record_index"),
        "client_request_id",
        F.col("request_time").alias(spec.timestamp_col),
        "request_date",
        F.coalesce(F.col("served_entity_id"), F.lit(spec.default_model_id)).alias(spec.model_id_col),
        F.element_at("__predictions", F.col("record_index") + 1).cast(spec.prediction_type).alias(spec.prediction_col),
        F.lit(None).cast(spec.prediction_type).alias(spec.label_col),
        F.col("status_code").cast("int").alias("status_code"),
        F.col("execution_duration_ms").cast("bigint").alias("execution_duration_ms"),
        "requester",
        *[F.col("__record")[f["name"]].cast(f["type"]).alias(f["name"]) for f in spec.features],
        F.current_timestamp().alias("processed_at"),
        "__state",
    )


def _version(spark: SparkSession, table: str) -> int:
    return DeltaTable.forName(spark, table).history(1).select("version").first()[0]


def _metric_since(spark: SparkSession, table: str, version: int, operation: str, metric: str) -> int:
    """`metric` of the commit after `version`; 0 when the operation wrote no commit (a no-op MERGE)."""
    row = DeltaTable.forName(spark, table).history(1).select("version", "operation", "operationMetrics").first()
    if row is None or row["version"] <= version or row["operation"] != operation:
        return 0
    return int(row["operationMetrics"].get(metric, 0))


def merge_records(spark: SparkSession, spec: UnpackSpec, records: DataFrame) -> int:
    """Inserts records not yet in the target; returns how many were inserted."""
    before = _version(spark, spec.target_table)
    (
        DeltaTable.forName(spark, spec.target_table)
        .alias("t")
        .merge(records.alias("s"), "t.request_id = s.request_id AND t.record_index = s.record_index")
        .whenNotMatchedInsertAll()
        .execute()
    )
    return _metric_since(spark, spec.target_table, before, "MERGE", "numTargetRowsInserted")


def apply_labels(spark: SparkSession, spec: UnpackSpec) -> int:
    """Fills NULL labels from the label table; returns how many rows got one."""
    if not spec.label_table:
        return 0
    key, label = spec.label_join_key, spec.label_col
    labels = (
        spark.table(spec.label_table)
        .select(F.col(key).cast("string").alias("__key"), F.col(spec.label_source_col).cast(spec.prediction_type).alias("__label"))
        .where("__key IS NOT NULL AND __label IS NOT NULL")
        .dropDuplicates(["__key"])
    )
    before = _version(spark, spec.target_table)
    (
        DeltaTable.forName(spark, spec.target_table)
        .alias("t")
        .merge(labels.alias("s"), f"CAST(t.`{key}` AS STRING) = s.__key")
        .whenMatchedUpdate(condition=f"t.`{label}` IS NULL", set={f"`{label}`": "s.__label"})
        .execute()
    )
    return _metric_since(spark, spec.target_table, before, "MERGE", "numTargetRowsUpdated")


def apply_retention(spark: SparkSession, spec: UnpackSpec, now: dt.datetime) -> int:
    cutoff = now - dt.timedelta(days=spec.retention_days)
    condition = F.col(spec.timestamp_col) < F.lit(cutoff)
    expired = spark.table(spec.target_table).where(condition).count()
    if expired:
        DeltaTable.forName(spark, spec.target_table).delete(condition)
    return expired


def run(spark: SparkSession, spec: UnpackSpec, now: Optional[dt.datetime] = None) -> UnpackStats:
    now = now or dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    if not spark.catalog.tableExists(spec.target_table):
        raise RuntimeError(f"{spec.target_table} does not exist: it is created by the stack (databricks_sql_table); deploy first")
    stats = UnpackStats()
    if spark.catalog.tableExists(spec.payload_table):
        rows = unpack(select_payload(spark, spec, watermark(spark, spec), now), spec).cache()
        try:
            counts = rows.groupBy().agg(
                F.countDistinct("request_id").alias("read"),
                F.sum(F.when(F.col("__state") == "malformed", 1).otherwise(0)).alias("malformed"),
                F.sum(F.when(F.col("__state") == "failed_request", 1).otherwise(0)).alias("failed"),
            ).first()
            stats.read = int(counts["read"] or 0)
            stats.malformed = int(counts["malformed"] or 0)
            stats.failed_requests = int(counts["failed"] or 0)
            stats.inserted = merge_records(spark, spec, rows.where("__state = 'ok'").drop("__state"))
        finally:
            rows.unpersist()
    else:
        print(f"{spec.payload_table} does not exist yet (no request logged): nothing to unpack")
    stats.labelled = apply_labels(spark, spec)
    stats.deleted = apply_retention(spark, spec, now)
    return stats


def spec_from_parameters(params: dict) -> UnpackSpec:
    def opt(name):
        return params.get(name) or None

    spec = UnpackSpec(
        payload_table=params["payload_table"],
        target_table=params["target_table"],
        prediction_col=params.get("prediction_col") or "prediction",
        label_col=params.get("label_col") or "label",
        model_id_col=params.get("model_id_col") or "model_id",
        timestamp_col=params.get("timestamp_col") or "timestamp",
        prediction_type=params.get("prediction_type") or "string",
        features=parse_features(params.get("features_json", "[]")),
        label_table=opt("label_table"),
        label_join_key=opt("label_join_key"),
        label_source_col=opt("label_source_col"),
        retention_days=int(params.get("retention_days") or 90),
        lookback_hours=int(params.get("lookback_hours") or 24),
        default_model_id=params.get("default_model_id") or "unknown",
    )
    if not spec.payload_table or not spec.target_table:
        raise ValueError("payload_table and target_table are required")
    if spec.prediction_type not in PREDICTION_TYPES:
        raise ValueError(f"prediction_type must be {' or '.join(PREDICTION_TYPES)}, got {spec.prediction_type!r}")
    if spec.label_table and not (spec.label_join_key and spec.label_source_col):
        raise ValueError("label_table needs label_join_key and label_source_col")
    return spec


PARAMETERS = tuple(CONTRACT["unpack_parameters"])

# COMMAND ----------

if "dbutils" in globals():
    widgets = globals()["dbutils"].widgets
    for name in PARAMETERS:
        if name != "contract_path":
            widgets.text(name, "")
    result = run(globals()["spark"], spec_from_parameters({name: widgets.get(name) for name in PARAMETERS}))
    print(
        f"read {result.read} request(s): inserted {result.inserted} record(s), skipped {result.malformed} malformed "
        f"and {result.failed_requests} failed request(s); labelled {result.labelled}; deleted {result.deleted} expired"
    )
