"""notebooks/mlops_unpack_inference.py on real Spark + Delta.

The payload table is a Delta stand-in with the assumed AI Gateway payload columns (see the
notebook's header); the processed table is created with the notebook's DDL, which mirrors the
stack's databricks_sql_table.
"""

import datetime as dt
import json

import pytest

NOTEBOOK = "notebooks/mlops_unpack_inference.py"
NOW = dt.datetime(2025, 6, 10, 12, 0, 0)
FEATURES = [{"name": "tenure_months", "type": "double"}, {"name": "plan", "type": "string"}]

PAYLOAD_DDL = """
    request_date DATE, databricks_request_id STRING, client_request_id STRING, request_time TIMESTAMP,
    status_code INT, sampling_fraction DOUBLE, execution_duration_ms BIGINT, request STRING,
    response STRING, served_entity_id STRING, logging_error_codes ARRAY<STRING>, requester STRING
"""


def records_request(*records):
    return json.dumps({"dataframe_records": list(records)})


def predictions(*values):
    return json.dumps({"predictions": list(values)})


def payload_row(request_id, at, request, response, status=200, client_id=None, entity="entity-1"):
    return (
        at.date(),
        request_id,
        client_id,
        at,
        status,
        1.0,
        12,
        request,
        response,
        entity,
        [],
        "app@example.com",
    )


@pytest.fixture
def nb(load_notebook):
    return load_notebook(NOTEBOOK)


@pytest.fixture
def spec(nb, fresh_schema):
    return nb.UnpackSpec(
        payload_table=f"{fresh_schema}.churn_payload",
        target_table=f"{fresh_schema}.churn_processed",
        features=FEATURES,
        retention_days=90,
        lookback_hours=0,
        default_model_id="ml.churn.model/1",
    )


@pytest.fixture
def tables(spark, nb, spec):
    spark.sql(f"CREATE TABLE {spec.payload_table} ({PAYLOAD_DDL}) USING DELTA")
    nb.create_processed_table(spark, spec)
    return spec


def append_payload(spark, spec, rows):
    spark.createDataFrame(rows, PAYLOAD_DDL).write.format("delta").mode("append").saveAsTable(spec.payload_table)


def processed(spark, spec):
    return {(r["request_id"], r["record_index"]): r.asDict() for r in spark.table(spec.target_table).collect()}


T1 = NOW - dt.timedelta(days=1)

FIRST_BATCH = [
    # Valid: two records in one request (dataframe_records).
    payload_row(
        "r1",
        T1,
        records_request({"tenure_months": 12, "plan": "basic"}, {"tenure_months": 3.5, "plan": "pro"}),
        predictions(1, 0),
        client_id="c1",
    ),
    # Valid: dataframe_split format, string prediction.
    payload_row(
        "r2",
        T1 + dt.timedelta(minutes=5),
        json.dumps({"dataframe_split": {"columns": ["tenure_months", "plan"], "data": [[40, "basic"]]}}),
        predictions("yes"),
        client_id="c2",
        entity=None,
    ),
    # Duplicate of r1 (payload tables can log a request twice).
    payload_row(
        "r1",
        T1,
        records_request({"tenure_months": 12, "plan": "basic"}, {"tenure_months": 3.5, "plan": "pro"}),
        predictions(1, 0),
        client_id="c1",
    ),
    # Malformed: not JSON.
    payload_row("bad1", T1, "{not json", predictions(1)),
    # Malformed: response without predictions.
    payload_row("bad2", T1, records_request({"tenure_months": 1, "plan": "basic"}), json.dumps({"error": "x"})),
    # Malformed: one record, two predictions.
    payload_row("bad3", T1, records_request({"tenure_months": 1, "plan": "basic"}), predictions(1, 0)),
    # Failed request (500): counted apart, not unpacked.
    payload_row("fail1", T1, records_request({"tenure_months": 1, "plan": "basic"}), None, status=500),
]


def test_unpacks_valid_rows_and_counts_malformed_ones(spark, nb, tables):
    spec = tables
    append_payload(spark, spec, FIRST_BATCH)

    stats = nb.run(spark, spec, now=NOW)

    assert (stats.malformed, stats.failed_requests, stats.inserted) == (3, 1, 3)
    rows = processed(spark, spec)
    assert set(rows) == {("r1", 0), ("r1", 1), ("r2", 0)}
    first = rows[("r1", 0)]
    assert first["prediction"] == "1" and first["label"] is None
    assert first["tenure_months"] == 12.0 and first["plan"] == "basic"
    assert first["model_id"] == "entity-1" and first["timestamp"] == T1 and first["client_request_id"] == "c1"
    assert rows[("r1", 1)]["tenure_months"] == 3.5 and rows[("r1", 1)]["prediction"] == "0"
    # No served entity id: falls back to the configured model id.
    assert rows[("r2", 0)]["model_id"] == "ml.churn.model/1" and rows[("r2", 0)]["prediction"] == "yes"
    # Columns are those of the stack's table, in order.
    assert spark.table(spec.target_table).columns == [name for name, _ in nb.processed_columns(spec)]


def test_rerun_adds_nothing_twice(spark, nb, tables):
    spec = tables
    spec.lookback_hours = 48  # re-read everything: idempotence must come from the MERGE
    append_payload(spark, spec, FIRST_BATCH)
    nb.run(spark, spec, now=NOW)
    before = spark.table(spec.target_table).count()

    again = nb.run(spark, spec, now=NOW)

    assert again.inserted == 0
    assert spark.table(spec.target_table).count() == before == 3


def test_incremental_second_batch_only_adds_new_rows(spark, nb, tables):
    spec = tables
    append_payload(spark, spec, FIRST_BATCH)
    nb.run(spark, spec, now=NOW)
    t2 = T1 + dt.timedelta(hours=6)
    append_payload(
        spark,
        spec,
        [
            payload_row("r3", t2, records_request({"tenure_months": 7, "plan": "pro"}), predictions(1)),
            payload_row("r4", t2 + dt.timedelta(minutes=1), records_request({"tenure_months": 8, "plan": "pro"}), predictions(0)),
        ],
    )

    stats = nb.run(spark, spec, now=NOW)

    assert stats.inserted == 2
    # Only rows from the watermark on were read (r2 sits at the watermark itself), not the first batch.
    assert stats.read <= 3 and stats.malformed == 0
    assert set(processed(spark, spec)) == {("r1", 0), ("r1", 1), ("r2", 0), ("r3", 0), ("r4", 0)}


def test_retention_deletes_old_rows_and_skips_old_payload(spark, nb, tables):
    spec = tables
    spec.retention_days = 30
    old = NOW - dt.timedelta(days=45)
    append_payload(spark, spec, [payload_row("old", old, records_request({"tenure_months": 1, "plan": "x"}), predictions(1))])
    # Written when it was recent (now = 20 days after it).
    nb.run(spark, spec, now=old + dt.timedelta(days=20))
    assert set(processed(spark, spec)) == {("old", 0)}
    append_payload(spark, spec, FIRST_BATCH[:2])

    stats = nb.run(spark, spec, now=NOW)

    assert stats.deleted == 1
    assert set(processed(spark, spec)) == {("r1", 0), ("r1", 1), ("r2", 0)}


def test_labels_are_joined_when_they_arrive(spark, nb, tables, fresh_schema):
    spec = tables
    spec.label_table = f"{fresh_schema}.churn_labels"
    spec.label_join_key = "client_request_id"
    spec.label_source_col = "churned"
    spark.createDataFrame([("c1", 1)], "client_request_id STRING, churned INT").write.saveAsTable(spec.label_table)
    append_payload(spark, spec, FIRST_BATCH)

    first = nb.run(spark, spec, now=NOW)
    spark.createDataFrame([("c2", 0)], "client_request_id STRING, churned INT").write.mode("append").saveAsTable(spec.label_table)
    second = nb.run(spark, spec, now=NOW)

    rows = processed(spark, spec)
    assert (first.labelled, second.labelled) == (2, 1)
    assert [rows[k]["label"] for k in [("r1", 0), ("r1", 1), ("r2", 0)]] == ["1", "1", "0"]


def test_missing_payload_table_is_not_an_error(spark, nb, spec):
    nb.create_processed_table(spark, spec)
    stats = nb.run(spark, spec, now=NOW)
    assert (stats.read, stats.inserted) == (0, 0)


def test_missing_processed_table_is_a_clear_error(spark, nb, spec):
    with pytest.raises(RuntimeError, match="created by the stack"):
        nb.run(spark, spec, now=NOW)


def test_parameters_are_validated(nb):
    params = {"payload_table": "c.s.p_payload", "target_table": "c.s.p_processed", "features_json": json.dumps(FEATURES)}
    spec = nb.spec_from_parameters({**params, "retention_days": "30"})
    assert (spec.retention_days, spec.features, spec.label_table) == (30, FEATURES, None)
    with pytest.raises(ValueError, match="type one of"):
        nb.spec_from_parameters({**params, "features_json": '[{"name": "x", "type": "decimal"}]'})
    with pytest.raises(ValueError, match="label_join_key"):
        nb.spec_from_parameters({**params, "label_table": "c.s.labels"})
