"""Alert history (notebooks/evaluate_alerts.py): fire -> refire inside the retrigger interval ->
refire after it -> resolve -> fire again, on real Spark + Delta with the real alert queries
and the real gold DDL; the parameter binding shared with constructs/sql-parameters.ts."""

from __future__ import annotations

import datetime as dt
import json
import os
import re

import pytest

from gold_support import setup_model
from sqlharness import LOCAL_CATALOG, SQL_DIR, sql_executor

CASES = os.path.join(SQL_DIR, "registry", "sql_parameter_binding_cases.json")
NOW = dt.datetime.now().replace(microsecond=0)
T1 = NOW - dt.timedelta(hours=3)


def at(minutes: int) -> str:
    return (T1 + dt.timedelta(minutes=minutes)).strftime("%Y-%m-%d %H:%M:%S")


@pytest.fixture
def nb(load_notebook):
    return load_notebook("notebooks/evaluate_alerts.py", spark=None)


def test_binding_matches_the_shared_cases(nb):
    with open(CASES, encoding="utf-8") as fh:
        cases = json.load(fh)
    for case in cases["cases"]:
        assert nb.bind_sql_parameters(case["sql"], case["params"]) == case["bound"]
    with pytest.raises(KeyError, match=re.escape(cases["missing"]["error"])):
        nb.bind_sql_parameters(cases["missing"]["sql"], cases["missing"]["params"])


def test_bad_alert_parameters_are_refused_with_the_field(nb):
    good = {"name": "a", "kind": "job_health_low", "retrigger_minutes": 0}
    for alerts, field in [
        ("{", "alerts: not JSON"),
        ('{"a": 1}', "alerts: expected a JSON list"),
        (json.dumps([{**good, "kind": "Bad Kind"}]), "alerts[0].kind"),
        (json.dumps([good, good]), "alerts[1].name: duplicate"),
        (json.dumps([{**good, "retrigger_minutes": -1}]), "alerts[0].retrigger_minutes"),
        (json.dumps([{**good, "subscribers": [""]}]), "alerts[0].subscribers"),
        (json.dumps([{**good, "parameters": {"threshold": 70}}]), "alerts[0].parameters"),
    ]:
        with pytest.raises(ValueError, match=re.escape(field)):
            nb.parse_alerts(alerts)
    assert nb.parse_alerts(json.dumps([good])) == [good]
    assert nb.evaluation_time("2026-01-02T03:04:05Z") == "2026-01-02 03:04:05"


def test_fire_refire_resolve_and_fire_again(spark, fresh_schema, load_notebook):
    s = fresh_schema
    setup_model(spark, s)
    nb = load_notebook("notebooks/evaluate_alerts.py")
    history = f"{LOCAL_CATALOG}.{s}.alert_history"
    scores = f"{s}.job_health_scores"

    def score(value: float, minutes_ago: int) -> None:
        spark.sql(f"INSERT INTO {scores} (workspace_id, job_id, job_name, calculation_time, health_score, success_rate, trend) "
                  f"VALUES ('1', '7', 'Sales', TIMESTAMP '{NOW - dt.timedelta(minutes=minutes_ago)}', {value}, 0.5, 'degrading')")

    def read_sql(kind: str) -> str:
        with open(os.path.join(SQL_DIR, "alerts", f"{kind}.sql"), encoding="utf-8") as fh:
            return fh.read()

    health = {"name": "job_health_low", "kind": "job_health_low", "parameters": {"threshold": "70"},
              "subscribers": ["ops@example.com", "destination:slack", "ops@example.com"], "retrigger_minutes": 60}
    common = {"catalog": LOCAL_CATALOG, "gold_schema": s}

    def evaluate(minutes: int, alerts=(health,)):
        return nb.evaluate_alerts(spark, sql_executor(spark), read_sql, list(alerts), common, history, at(minutes))

    def rows():
        return [r.asDict() for r in spark.table(history).orderBy("first_seen_at").collect()]

    score(30, 60)
    assert evaluate(0)["fired"] == {"job_health_low": 1}
    [r] = rows()
    assert (r["kind"], r["alert_key"], r["workspace_id"], r["job_id"], r["severity"]) == ("job_health_low", "1/7", "1", "7", "high")
    assert (r["fire_count"], r["notify_count"], r["resolved_at"], r["value"]) == (1, 1, None, 30.0)
    assert r["first_seen_at"] == r["last_seen_at"] == r["last_notified_at"] == T1
    assert r["channels_sent"] == ["destination:slack", "ops@example.com"]

    # An open episode of another alert whose query breaks stays open (unknown is not resolved).
    spark.sql(f"INSERT INTO {history} (kind, alert_key, first_seen_at, last_seen_at, fire_count, notify_count) "
              f"VALUES ('broken', 'x', TIMESTAMP '{at(0)}', TIMESTAMP '{at(0)}', 1, 1)")
    broken = {"name": "broken", "kind": "no_such_kind", "retrigger_minutes": 0}
    with pytest.raises(RuntimeError, match="1 alert query"):
        evaluate(10, (health, broken))  # refire inside the 60-minute interval
    got = {r["kind"]: r for r in rows()}
    assert len(got) == 2 and got["broken"]["resolved_at"] is None
    r = got["job_health_low"]
    assert (r["fire_count"], r["notify_count"], r["last_notified_at"]) == (2, 1, T1)  # no new row, not re-notified
    assert r["last_seen_at"] == T1 + dt.timedelta(minutes=10)

    evaluate(70)  # still firing, the interval has passed: notified again, still one row
    r = [x for x in rows() if x["kind"] == "job_health_low"]
    assert len(r) == 1 and (r[0]["fire_count"], r[0]["notify_count"]) == (3, 2)
    assert r[0]["last_notified_at"] == T1 + dt.timedelta(minutes=70)

    score(90, 30)  # the latest score is healthy: the key stops firing
    assert evaluate(80)["fired"] == {"job_health_low": 0}
    r = [x for x in rows() if x["kind"] == "job_health_low"]
    assert len(r) == 1 and r[0]["resolved_at"] == T1 + dt.timedelta(minutes=80) and r[0]["fire_count"] == 3

    score(20, 10)  # fires again: a new episode row, the resolved one stays as it was
    evaluate(90)
    r = [x for x in rows() if x["kind"] == "job_health_low"]
    assert [(x["resolved_at"] is None, x["fire_count"], x["value"]) for x in r] == [(False, 3, 30.0), (True, 1, 20.0)]


def test_a_history_table_with_the_old_schema_is_refused(spark, fresh_schema, load_notebook):
    nb = load_notebook("notebooks/evaluate_alerts.py")
    table = f"{LOCAL_CATALOG}.{fresh_schema}.alert_history"
    spark.sql(f"CREATE TABLE {table} (alert_id STRING, job_id STRING, alert_type STRING, severity STRING, message STRING, "
              "created_at TIMESTAMP, resolved_at TIMESTAMP, channels_sent ARRAY<STRING>)")
    with pytest.raises(RuntimeError, match="missing column.*kind, alert_key.*drop it and rerun sql/gold/setup.sql"):
        nb.evaluate_alerts(spark, sql_executor(spark), lambda kind: "", [], {}, table, "")
    assert spark.table(table).count() == 0
