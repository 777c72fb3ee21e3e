"""pytest wiring for the real-Spark suite (see README.md in this folder).

Fixtures
--------
``spark``
    One local SparkSession with Delta for the whole run (``spark_session.build_spark``),
    rooted in a pytest temp dir.
(autouse) catalog isolation
    For every test that uses ``spark``: afterwards stop its streaming queries, drop the
    schemas and temp views it created, restore the current catalog/schema and undo the
    runtime conf keys it set. Schemas created by module/session-scoped fixtures before the
    test started are kept (those fixtures clean up after themselves).
``checkpoint_dir``
    A fresh directory for streaming checkpoints.

The Databricks ``dlt`` module is replaced by the stand-in in ``dlt_stub/`` (put on
``sys.path`` here and nowhere else), so DLT notebooks can be imported in tests.
"""

from __future__ import annotations

import os
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
for _path in (HERE, os.path.join(HERE, "dlt_stub")):
    if _path not in sys.path:
        sys.path.insert(0, _path)

from spark_session import LOCAL_CATALOG, build_spark  # noqa: E402
from sqlharness import table_names  # noqa: E402


@pytest.fixture(scope="session")
def spark(tmp_path_factory):
    session = build_spark(str(tmp_path_factory.mktemp("spark")))
    yield session
    session.stop()


def _conf_snapshot(session) -> dict:
    return dict(session.conf.getAll)


def _temp_views(session) -> set:
    return table_names(session, "default", temporary=True)


@pytest.fixture(autouse=True)
def _isolate_spark_catalog(request):
    if "spark" not in request.fixturenames:
        yield
        return
    session = request.getfixturevalue("spark")
    schemas_before = {db.name for db in session.catalog.listDatabases()}
    views_before = _temp_views(session)
    conf_before = _conf_snapshot(session)
    yield
    for query in session.streams.active:
        query.stop()
    session.sql(f"SET CATALOG {LOCAL_CATALOG}")
    session.catalog.setCurrentDatabase("default")
    for name in sorted(_temp_views(session) - views_before):
        session.catalog.dropTempView(name)
    for db in session.catalog.listDatabases():
        if db.name not in schemas_before and db.name != "default":
            session.sql(f"DROP SCHEMA IF EXISTS `{db.name}` CASCADE")
    conf_after = _conf_snapshot(session)
    for key, value in conf_after.items():
        if key not in conf_before:
            session.conf.unset(key)
        elif conf_before[key] != value:
            session.conf.set(key, conf_before[key])


@pytest.fixture
def checkpoint_dir(tmp_path):
    path = tmp_path / "checkpoints"
    path.mkdir()
    return str(path)


@pytest.fixture
def fresh_schema(spark):
    """A new, empty schema unique to this test (dropped with its tables afterwards)."""
    import uuid

    name = f"test_{uuid.uuid4().hex[:12]}"
    spark.sql(f"CREATE SCHEMA {name}")
    yield name
    spark.sql(f"DROP SCHEMA IF EXISTS {name} CASCADE")


@pytest.fixture
def load_notebook(spark):
    """``load_notebook(path, **globals)``: ``notebook_loader.load_notebook`` with ``spark``
    defaulting to the session fixture. ``path`` may be repo-relative (``notebooks/x.py``)."""
    from notebook_loader import load_notebook as _load

    def load(path, **injected_globals):
        injected_globals.setdefault("spark", spark)
        return _load(path, **injected_globals)

    return load
