"""The dlt stand-in and the notebook loader."""

import dlt
import pytest

from notebook_loader import load_notebook


def test_dlt_stub_records_and_returns_function_unchanged():
    dlt.reset()

    def source():
        return "df"

    decorated = dlt.table(name="t1", comment="c", cluster_by_auto=True, table_properties={"a": "b"})(source)
    assert decorated is source and decorated() == "df"
    [decl] = dlt.registered("table")
    assert (decl.name, decl.options["cluster_by_auto"], decl.func) == ("t1", True, source)
    dlt.reset()
    assert dlt.registered() == []


def test_dlt_stub_rejects_unknown_options_and_does_not_fake_reads():
    with pytest.raises(TypeError, match="cluster_by_automatic"):
        dlt.table(name="x", cluster_by_automatic=True)
    with pytest.raises(NotImplementedError):
        dlt.read_stream("x")


def test_load_notebook_injects_globals(tmp_path, spark):
    nb = tmp_path / "nb.py"
    nb.write_text(
        "# Databricks notebook source\n"
        "VALUE = spark.range(3).count()\n"
        "# COMMAND ----------\n"
        "def twice(x):\n    return 2 * x\n"
    )
    module = load_notebook(str(nb), spark=spark)
    assert module.VALUE == 3 and module.twice(2) == 4
    plain = tmp_path / "plain.py"
    plain.write_text("x = 1\n")
    with pytest.raises(ValueError):
        load_notebook(str(plain))
