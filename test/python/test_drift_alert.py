"""sql/mlops/drift_alert.sql with sql/registry/drift_statistics.json on real Spark + Delta.

The fixture drift metrics table is built from the contract's documented columns; each model's
rows carry, like the real table, the statistics of the column's kind only (numeric columns:
ks_test, wasserstein_distance, population_stability_index; categorical: js_distance,
chi_squared_test, tv_distance, l_infinity_distance).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re

import pytest

from sqlharness import load_sql, run_sql, run_sql_file
from system_tables import spark_type_ddl

ROOT = os.path.join(os.path.dirname(__file__), "..", "..")
CONTRACT = os.path.join(ROOT, "sql", "registry", "drift_statistics.json")
SQL = "sql/mlops/drift_alert.sql"
DAY = dt.timedelta(days=1)
W_OLD, W_NEW = dt.datetime(2025, 3, 1), dt.datetime(2025, 3, 2)


@pytest.fixture(scope="module")
def contract():
    with open(CONTRACT, encoding="utf-8") as fh:
        return json.load(fh)


def _numeric(ks=0.0, ks_p=1.0, psi=0.0, wasserstein=0.0):
    return {"ks_test": {"statistic": ks, "pvalue": ks_p}, "population_stability_index": psi,
            "wasserstein_distance": wasserstein}


def _categorical(js=0.0, chi_p=1.0, tv=0.0, linf=0.0):
    return {"js_distance": js, "chi_squared_test": {"statistic": 1.0, "pvalue": chi_p}, "tv_distance": tv,
            "l_infinity_distance": linf}


def _row(column, start, stats, drift_type="BASELINE", slice_key=None, data_type="double"):
    return {"window": {"start": start, "end": start + DAY}, "window_cmp": None, "drift_type": drift_type,
            "granularity": "1 day", "slice_key": slice_key, "slice_value": None, "column_name": column,
            "data_type": data_type, "monitor_version": 1, **stats}


def _drift_table(spark, contract, name, rows):
    ddl = ", ".join(f"`{c['name']}` {spark_type_ddl(c['type'])}" for c in contract["driftTableColumns"])
    schema = spark.createDataFrame([], ddl).schema
    names = schema.fieldNames()
    data = []
    for r in rows:
        unknown = set(r) - set(names)
        assert not unknown, unknown
        data.append(tuple(_struct(r.get(f.name), f.dataType) for f in schema.fields))
    spark.createDataFrame(data, schema).write.format("delta").mode("overwrite").saveAsTable(name)
    return name


def _struct(value, dtype):
    if isinstance(value, dict):
        return tuple(value.get(f.name) for f in dtype.fields)
    return value


def _alert(spark, table, contract, threshold, categorical=None, numeric=None):
    p = {"drift_table": table, "granularity": "1 day", "threshold": str(threshold),
         "categorical_statistic": categorical or contract["defaults"]["categorical"],
         "numeric_statistic": numeric or contract["defaults"]["numeric"]}
    return [(r.column_name, r.statistic, round(r.drift, 6)) for r in run_sql_file(spark, SQL, p)]


@pytest.fixture
def regression(spark, contract, fresh_schema):
    """A regression model: numeric prediction that drifted in the latest window, a stable
    categorical feature, and rows the alert must ignore (older window, consecutive drift,
    a slice, the table-level row)."""
    return _drift_table(spark, contract, f"{fresh_schema}.regression_drift_metrics", [
        _row("prediction", W_OLD, _numeric(ks=0.9, ks_p=0.0001)),
        _row("prediction", W_NEW, _numeric(ks=0.42, ks_p=0.001, psi=0.31, wasserstein=17.5)),
        _row("store", W_NEW, _categorical(js=0.02, chi_p=0.7), data_type="string"),
        _row("prediction", W_NEW, _numeric(ks=0.99), drift_type="CONSECUTIVE"),
        _row("prediction", W_NEW, _numeric(ks=0.99), slice_key="region"),
        _row(":table", W_NEW, {}),
    ])


@pytest.fixture
def classification(spark, contract, fresh_schema):
    """A classification model: categorical prediction that drifted, a stable numeric feature."""
    return _drift_table(spark, contract, f"{fresh_schema}.classification_drift_metrics", [
        _row("prediction", W_NEW, _categorical(js=0.27, chi_p=0.0002, tv=0.3, linf=0.2), data_type="string"),
        _row("tenure", W_NEW, _numeric(ks=0.03, ks_p=0.8)),
    ])


def test_a_regression_prediction_gets_a_drift_verdict(spark, contract, regression):
    assert contract["predictionKind"]["PROBLEM_TYPE_REGRESSION"] == "numeric"
    assert _alert(spark, regression, contract, 0.1) == [("prediction", "ks_statistic", 0.42)]
    assert _alert(spark, regression, contract, 0.5) == []  # the older, larger drift does not count
    assert _alert(spark, regression, contract, 0.25, numeric="population_stability_index") == [
        ("prediction", "population_stability_index", 0.31)]
    # p-values read as 1 - p: a threshold of 0.99 means p < 0.01.
    assert _alert(spark, regression, contract, 0.99, numeric="ks_pvalue") == [("prediction", "ks_pvalue", 0.999)]


def test_the_old_single_statistic_query_missed_it(spark, regression):
    """The query the stack used to render (js_distance for every column) on the same table."""
    old = (f"SELECT column_name, js_distance AS drift FROM {regression} WHERE drift_type = 'BASELINE' "
           "AND slice_key IS NULL AND granularity = '1 day' AND js_distance IS NOT NULL")
    assert [r.column_name for r in run_sql(spark, old)] == ["store"]  # never the prediction


def test_a_classification_prediction_gets_a_drift_verdict(spark, contract, classification):
    assert contract["predictionKind"]["PROBLEM_TYPE_CLASSIFICATION"] == "categorical"
    assert _alert(spark, classification, contract, 0.1) == [("prediction", "js_distance", 0.27)]
    assert _alert(spark, classification, contract, 0.28, categorical="tv_distance") == [("prediction", "tv_distance", 0.3)]
    assert _alert(spark, classification, contract, 0.99, categorical="chi_squared_pvalue") == [
        ("prediction", "chi_squared_pvalue", 0.9998)]
    assert _alert(spark, classification, contract, 0.3) == []


def test_a_quiet_or_unrefreshed_monitor_returns_no_rows(spark, contract, fresh_schema):
    empty = _drift_table(spark, contract, f"{fresh_schema}.empty_drift_metrics", [])
    assert _alert(spark, empty, contract, 0.0) == []


def test_the_contract_and_the_sql_agree(contract):
    sql = load_sql(SQL)
    columns = {c["name"]: c for c in contract["driftTableColumns"]}
    kinds = {"categorical": ":categorical_statistic", "numeric": ":numeric_statistic"}
    for key, stat in contract["statistics"].items():
        root = stat["expression"].split(".")[0]
        assert columns[root].get("appliesTo") == stat["kind"], key
        read = stat["expression"] if stat["higherIsWorse"] else f"1 - {stat['expression']}"
        assert re.search(rf"WHEN '{key}' THEN {re.escape(read)}\n", sql), key
        # ...inside the CASE of its own kind
        case = sql[sql.index(f"CASE {kinds[stat['kind']]}"):]
        assert case.index(f"WHEN '{key}'") < case.index("END"), key
    for kind, key in contract["defaults"].items():
        assert contract["statistics"][key]["kind"] == kind and contract["statistics"][key]["higherIsWorse"]
    assert set(contract["predictionKind"].values()) == set(kinds)
    labels = set(re.findall(r"WHEN '([a-z_]+)' THEN", sql))
    assert labels == set(contract["statistics"])
