"""Post-deploy smoke test notebook (notebooks/smoke_test.py) on a local Spark + Delta engine.

System tables are the local stand-ins of system_tables.py (``system.x.y`` -> ``system_x.y``
through the SQL harness); the platform catalog is the local ``spark_catalog``. The Jobs API is a
recording fake: no network.
"""

from __future__ import annotations

import json
import os

import pytest

from notebook_loader import REPO_ROOT, load_notebook
from spark_session import LOCAL_CATALOG
from sqlharness import sql_executor, table_names
from system_tables import SYSTEM_TABLES, create_system_table, local_name

REGISTRY = json.load(open(os.path.join(REPO_ROOT, "sql", "registry", "system_tables.json"), encoding="utf-8"))


@pytest.fixture(scope="module")
def nb():
    return load_notebook("notebooks/smoke_test.py")


def test_registry_sources_are_every_registry_table(nb):
    sources = nb.registry_sources(REGISTRY)
    assert sources == [t["source"] for t in REGISTRY["tables"]]
    assert len(sources) == len(set(sources)) > 10
    with pytest.raises(ValueError, match="not a system table name"):
        nb.registry_sources({"tables": [{"source": "system.billing.usage; DROP TABLE x"}]})


def _drop(spark, source):
    try:
        spark.sql(f"DROP TABLE IF EXISTS {local_name(source)}")
    except Exception:  # noqa: BLE001 - its schema does not exist either: the table is absent
        pass


def test_selects_every_registry_table_and_reports_the_missing_one(spark, nb):
    sources = nb.registry_sources(REGISTRY)
    assert set(sources) <= set(SYSTEM_TABLES), "every registry table has a local stand-in"
    missing = sources[0]
    for s in sources[1:]:
        create_system_table(spark, s, replace=True)
    _drop(spark, missing)
    results = [nb.check_select(sql_executor(spark), s) for s in sources]
    assert [name for name, ok, _ in results if not ok] == [f"select {missing}"]
    assert len(results) == len(sources)


def test_writes_to_each_platform_schema_and_leaves_nothing_behind(spark, nb, fresh_schema):
    execute = sql_executor(spark)
    result = nb.check_schema_write(execute, LOCAL_CATALOG, fresh_schema, suffix="t1")
    assert result == (f"write {LOCAL_CATALOG}.{fresh_schema}", True, "ok")
    assert table_names(spark, fresh_schema) == set()


def test_a_schema_that_does_not_exist_fails_the_write_check(spark, nb):
    name, ok, detail = nb.check_schema_write(sql_executor(spark), LOCAL_CATALOG, "no_such_schema_xyz")
    assert (name, ok) == (f"write {LOCAL_CATALOG}.no_such_schema_xyz", False)
    assert "no_such_schema_xyz" in detail


def test_identifiers_are_refused_not_interpolated(nb):
    name, ok, detail = nb.check_schema_write(lambda s: pytest.fail(f"ran {s}"), "cat", "gold`; DROP TABLE x; --")
    assert not ok and "not a plain identifier" in detail


def test_one_test_notification_run_names_every_destination(nb):
    calls = []

    def api_post(path, body):
        calls.append((path, body))
        return {"run_id": 42}

    results = nb.check_notifications(api_post, ["d-slack", "d-pagerduty"], "[smoke test] obs_dev")
    assert [r[:2] for r in results] == [("notify d-slack", True), ("notify d-pagerduty", True)]
    path, body = calls[0]
    assert path == "/api/2.2/jobs/runs/submit"
    assert body["webhook_notifications"] == {"on_start": [{"id": "d-slack"}, {"id": "d-pagerduty"}]}
    assert body["tasks"][0]["condition_task"] == {"op": "EQUAL_TO", "left": "1", "right": "1"}
    assert "new_cluster" not in json.dumps(body) and "environment_key" not in json.dumps(body)


def test_a_failed_submit_fails_each_destination(nb):
    def api_post(path, body):
        raise RuntimeError("PERMISSION_DENIED: cannot submit runs")

    results = nb.check_notifications(api_post, ["d1"], "x")
    assert results == [("notify d1", False, "RuntimeError: PERMISSION_DENIED: cannot submit runs")]


def test_run_smoke_runs_every_check_and_fails_at_the_end_with_the_list(spark, nb, fresh_schema):
    registry = {"tables": [{"source": "system.billing.usage"}, {"source": "system.access.audit"}]}
    create_system_table(spark, "system.billing.usage", replace=True)
    _drop(spark, "system.access.audit")
    results = nb.run_smoke(sql_executor(spark), lambda p, b: {"run_id": 1}, registry, LOCAL_CATALOG, [fresh_schema], ["d1"], "x")
    assert [(n, ok) for n, ok, _ in results] == [
        ("select system.billing.usage", True),
        ("select system.access.audit", False),
        (f"write {LOCAL_CATALOG}.{fresh_schema}", True),
        ("notify d1", True),
    ]
    assert nb.report(results).endswith("smoke test: 3 passed, 1 failed")
    with pytest.raises(AssertionError, match=r"select system\.access\.audit"):
        nb.assert_passed(results)
