"""sql/registry/system_tables.json against docs/registry-contract.md and the system tables."""

import json
import os
import re

import pytest

from system_tables import SYSTEM_TABLES, schema_of

REGISTRY = os.path.join(os.path.dirname(__file__), "..", "..", "sql", "registry", "system_tables.json")
FIELDS = {"name", "source", "domain", "mode", "keys", "sequenceBy", "retentionDays", "containsPii",
          "dataClassification", "entityType", "description"}
PIPELINE_DOMAINS = {"access", "billing", "compute", "lakeflow", "marketplace", "mlflow", "serving", "sharing"}

# docs/reference notes §4.1: the streaming tables, less the two MLflow `_latest` tables, which are
# updated in place and so MERGEd (docs/registry-contract.md, "Tables updated in place").
STREAM_SOURCES = {
    "system.access." + t for t in ("audit", "table_lineage", "column_lineage", "clean_room_events",
                                   "inbound_network", "outbound_network")
} | {"system.billing.usage"} | {
    "system.compute." + t for t in ("clusters", "instance_events", "instance_pools", "node_timeline",
                                    "warehouse_events", "warehouses")
} | {
    "system.lakeflow." + t for t in ("jobs", "job_tasks", "job_run_timeline", "job_task_run_timeline",
                                     "pipelines", "pipeline_update_timeline")
} | {"system.marketplace.listing_access_events", "system.marketplace.listing_funnel_events",
     "system.mlflow.run_metrics_history",
     "system.serving.served_entities", "system.serving.endpoint_usage",
     "system.sharing.materialization_history"}

# §4.2: the 8 non-streaming tables plus the MLflow `_latest` tables, bronze name -> source.
MERGE_TABLES = {
    "assistant_events": "system.access.assistant_events",
    "workspaces_latest": "system.access.workspaces_latest",
    "list_prices": "system.billing.list_prices",
    "node_types": "system.compute.node_types",
    "predictive_optimization_operations_history": "system.storage.predictive_optimization_operations_history",
    "data_classification_results": "system.data_classification.results",
    "data_quality_monitoring_table_results": "system.data_quality_monitoring.table_results",
    "query_history": "system.query.history",
    "mlflow_experiments_latest": "system.mlflow.experiments_latest",
    "mlflow_runs_latest": "system.mlflow.runs_latest",
}


@pytest.fixture(scope="module")
def registry():
    with open(REGISTRY, encoding="utf-8") as fh:
        return json.load(fh)


@pytest.fixture(scope="module")
def tables(registry):
    return registry["tables"]


def test_shape(registry, tables):
    assert registry["version"] == 1 and set(registry) == {"version", "tables"}
    for t in tables:
        assert set(t) == FIELDS, t.get("name")
        assert isinstance(t["keys"], list) and t["keys"] and all(isinstance(k, str) and k for k in t["keys"])
        assert t["sequenceBy"] is None or isinstance(t["sequenceBy"], str)
        assert t["retentionDays"] is None or (isinstance(t["retentionDays"], int) and t["retentionDays"] > 0)
        assert isinstance(t["containsPii"], bool)
        assert t["dataClassification"] in {"confidential", "internal"}
        assert t["entityType"] in {"fact", "dimension"}
        assert t["mode"] in {"stream", "merge"}
        assert t["description"].strip()


def test_counts_and_membership(tables):
    assert len(tables) == 35
    stream = {t["source"] for t in tables if t["mode"] == "stream"}
    merge = {t["name"]: t["source"] for t in tables if t["mode"] == "merge"}
    assert len(stream) == 25 and stream == STREAM_SOURCES
    assert merge == MERGE_TABLES


def test_names_unique_snake_case(tables):
    names = [t["name"] for t in tables]
    assert len(set(names)) == len(names)
    assert all(re.fullmatch(r"[a-z][a-z0-9_]*", n) for n in names)
    sources = [t["source"] for t in tables]
    assert len(set(sources)) == len(sources)


def test_domains(tables):
    for t in tables:
        system_schema = t["source"].split(".")[1]
        assert t["domain"] == system_schema, t["name"]
        if t["mode"] == "stream":
            assert t["domain"] in PIPELINE_DOMAINS, t["name"]
    assert {t["domain"] for t in tables if t["mode"] == "stream"} == PIPELINE_DOMAINS


def test_documented_keys(tables):
    by_name = {t["name"]: t for t in tables}
    assert (by_name["query_history"]["keys"], by_name["query_history"]["sequenceBy"]) == (["statement_id"], "update_time")
    assert by_name["list_prices"]["keys"] == ["sku_name", "cloud", "currency_code", "usage_unit", "price_start_time"]
    assert by_name["data_classification_results"]["keys"] == ["table_id", "column_name", "class_tag"]
    assert by_name["data_classification_results"]["sequenceBy"] == "latest_detected_time"
    assert by_name["audit"]["keys"] == ["event_id"]
    assert by_name["usage"]["keys"] == ["record_id"]


def test_every_key_and_sequence_column_exists_in_the_source_schema(spark, tables):
    for t in tables:
        assert t["source"] in SYSTEM_TABLES, f"no fixture for {t['source']}"
        columns = set(schema_of(spark, t["source"]).fieldNames())
        wanted = set(t["keys"]) | ({t["sequenceBy"]} if t["sequenceBy"] else set())
        assert wanted <= columns, f"{t['name']}: {sorted(wanted - columns)} not in {t['source']}"
