# Databricks notebook source
# Post-deploy smoke test (manual job, one per stack): from inside the workspace, as the job's
# run-as identity, check the health checks of dataops-intelligence-platform.md:
#   1. SELECT on every system table the registry lists (sql/registry/system_tables.json);
#   2. a write to each platform schema (create, insert, read back, drop a scratch Delta table);
#   3. one test notification per destination: a one-time run (Jobs API runs/submit) whose only
#      task is a compute-free condition task and whose webhook_notifications.on_start names the
#      destination ids, so each destination receives the "run started" message
#      (https://docs.databricks.com/api/workspace/jobs/submit, webhook_notifications: ids of
#      notification destinations).
# Every check runs; the task fails at the end with the list of failed checks.
#
# Parameters (job task base_parameters / widgets):
#   registry_path    workspace path of sql/registry/system_tables.json (deployed as a workspace file)
#   catalog          the platform catalog
#   schemas          comma-separated platform schemas to write to (bronze, gold, etl, ...)
#   destination_ids  comma-separated notification destination ids ('' = no notification check)
#   run_name_prefix  prefix of the one-time run's name (default "[smoke test]")

import json
import re
import uuid
from typing import Callable, Iterable, List, Optional, Sequence, Tuple

IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
SYSTEM_TABLE = re.compile(r"^system\.[a-z_][a-z0-9_]*\.[a-z_][a-z0-9_]*$")

Result = Tuple[str, bool, str]  # (check, passed, detail)


def registry_sources(registry: dict) -> List[str]:
    """The system tables the platform reads, in registry order; refuses a malformed name."""
    sources = [t["source"] for t in registry.get("tables", [])]
    bad = [s for s in sources if not SYSTEM_TABLE.match(s)]
    if bad:
        raise ValueError(f"registry: not a system table name: {bad}")
    return sources


def split_list(value: str) -> List[str]:
    return [v.strip() for v in (value or "").split(",") if v.strip()]


def _quoted(*parts: str) -> str:
    for p in parts:
        if not IDENTIFIER.match(p):
            raise ValueError(f"not a plain identifier: {p!r}")
    return ".".join(f"`{p}`" for p in parts)


def check_select(execute_sql: Callable, source: str) -> Result:
    """SELECT on one system table (LIMIT 1: only the privilege and the table's existence matter)."""
    try:
        execute_sql(f"SELECT * FROM {source} LIMIT 1").collect()
        return (f"select {source}", True, "ok")
    except Exception as e:  # noqa: BLE001 - every failure is reported, the next check still runs
        return (f"select {source}", False, _first_line(e))


def check_schema_write(execute_sql: Callable, catalog: str, schema: str, suffix: Optional[str] = None) -> Result:
    """Create, insert into, read back and drop a scratch Delta table in ``catalog.schema``."""
    name = f"write {catalog}.{schema}"
    try:
        table = _quoted(catalog, schema, f"_smoke_test_{suffix or uuid.uuid4().hex[:12]}")
        execute_sql(f"CREATE TABLE {table} (id INT, written_at TIMESTAMP) USING DELTA")
        try:
            execute_sql(f"INSERT INTO {table} VALUES (1, current_timestamp())")
            count = execute_sql(f"SELECT count(*) AS n FROM {table}").collect()[0]["n"]
            if count != 1:
                return (name, False, f"read back {count} row(s), expected 1")
        finally:
            execute_sql(f"DROP TABLE IF EXISTS {table}")
        return (name, True, "ok")
    except Exception as e:  # noqa: BLE001
        return (name, False, _first_line(e))


def notification_run_request(destination_ids: Sequence[str], run_name: str) -> dict:
    """Body of POST /api/2.2/jobs/runs/submit: no compute (condition task), notify on start."""
    return {
        "run_name": run_name,
        "tasks": [{"task_key": "smoke_notification", "condition_task": {"op": "EQUAL_TO", "left": "1", "right": "1"}}],
        "webhook_notifications": {"on_start": [{"id": d} for d in destination_ids]},
        "timeout_seconds": 600,
    }


def check_notifications(api_post: Callable[[str, dict], dict], destination_ids: Sequence[str], run_name: str) -> List[Result]:
    if not destination_ids:
        return [("notifications", True, "no destination ids given: nothing sent")]
    try:
        answer = api_post("/api/2.2/jobs/runs/submit", notification_run_request(destination_ids, run_name))
        run_id = answer.get("run_id")
        if not run_id:
            raise RuntimeError(f"runs/submit returned no run_id: {json.dumps(answer)[:200]}")
        return [(f"notify {d}", True, f"test run {run_id} started; check the destination received it") for d in destination_ids]
    except Exception as e:  # noqa: BLE001
        return [(f"notify {d}", False, _first_line(e)) for d in destination_ids]


def _first_line(e: BaseException) -> str:
    text = str(e).strip().splitlines()
    return f"{type(e).__name__}: {text[0] if text else ''}"[:400]


def run_smoke(execute_sql: Callable, api_post: Callable[[str, dict], dict], registry: dict, catalog: str,
              schemas: Iterable[str], destination_ids: Sequence[str], run_name: str) -> List[Result]:
    results = [check_select(execute_sql, s) for s in registry_sources(registry)]
    results += [check_schema_write(execute_sql, catalog, s) for s in schemas]
    results += check_notifications(api_post, destination_ids, run_name)
    return results


def report(results: Sequence[Result]) -> str:
    lines = [f"{'ok  ' if ok else 'FAIL'} {check}: {detail}" for check, ok, detail in results]
    failed = [r for r in results if not r[1]]
    lines.append(f"smoke test: {len(results) - len(failed)} passed, {len(failed)} failed")
    return "\n".join(lines)


def assert_passed(results: Sequence[Result]) -> None:
    failed = [f"{check}: {detail}" for check, ok, detail in results if not ok]
    if failed:
        raise AssertionError("smoke test failed:\n  " + "\n  ".join(failed))


# COMMAND ----------

if "dbutils" in globals():
    widgets = globals()["dbutils"].widgets
    for name, default in (("registry_path", ""), ("catalog", ""), ("schemas", ""), ("destination_ids", ""),
                          ("run_name_prefix", "[smoke test]")):
        widgets.text(name, default)
    session = globals()["spark"]
    # The Databricks SDK ships with the runtime and authenticates as the run's identity.
    from databricks.sdk import WorkspaceClient

    client = WorkspaceClient()
    with open(widgets.get("registry_path"), encoding="utf-8") as fh:
        registry_doc = json.load(fh)
    outcome = run_smoke(
        session.sql,
        lambda path, body: client.api_client.do("POST", path, body=body),
        registry_doc,
        widgets.get("catalog"),
        split_list(widgets.get("schemas")),
        split_list(widgets.get("destination_ids")),
        f"{widgets.get('run_name_prefix')} {widgets.get('catalog')}",
    )
    print(report(outcome))
    assert_passed(outcome)
