# Databricks notebook source
# Alert history: runs the alert queries (sql/alerts/<kind>.sql, one row per firing item with an
# `alert_key`) and MERGEs the result into <catalog>.<gold_schema>.alert_history, one row per
# episode of (kind, alert_key):
#   * a key that fires with no open episode opens one: first_seen_at = last_seen_at =
#     last_notified_at = the evaluation time, fire_count = notify_count = 1, channels_sent =
#     the alert's subscribers;
#   * a key that keeps firing updates its open episode (last_seen_at, fire_count, message,
#     severity, value) and adds no row. Inside the retrigger interval it is not notified
#     again; once last_notified_at is at least retrigger_minutes old it is (last_notified_at,
#     notify_count; channels_sent gains subscribers added since). retrigger_minutes 0 = notify
#     once per episode (the alert_v2 meaning of retrigger 0);
#   * an open episode whose key no longer fires is resolved (resolved_at = evaluation time);
#     the next fire opens a new episode row.
# An alert whose query fails is reported and its episodes are left as they are (unknown is
# not resolved); the others are still evaluated and the run fails at the end.
#
# `kind` is the alert's name (its kind unless the config names it), so two alerts of one kind
# with different thresholds keep separate histories.
#
# Parameters (job task base_parameters / widgets):
#   sql_dir       workspace folder holding <kind>.sql (the deployed sql/alerts/)
#   catalog, gold_schema   where alert_history lives (sql/gold/setup.sql creates it)
#   common_parameters      JSON object bound into every query, e.g. {"catalog": ..,
#                          "bronze_schema": .., "gold_schema": .., "etl_schema": ..}
#   alerts        JSON list: [{"name": .., "kind": .., "parameters": {"threshold": "1", ..},
#                 "subscribers": ["ops@example.com", "destination:<name>"],
#                 "retrigger_minutes": 60}]
#   evaluated_at  evaluation time as a timestamp string ('' = now, UTC)
#
# Query parameters are bound exactly like constructs/sql-parameters.ts binds them for
# alert_v2 (whose queries cannot take parameters): every `:name` marker outside literals,
# quoted identifiers and comments becomes a single-quoted string literal, so the query text
# evaluated here is the text the deployed alert runs.

import datetime as dt
import json
import re
from typing import Callable, Mapping, Sequence

HISTORY_COLUMNS = ("kind", "alert_key", "workspace_id", "job_id", "severity", "message", "first_seen_at",
                   "last_seen_at", "resolved_at", "fire_count", "last_notified_at", "notify_count",
                   "channels_sent", "value")
QUERY_COLUMNS = ("alert_key", "workspace_id", "job_id", "severity", "message", "value")

_NAME = re.compile(r"[A-Za-z_]\w*")


def sql_string_literal(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def bind_sql_parameters(sql: str, params: Mapping[str, str]) -> str:
    """Python twin of bindSqlParameters (constructs/sql-parameters.ts): same lexing, same
    literals, same error for missing parameters."""
    missing: set[str] = set()
    out: list[str] = []
    i, n = 0, len(sql)
    while i < n:
        c = sql[i]
        if c in ("'", '"', "`"):
            j = i + 1
            while j < n and sql[j] != c:
                j += 2 if c != "`" and sql[j] == "\\" else 1
            out.append(sql[i:j + 1])
            i = j + 1
        elif sql.startswith("--", i):
            j = sql.find("\n", i)
            end = n if j < 0 else j
            out.append(sql[i:end])
            i = end
        elif sql.startswith("/*", i):
            j = sql.find("*/", i + 2)
            end = n if j < 0 else j + 2
            out.append(sql[i:end])
            i = end
        elif (c == ":" and i + 1 < n and re.match(r"[A-Za-z_]", sql[i + 1])
              and not (i > 0 and re.match(r"[\w:\])]", sql[i - 1]))):
            name = _NAME.match(sql, i + 1).group(0)
            if name not in params:
                missing.add(name)
            out.append(sql_string_literal(str(params.get(name, ""))))
            i += 1 + len(name)
        else:
            out.append(c)
            i += 1
    if missing:
        raise KeyError(f"missing SQL parameter(s): {', '.join(sorted(missing))}")
    return "".join(out)


def parse_alerts(text: str) -> list[dict]:
    """The `alerts` parameter, validated: a clear error naming the field, nothing evaluated."""
    try:
        alerts = json.loads(text)
    except json.JSONDecodeError as e:
        raise ValueError(f"alerts: not JSON ({e})") from None
    if not isinstance(alerts, list):
        raise ValueError("alerts: expected a JSON list")
    names = set()
    for i, a in enumerate(alerts):
        where = f"alerts[{i}]"
        if not isinstance(a, dict):
            raise ValueError(f"{where}: expected an object")
        for key in ("name", "kind"):
            if not isinstance(a.get(key), str) or not re.fullmatch(r"[a-z][a-z0-9_-]*", a[key]):
                raise ValueError(f"{where}.{key}: expected a lower-case name, got {a.get(key)!r}")
        if a["name"] in names:
            raise ValueError(f"{where}.name: duplicate alert {a['name']!r}")
        names.add(a["name"])
        minutes = a.get("retrigger_minutes")
        if not isinstance(minutes, int) or isinstance(minutes, bool) or minutes < 0:
            raise ValueError(f"{where}.retrigger_minutes: expected an integer >= 0, got {minutes!r}")
        subs = a.get("subscribers", [])
        if not isinstance(subs, list) or not all(isinstance(s, str) and s for s in subs):
            raise ValueError(f"{where}.subscribers: expected a list of non-empty strings")
        params = a.get("parameters", {})
        if not isinstance(params, dict) or not all(isinstance(v, str) for v in params.values()):
            raise ValueError(f"{where}.parameters: expected an object of strings")
    return alerts


def run_alert_query(execute_sql: Callable, sql_text: str, params: Mapping[str, str]) -> list[dict]:
    """The fired rows of one alert query (bound as literals, one statement)."""
    bound = bind_sql_parameters(sql_text, params).strip().rstrip(";")
    rows = execute_sql(bound).collect()
    fired = []
    for r in rows:
        d = r.asDict()
        if not d.get("alert_key"):
            raise ValueError(f"alert query returned a row without alert_key: {d}")
        fired.append({c: d.get(c) for c in QUERY_COLUMNS})
    return fired


MERGE_SQL = """
MERGE INTO IDENTIFIER(:history) AS t
USING (
  SELECT f.*, CAST(:evaluated_at AS TIMESTAMP) AS evaluated_at FROM alert_evaluation AS f
) AS s
ON t.kind = s.kind AND t.alert_key = s.alert_key AND t.resolved_at IS NULL
WHEN MATCHED THEN UPDATE SET
  t.last_seen_at = s.evaluated_at,
  t.fire_count = t.fire_count + 1,
  t.severity = s.severity,
  t.message = s.message,
  t.value = s.value,
  t.workspace_id = COALESCE(s.workspace_id, t.workspace_id),
  t.job_id = COALESCE(s.job_id, t.job_id),
  t.last_notified_at = CASE WHEN s.retrigger_seconds > 0
                             AND s.evaluated_at >= t.last_notified_at + make_dt_interval(0, 0, 0, s.retrigger_seconds)
                            THEN s.evaluated_at ELSE t.last_notified_at END,
  t.notify_count = t.notify_count + CASE WHEN s.retrigger_seconds > 0
                             AND s.evaluated_at >= t.last_notified_at + make_dt_interval(0, 0, 0, s.retrigger_seconds)
                            THEN 1 ELSE 0 END,
  t.channels_sent = CASE WHEN s.retrigger_seconds > 0
                          AND s.evaluated_at >= t.last_notified_at + make_dt_interval(0, 0, 0, s.retrigger_seconds)
                         THEN array_union(t.channels_sent, s.subscribers) ELSE t.channels_sent END
WHEN NOT MATCHED THEN INSERT
  (kind, alert_key, workspace_id, job_id, severity, message, first_seen_at, last_seen_at, resolved_at,
   fire_count, last_notified_at, notify_count, channels_sent, value)
  VALUES (s.kind, s.alert_key, s.workspace_id, s.job_id, s.severity, s.message, s.evaluated_at, s.evaluated_at,
          NULL, 1, s.evaluated_at, 1, s.subscribers, s.value)
WHEN NOT MATCHED BY SOURCE AND t.resolved_at IS NULL
     AND array_contains(from_json(:evaluated_kinds, 'ARRAY<STRING>'), t.kind) THEN UPDATE SET
  t.resolved_at = CAST(:evaluated_at AS TIMESTAMP)
"""

EVALUATION_SCHEMA = ("kind STRING, alert_key STRING, workspace_id STRING, job_id STRING, severity STRING, "
                     "message STRING, value DOUBLE, subscribers ARRAY<STRING>, retrigger_seconds INT")


def evaluation_time(evaluated_at: str, now: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.timezone.utc)) -> str:
    """The evaluation instant as 'yyyy-MM-dd HH:mm:ss' UTC ('' = now)."""
    if evaluated_at.strip():
        value = dt.datetime.fromisoformat(evaluated_at.strip().replace("Z", "+00:00"))
    else:
        value = now()
    if value.tzinfo is not None:
        value = value.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return value.strftime("%Y-%m-%d %H:%M:%S")


def check_history_table(spark, history_table: str) -> None:
    """alert_history must have the episode columns of sql/gold/setup.sql. A table left by the
    first version of the DDL (alert_id, alert_type, created_at; never written) is refused with
    the fix, not migrated silently."""
    columns = set(spark.table(history_table).columns)
    missing = [c for c in HISTORY_COLUMNS if c not in columns]
    if missing:
        raise RuntimeError(f"{history_table}: missing column(s) {', '.join(missing)}; a table with the pre-episode "
                           "schema (alert_id, alert_type, created_at) was never written: drop it and rerun "
                           "sql/gold/setup.sql")


def evaluate_alerts(spark, execute_sql: Callable, read_sql: Callable[[str], str], alerts: Sequence[dict],
                    common_parameters: Mapping[str, str], history_table: str, evaluated_at: str) -> dict:
    """Runs every alert query and MERGEs the fired rows into ``history_table`` (one commit).
    Returns {"fired": {name: n}, "errors": {name: message}}; raises after the MERGE when an
    alert query failed."""
    check_history_table(spark, history_table)
    when = evaluation_time(evaluated_at)
    rows, fired, errors, evaluated = [], {}, {}, []
    for a in alerts:
        try:
            found = run_alert_query(execute_sql, read_sql(a["kind"]), {**common_parameters, **a.get("parameters", {})})
        except Exception as e:  # one broken alert must not stop the others
            errors[a["name"]] = f"{type(e).__name__}: {e}"
            continue
        evaluated.append(a["name"])
        fired[a["name"]] = len(found)
        subscribers = sorted(set(a.get("subscribers", [])))
        for f in found:
            rows.append((a["name"], str(f["alert_key"]), f["workspace_id"], f["job_id"], f["severity"], f["message"],
                         None if f["value"] is None else float(f["value"]), subscribers, a["retrigger_minutes"] * 60))
    # a key reported twice by one query is one firing
    rows = list({(r[0], r[1]): r for r in rows}.values())
    spark.createDataFrame(rows, EVALUATION_SCHEMA).createOrReplaceTempView("alert_evaluation")
    try:
        # plain Spark SQL on both sides (no Databricks-only syntax), so no execute_sql translation
        spark.sql(MERGE_SQL, args={"history": history_table, "evaluated_at": when, "evaluated_kinds": json.dumps(evaluated)})
    finally:
        # the session may be shared (an interactive cluster, a caller's session): leave no view in it
        spark.catalog.dropTempView("alert_evaluation")
    for name, message in errors.items():
        print(f"alert {name}: query failed: {message}")
    print(f"evaluated {len(evaluated)} alert(s) at {when}: {fired}")
    if errors:
        raise RuntimeError(f"{len(errors)} alert query(ies) failed: {', '.join(sorted(errors))}")
    return {"fired": fired, "errors": errors}


# COMMAND ----------

if "dbutils" in globals():
    widgets = globals()["dbutils"].widgets
    for name, default in (("sql_dir", ""), ("catalog", ""), ("gold_schema", ""), ("common_parameters", "{}"),
                          ("alerts", "[]"), ("evaluated_at", "")):
        widgets.text(name, default)
    session = globals()["spark"]
    sql_dir = widgets.get("sql_dir").rstrip("/")

    def read_alert_sql(kind: str) -> str:
        with open(f"{sql_dir}/{kind}.sql", encoding="utf-8") as fh:
            return fh.read()

    common = json.loads(widgets.get("common_parameters"))
    if not isinstance(common, dict):
        raise ValueError("common_parameters: expected a JSON object")
    history = f"{widgets.get('catalog')}.{widgets.get('gold_schema')}.alert_history"
    evaluate_alerts(session, session.sql, read_alert_sql, parse_alerts(widgets.get("alerts")), common, history,
                    widgets.get("evaluated_at"))
