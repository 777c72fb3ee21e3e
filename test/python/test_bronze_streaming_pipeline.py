"""notebooks/bronze_streaming_pipeline.py: plain functions on real Spark + Delta, and the DLT
declarations made through the dlt stand-in."""

import json
import os

import dlt
import pytest
from pyspark.errors import StreamingQueryException

from system_tables import create_system_table, insert_rows, local_name, make_row, schema_of

NOTEBOOK = "notebooks/bronze_streaming_pipeline.py"
REGISTRY = os.path.join(os.path.dirname(__file__), "..", "..", "sql", "registry", "system_tables.json")
GOVERNANCE_KEYS = {"layer", "source_system", "domain", "entity_type", "contains_pii", "data_classification",
                   "business_owner", "technical_owner"}


@pytest.fixture(scope="module")
def registry():
    with open(REGISTRY, encoding="utf-8") as fh:
        return json.load(fh)["tables"]


def _entries(registry, domain):
    return [t for t in registry if t["mode"] == "stream" and t["domain"] == domain]


@pytest.fixture
def notebook(spark, load_notebook, registry):
    """The notebook imported as a pipeline would run it, for the `access` pipeline."""
    dlt.reset()
    spark.conf.set("observability.tables", json.dumps(_entries(registry, "access"), separators=(",", ":")))
    spark.conf.set("observability.domain", "access")
    spark.conf.set("observability.business_owner", "Platform Operations")
    spark.conf.set("observability.technical_owner", "Data Engineering")
    module = load_notebook(NOTEBOOK)
    yield module
    dlt.reset()


# ---- plain functions -------------------------------------------------------------------

def test_parse_tables(notebook, registry):
    entries = _entries(registry, "lakeflow")
    assert [e["name"] for e in notebook.parse_tables(json.dumps(entries))] == [e["name"] for e in entries]
    merge_entry = next(t for t in registry if t["mode"] == "merge")
    for bad in ("[]", "{}", json.dumps([merge_entry]), json.dumps([{"name": "x"}])):
        with pytest.raises(ValueError):
            notebook.parse_tables(bad)


def test_bronze_table_properties(notebook, registry):
    audit = next(t for t in registry if t["name"] == "audit")
    props = notebook.bronze_table_properties(audit, "Platform Operations", "Data Engineering")
    assert GOVERNANCE_KEYS <= set(props)
    assert props["layer"] == "bronze"
    assert props["source_system"] == "databricks_system_tables"
    assert (props["domain"], props["entity_type"]) == ("access", "fact")
    assert (props["contains_pii"], props["data_classification"]) == ("true", "confidential")
    assert (props["business_owner"], props["technical_owner"]) == ("Platform Operations", "Data Engineering")
    assert any("retention" in k and v == "365" for k, v in props.items())
    assert all(isinstance(v, str) for v in props.values())


def test_add_ingestion_metadata(spark, notebook, registry):
    audit = next(t for t in registry if t["name"] == "audit")
    df = spark.createDataFrame([("e1",)], "event_id STRING")
    out = notebook.add_ingestion_metadata(df, audit)
    assert out.columns == ["event_id", "bronze_ingestion_timestamp", "bronze_source_table"]
    assert dict(out.dtypes)["bronze_ingestion_timestamp"] == "timestamp"
    row = out.first()
    assert row.bronze_source_table == "system.access.audit" and row.bronze_ingestion_timestamp is not None


def _run_available_now(df, target, checkpoint):
    query = (
        df.writeStream.format("delta").option("checkpointLocation", checkpoint)
        .trigger(availableNow=True).toTable(target)
    )
    query.awaitTermination(180)
    if query.exception() is not None:
        raise query.exception()


def test_stream_skips_change_commits_and_picks_up_appends(spark, notebook, registry, checkpoint_dir):
    audit = next(t for t in registry if t["name"] == "audit")
    source = create_system_table(spark, "system.access.audit", [
        make_row("system.access.audit", i, event_id=f"e{i}") for i in (1, 2)
    ])
    spark.sql("CREATE SCHEMA bronze_stream")

    def run():
        df = notebook.add_ingestion_metadata(notebook.read_system_table_stream(spark, source), audit)
        _run_available_now(df, "bronze_stream.audit", checkpoint_dir)

    run()
    assert sorted(r.event_id for r in spark.table("bronze_stream.audit").collect()) == ["e1", "e2"]

    # Retention purge and an in-place rewrite in the source, then a new event.
    spark.sql(f"DELETE FROM {source} WHERE event_id = 'e1'")
    spark.sql(f"UPDATE {source} SET action_name = 'rewritten' WHERE event_id = 'e2'")
    insert_rows(spark, "system.access.audit", [make_row("system.access.audit", 3, event_id="e3")])
    run()
    rows = spark.table("bronze_stream.audit").collect()
    assert sorted(r.event_id for r in rows) == ["e1", "e2", "e3"]  # bronze keeps history
    assert {r.bronze_source_table for r in rows} == {"system.access.audit"}


def test_without_skip_change_commits_the_same_stream_fails(spark, checkpoint_dir):
    """Control for the test above: the option is what keeps the stream alive."""
    source = create_system_table(spark, "system.access.audit", [
        make_row("system.access.audit", i, event_id=f"e{i}") for i in (1, 2)
    ])
    spark.sql("CREATE SCHEMA bronze_plain")
    _run_available_now(spark.readStream.table(source), "bronze_plain.audit", checkpoint_dir)
    spark.sql(f"DELETE FROM {source} WHERE event_id = 'e1'")
    with pytest.raises(StreamingQueryException):
        _run_available_now(spark.readStream.table(source), "bronze_plain.audit", checkpoint_dir)


# ---- DLT declarations ------------------------------------------------------------------

def test_notebook_declares_one_table_per_configured_entry(notebook, registry):
    entries = _entries(registry, "access")
    declared = dlt.registered("table")
    assert [d.name for d in declared] == [e["name"] for e in entries]
    for decl, entry in zip(declared, entries):
        assert decl.options["cluster_by_auto"] is True
        assert decl.options["comment"] == entry["description"]
        assert decl.options["table_properties"] == notebook.bronze_table_properties(
            entry, "Platform Operations", "Data Engineering")
    assert dlt.registered("view") == []


def test_declared_functions_bind_their_own_source(spark, load_notebook, registry, checkpoint_dir):
    """Each declared function reads its own entry's source (no late binding in the loop)."""
    dlt.reset()
    picked = [t for t in registry if t["name"] in ("audit", "outbound_network", "inbound_network")]
    for i, entry in enumerate(picked):
        create_system_table(spark, entry["source"], [make_row(entry["source"], i, event_id=f"{entry['name']}-1")])
    # Locally the sources live under their local names; the notebook reads whatever the
    # configuration says.
    local_entries = [dict(e, source=local_name(e["source"])) for e in picked]
    spark.conf.set("observability.tables", json.dumps(local_entries))
    load_notebook(NOTEBOOK)
    spark.sql("CREATE SCHEMA bronze_bind")
    for decl in dlt.registered("table"):
        df = decl.func()
        assert df.isStreaming
        _run_available_now(df, f"bronze_bind.{decl.name}", f"{checkpoint_dir}/{decl.name}")
        got = spark.table(f"bronze_bind.{decl.name}").select("event_id", "bronze_source_table").collect()
        assert [(r.event_id, r.bronze_source_table) for r in got] == [
            (f"{decl.name}-1", local_name(next(e["source"] for e in picked if e["name"] == decl.name)))
        ]
    dlt.reset()


def test_every_pipeline_configuration_declares_its_tables(spark, load_notebook, registry):
    for domain in sorted({t["domain"] for t in registry if t["mode"] == "stream"}):
        dlt.reset()
        spark.conf.set("observability.tables", json.dumps(_entries(registry, domain)))
        load_notebook(NOTEBOOK)
        assert [d.name for d in dlt.registered("table")] == [e["name"] for e in _entries(registry, domain)]
    dlt.reset()
    assert sum(len(_entries(registry, d)) for d in {t["domain"] for t in registry}) == 25


def test_ingestion_metadata_is_not_a_source_column(spark, registry):
    """The bronze metadata column names must not collide with any source column."""
    for t in registry:
        assert not {"bronze_ingestion_timestamp", "bronze_source_table"} & set(schema_of(spark, t["source"]).fieldNames())
