"""notebooks/bronze_nonstreaming_setup.py and bronze_nonstreaming_merge.py on real Spark + Delta.

Sources are the system-table stand-ins of system_tables.py; the registry entries get their
``source`` mapped to the local name (the notebooks read whatever ``tables_json`` says). The
setup's Databricks SQL (CLUSTER BY AUTO, ...) runs through ``sqlharness.sql_executor``.
"""

import datetime as dt
import json
import os

import dlt
import pytest

from notebook_loader import load_notebook as load_notebook_module
from sqlharness import LOCAL_CATALOG, sql_executor
from system_tables import create_system_table, local_name, make_row, quoted

SETUP = "notebooks/bronze_nonstreaming_setup.py"
MERGE = "notebooks/bronze_nonstreaming_merge.py"
REGISTRY = os.path.join(os.path.dirname(__file__), "..", "..", "sql", "registry", "system_tables.json")
METADATA = ["bronze_ingestion_timestamp", "bronze_source_table"]
T0 = dt.datetime(2025, 3, 1, 12, 0, 0)


@pytest.fixture(scope="module")
def entries():
    """The merge entries, sources mapped to their local stand-ins."""
    with open(REGISTRY, encoding="utf-8") as fh:
        tables = json.load(fh)["tables"]
    return [dict(t, source=local_name(t["source"])) for t in tables if t["mode"] == "merge"]


def _entry(entries, name):
    return next(e for e in entries if e["name"] == name)


def _system_name(entry):
    schema, table = entry["source"].split(".")
    return f"system.{schema[len('system_'):]}.{table}"


@pytest.fixture
def setup_nb(load_notebook):
    return load_notebook(SETUP)


@pytest.fixture
def merge_nb(load_notebook):
    return load_notebook(MERGE)


@pytest.fixture
def bronze(spark):
    spark.sql("CREATE SCHEMA bronze")
    return "bronze"


def _sources(spark, entries, rows_per_table=2):
    for e in entries:
        name = _system_name(e)
        create_system_table(spark, name, [make_row(name, i, spark=spark) for i in range(rows_per_table)], replace=True)


def _setup(spark, setup_nb, entries, bronze):
    outcomes = setup_nb.setup_all(spark, LOCAL_CATALOG, bronze, entries, execute_sql=sql_executor(spark))
    setup_nb.raise_if_failed(outcomes)
    return outcomes


def _rows(spark, table, drop=("bronze_ingestion_timestamp",)):
    df = spark.table(table).drop(*drop)
    return sorted(json.dumps(r.asDict(recursive=True), default=str, sort_keys=True) for r in df.collect())


# ---- one full run over all merge tables (module scope: the expensive part runs once) --------

@pytest.fixture(scope="module")
def full_run(spark, entries):
    """Every merge source with 3 rows -> setup twice -> MERGE twice; records what happened."""
    setup = load_notebook_module(SETUP, spark=spark)
    merge = load_notebook_module(MERGE, spark=spark)
    schema = "bronze_full_run"
    spark.sql(f"CREATE SCHEMA {schema}")
    _sources(spark, entries, rows_per_table=3)
    run = {"setup": [_setup(spark, setup, entries, schema) for _ in range(2)], "schema": schema}
    run["merge"], run["rows"] = [], []
    for _ in range(2):
        run["merge"].append(merge.merge_all(spark, LOCAL_CATALOG, schema, entries))
        run["rows"].append({e["name"]: _rows(spark, f"{schema}.{e['name']}", drop=()) for e in entries})
    run["history"] = spark.sql(f"DESCRIBE HISTORY {quoted(schema + '.query_history')}").collect()
    yield run
    spark.sql(f"DROP SCHEMA {schema} CASCADE")
    for e in entries:
        spark.sql(f"DROP SCHEMA IF EXISTS {e['source'].split('.')[0]} CASCADE")


def test_setup_sql_is_databricks_sql(setup_nb, entries):
    sql = setup_nb.create_table_sql("cat.bronze.query_history", _entry(entries, "query_history"), "PO", "DE")
    assert sql.startswith("CREATE TABLE IF NOT EXISTS `cat`.`bronze`.`query_history` USING DELTA CLUSTER BY AUTO")
    assert "LIMIT 0" in sql and "'layer' = 'bronze'" in sql
    assert setup_nb.sql_string("O'Brien") == "'O\\'Brien'"


def test_setup_creates_every_table_and_is_idempotent(spark, full_run, entries):
    first, second = full_run["setup"]
    assert [(n, s) for n, s, _ in first] == [(e["name"], "created") for e in entries]
    assert [(n, s) for n, s, _ in second] == [(e["name"], "exists") for e in entries]
    schema = full_run["schema"]
    for e in entries:
        table = f"{schema}.{e['name']}"
        assert spark.table(table).columns == spark.table(e["source"]).columns + METADATA
        assert spark.table(table).schema[:-2] == spark.table(e["source"]).schema[:]
        props = {r.key: r.value for r in spark.sql(f"SHOW TBLPROPERTIES {table}").collect()}
        assert props["layer"] == "bronze" and props["source_system"] == "databricks_system_tables"
        assert props["domain"] == e["domain"] and props["entity_type"] == e["entityType"]
        assert props["contains_pii"] == str(e["containsPii"]).lower()
        assert props["data_classification"] == e["dataClassification"]
        assert (props["business_owner"], props["technical_owner"]) == ("Platform Operations", "Data Engineering")
    # The second setup only refreshed properties; the table was created empty (CTAS LIMIT 0).
    assert [h.operation for h in sorted(full_run["history"], key=lambda h: h.version)][:3] == [
        "CREATE TABLE AS SELECT", "SET TBLPROPERTIES", "MERGE"]


def test_merge_twice_with_the_same_input_yields_the_same_rows(full_run, entries):
    first, second = full_run["merge"]
    assert [(o.table, o.status, o.inserted, o.updated) for o in first] == [(e["name"], "merged", 3, 0) for e in entries]
    assert [(o.status, o.inserted, o.updated) for o in second] == [("merged", 0, 0)] * len(entries)
    rows_after_first, rows_after_second = full_run["rows"]
    assert rows_after_second == rows_after_first  # not even the ingestion timestamp moved
    for e in entries:
        assert len(rows_after_first[e["name"]]) == 3
        assert all(json.loads(r)["bronze_source_table"] == e["source"] for r in rows_after_first[e["name"]])


SUBSET = ("list_prices", "node_types", "query_history")


def test_setup_reports_an_unreadable_source_and_continues(spark, setup_nb, entries, bronze):
    subset = [_entry(entries, n) for n in SUBSET]
    _sources(spark, subset, rows_per_table=0)
    broken = _entry(entries, "node_types")
    spark.sql(f"DROP TABLE {broken['source']}")  # e.g. account-admin only, not granted
    outcomes = setup_nb.setup_all(spark, LOCAL_CATALOG, bronze, subset, execute_sql=sql_executor(spark))
    status = {n: (s, err) for n, s, err in outcomes}
    assert status["node_types"][0] == "failed" and "TABLE_OR_VIEW_NOT_FOUND" in status["node_types"][1]
    assert status["list_prices"][0] == status["query_history"][0] == "created"
    assert "node_types" in setup_nb.format_report(outcomes)
    with pytest.raises(RuntimeError, match="node_types"):
        setup_nb.raise_if_failed(outcomes)


# ---- merge semantics on query_history / workspaces_latest --------------------------------

def _history(i, statement_id, status, update_time):
    return make_row("system.query.history", i, statement_id=statement_id, execution_status=status,
                    update_time=update_time)


def test_query_history_newer_update_time_wins_and_older_is_ignored(spark, setup_nb, merge_nb, entries, bronze):
    qh = _entry(entries, "query_history")
    target = f"{bronze}.query_history"

    def merge_with(rows):
        create_system_table(spark, "system.query.history", rows, replace=True)
        [outcome] = merge_nb.merge_all(spark, LOCAL_CATALOG, bronze, [qh])
        state = {r.statement_id: (r.execution_status, r.update_time) for r in spark.table(target).collect()}
        return outcome, state

    create_system_table(spark, "system.query.history", replace=True)
    _setup(spark, setup_nb, [qh], bronze)
    outcome, state = merge_with([_history(0, "s1", "RUNNING", T0)])
    assert (outcome.inserted, outcome.updated) == (1, 0) and state == {"s1": ("RUNNING", T0)}

    later = T0 + dt.timedelta(minutes=5)
    outcome, state = merge_with([_history(0, "s1", "FINISHED", later)])
    assert (outcome.inserted, outcome.updated) == (0, 1) and state == {"s1": ("FINISHED", later)}

    outcome, state = merge_with([_history(0, "s1", "RUNNING", T0)])  # an older version arrives late
    assert (outcome.inserted, outcome.updated) == (0, 0) and state == {"s1": ("FINISHED", later)}

    # (an equal version changes nothing either: see the second MERGE of full_run)


def test_duplicate_keys_in_the_source_are_deduplicated_to_the_latest(spark, setup_nb, merge_nb, entries, bronze):
    qh = _entry(entries, "query_history")
    create_system_table(spark, "system.query.history", replace=True, rows=[
        _history(0, "s1", "RUNNING", T0),
        _history(1, "s1", "FINISHED", T0 + dt.timedelta(minutes=9)),
        _history(2, "s1", "RUNNING", T0 + dt.timedelta(minutes=3)),
        _history(3, "s2", "FAILED", T0),
    ])
    _setup(spark, setup_nb, [qh], bronze)
    [outcome] = merge_nb.merge_all(spark, LOCAL_CATALOG, bronze, [qh])
    assert (outcome.status, outcome.inserted) == ("merged", 2)
    state = {r.statement_id: r.execution_status for r in spark.table(f"{bronze}.query_history").collect()}
    assert state == {"s1": "FINISHED", "s2": "FAILED"}


def test_without_sequence_column_only_changed_rows_are_updated_and_new_columns_arrive(spark, setup_nb, merge_nb, entries, bronze):
    ws = _entry(entries, "workspaces_latest")
    assert ws["sequenceBy"] is None

    def merge_with(name):
        create_system_table(spark, "system.access.workspaces_latest", [
            make_row("system.access.workspaces_latest", 0, workspace_id="w1", workspace_name=name),
            make_row("system.access.workspaces_latest", 1, workspace_id="w2", workspace_name="other"),
        ], replace=True)
        [outcome] = merge_nb.merge_all(spark, LOCAL_CATALOG, bronze, [ws])
        return outcome

    create_system_table(spark, "system.access.workspaces_latest", replace=True)
    _setup(spark, setup_nb, [ws], bronze)
    first = merge_with("prod")
    assert (first.inserted, first.updated) == (2, 0)
    unchanged = merge_with("prod")
    assert (unchanged.inserted, unchanged.updated) == (0, 0)
    renamed = merge_with("production")
    assert (renamed.inserted, renamed.updated) == (0, 1)
    names = {r.workspace_id: r.workspace_name for r in spark.table(f"{bronze}.workspaces_latest").collect()}
    assert names == {"w1": "production", "w2": "other"}

    # The source gains a column: MERGE adds it to bronze and fills it where the source has a value.
    spark.sql(f"ALTER TABLE {ws['source']} ADD COLUMN pricing_tier STRING")
    spark.sql(f"UPDATE {ws['source']} SET pricing_tier = 'PREMIUM' WHERE workspace_id = 'w1'")
    [evolved] = merge_nb.merge_all(spark, LOCAL_CATALOG, bronze, [ws])
    assert (evolved.status, evolved.inserted, evolved.updated) == ("merged", 0, 1)
    tiers = {r.workspace_id: r.pricing_tier for r in spark.table(f"{bronze}.workspaces_latest").collect()}
    assert tiers == {"w1": "PREMIUM", "w2": None}


class _Widgets:
    """Stands in for dbutils.widgets (a Databricks notebook API, not Spark)."""

    def __init__(self, values):
        self.values = dict(values)

    def text(self, name, default_value, label=None):
        self.values.setdefault(name, default_value)

    def get(self, name):
        return self.values[name]


class _Dbutils:
    def __init__(self, values):
        self.widgets = _Widgets(values)


def test_a_broken_source_does_not_stop_the_others(spark, setup_nb, merge_nb, load_notebook, entries, bronze, capsys):
    subset = [_entry(entries, n) for n in SUBSET]
    _sources(spark, subset, rows_per_table=1)
    _setup(spark, setup_nb, subset, bronze)
    spark.sql(f"DROP TABLE {quoted(_entry(entries, 'node_types')['source'])}")

    outcomes = merge_nb.merge_all(spark, LOCAL_CATALOG, bronze, subset)
    by_name = {o.table: o for o in outcomes}
    assert by_name["node_types"].status == "failed"
    assert "TABLE_OR_VIEW_NOT_FOUND" in by_name["node_types"].error
    assert [(by_name[n].status, by_name[n].inserted) for n in ("list_prices", "query_history")] == [("merged", 1)] * 2
    report = merge_nb.format_report(outcomes)
    assert all(n in report for n in SUBSET) and "failed" in report
    with pytest.raises(RuntimeError, match="node_types"):
        merge_nb.raise_if_failed(outcomes)

    # The same as a job task: widgets in, report printed, the task fails at the end.
    params = {"catalog": LOCAL_CATALOG, "schema": bronze, "tables_json": json.dumps(subset)}
    capsys.readouterr()
    with pytest.raises(RuntimeError, match="node_types"):
        load_notebook(MERGE, dbutils=_Dbutils(params))
    printed = capsys.readouterr().out
    assert "node_types" in printed and "failed" in printed and "query_history" in printed
    assert spark.table(f"{bronze}.query_history").count() == 1


# ---- tables updated in place (docs/registry-contract.md, "Tables updated in place") -------

def _run_latest(i, run_id, status, update_time, end_time=None):
    return make_row("system.mlflow.runs_latest", i, workspace_id="1", run_id=run_id, status=status,
                    update_time=update_time, end_time=end_time)


def test_an_in_place_update_of_runs_latest_reaches_bronze(spark, setup_nb, merge_nb, load_notebook, entries, bronze,
                                                          checkpoint_dir):
    """system.mlflow.runs_latest rewrites a run's row when it finishes. The streaming read the
    pipelines use (skipChangeCommits) never sees that UPDATE commit; the MERGE does."""
    runs = _entry(entries, "mlflow_runs_latest")
    assert (runs["mode"], runs["keys"], runs["sequenceBy"]) == ("merge", ["workspace_id", "run_id"], "update_time")
    source = create_system_table(spark, "system.mlflow.runs_latest", replace=True, rows=[
        _run_latest(0, "r1", "RUNNING", T0), _run_latest(1, "r2", "RUNNING", T0)])
    _setup(spark, setup_nb, [runs], bronze)
    target = f"{bronze}.{runs['name']}"

    # The control: the streaming read of notebooks/bronze_streaming_pipeline.py on the same source
    # (imported as the mlflow pipeline would run it; the conf is restored after the test).
    with open(REGISTRY, encoding="utf-8") as fh:
        streamed = [t for t in json.load(fh)["tables"] if t["domain"] == "mlflow" and t["mode"] == "stream"]
    spark.conf.set("observability.tables", json.dumps(streamed))
    dlt.reset()
    pipeline = load_notebook("notebooks/bronze_streaming_pipeline.py")
    dlt.reset()

    def stream_once():
        query = (pipeline.read_system_table_stream(spark, source).writeStream.format("delta")
                 .option("checkpointLocation", checkpoint_dir).trigger(availableNow=True).toTable(f"{bronze}.stream_control"))
        query.awaitTermination(180)
        assert query.exception() is None

    def bronze_state():
        return {r.run_id: (r.status, r.update_time) for r in spark.table(target).collect()}

    [first] = merge_nb.merge_all(spark, LOCAL_CATALOG, bronze, [runs])
    stream_once()
    assert (first.inserted, first.updated) == (2, 0)
    assert bronze_state() == {"r1": ("RUNNING", T0), "r2": ("RUNNING", T0)}

    finished = T0 + dt.timedelta(minutes=42)
    spark.sql(f"UPDATE {source} SET status = 'FINISHED', end_time = TIMESTAMP '{finished}', "
              f"update_time = TIMESTAMP '{finished}' WHERE run_id = 'r1'")
    assert spark.sql(f"DESCRIBE HISTORY {source}").first().operation == "UPDATE"  # a change commit

    [second] = merge_nb.merge_all(spark, LOCAL_CATALOG, bronze, [runs])
    stream_once()
    assert (second.inserted, second.updated) == (0, 1)
    assert bronze_state() == {"r1": ("FINISHED", finished), "r2": ("RUNNING", T0)}
    assert spark.table(target).filter("run_id = 'r1'").first().end_time == finished
    # What the append-only stream made of the same history: the update never arrived.
    assert {r.run_id: r.status for r in spark.table(f"{bronze}.stream_control").collect()} == {"r1": "RUNNING", "r2": "RUNNING"}


def test_every_latest_table_in_the_registry_is_merged(entries):
    """`_latest` tables hold the current state, rewritten in place: none may be streamed."""
    with open(REGISTRY, encoding="utf-8") as fh:
        registry = json.load(fh)["tables"]
    latest = {t["name"]: t["mode"] for t in registry if t["source"].endswith("_latest")}
    assert latest == {"workspaces_latest": "merge", "mlflow_experiments_latest": "merge", "mlflow_runs_latest": "merge"}
