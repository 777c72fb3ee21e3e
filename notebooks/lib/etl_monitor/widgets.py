"""The widget contract of the utility notebooks etl_start_task / etl_end_task / etl_fail_task
and etl_pending_tasks (ADF Notebook activities pass them as baseParameters, job tasks as
base_parameters).

Every widget is a string; '' means "not given". ``lib_path`` is read by the notebook itself
(it puts the package on sys.path before importing it).
"""

from __future__ import annotations

import json
from typing import Any, Callable

from .framework import ETLMonitorFramework

#: widgets every utility notebook declares: (name, default)
COMMON = (
    ("catalog", ""),
    ("etl_schema", "etl_monitor"),
    ("execution_id", ""),
    ("project_code", ""),
    ("process_load", ""),
    ("task_id", ""),
    ("workflow_id", ""),
    ("sequence_id", ""),
    ("processing_date", ""),
    ("source_type", ""),
    ("run_id", ""),
)
PENDING = (("catalog", ""), ("etl_schema", "etl_monitor"), ("execution_id", ""), ("project_code", ""),
           ("process_load", ""), ("processing_date", ""), ("sequence_id", ""))
EXTRA = {
    "pending": (),
    "start": (("log_message", ""),),
    "end": (("log_message", ""), ("log_type", "INFO")),
    "fail": (("error_message", ""), ("log_message", "")),
}
REQUIRED = ("catalog", "etl_schema", "execution_id", "project_code", "process_load", "task_id", "workflow_id")


def _widgets(kind: str) -> tuple:
    return PENDING if kind == "pending" else COMMON + EXTRA[kind]


def widget_names(kind: str) -> tuple:
    return tuple(name for name, _ in _widgets(kind))


def declare(widgets, kind: str) -> None:
    for name, default in _widgets(kind):
        widgets.text(name, default)


def read(widgets, kind: str) -> dict[str, str]:
    values = {name: (widgets.get(name) or "").strip() for name in widget_names(kind)}
    missing = [n for n in REQUIRED if n in values and not values[n]]
    if missing:
        raise ValueError(f"etl_{kind}_task: widget(s) {', '.join(missing)} must be set")
    return values


def run(spark, widgets, kind: str, exit_notebook: Callable[[str], Any] | None = None,
        monitor_factory: Callable[..., ETLMonitorFramework] = ETLMonitorFramework) -> dict:
    """Declares and reads the widgets, makes the call, and returns (and hands to
    ``exit_notebook``, e.g. dbutils.notebook.exit: ADF's runOutput) a JSON-able result."""
    if kind not in EXTRA:
        raise ValueError(f"unknown utility kind {kind!r}")
    declare(widgets, kind)
    w = read(widgets, kind)
    monitor = monitor_factory(spark, catalog=w["catalog"], schema=w["etl_schema"])
    if kind == "pending":
        # An object, not a bare array: ADF reads a property of a JSON runOutput directly
        # (@activity('PendingTasks').output.runOutput.tasks).
        result: dict[str, Any] = {"tasks": monitor.get_pending_tasks(
            w["execution_id"], w["project_code"], w["process_load"], processing_date=w["processing_date"] or None,
            sequence_id=w["sequence_id"] or None)}
        if exit_notebook is not None:
            exit_notebook(json.dumps(result))
        return result
    ids = dict(execution_id=w["execution_id"], project_code=w["project_code"], process_load=w["process_load"],
               task_id=w["task_id"], workflow_id=w["workflow_id"], sequence_id=w["sequence_id"] or None,
               processing_date=w["processing_date"] or None, source_type=w["source_type"] or None,
               run_id=w["run_id"] or None)
    result = {"execution_id": w["execution_id"], "task_id": int(w["task_id"]),
                              "workflow_id": int(w["workflow_id"])}
    if kind == "start":
        result["attempt"] = monitor.start_task(**ids, log_message=w["log_message"] or None)
        result["status"] = "STARTED"
    elif kind == "end":
        monitor.end_task(**ids, log_message=w["log_message"] or None, log_type=w["log_type"] or "INFO")
        result["status"] = "DONE"
    else:
        monitor.fail_task(**ids, error_message=w["error_message"] or None, log_message=w["log_message"] or None)
        result["status"] = "FAIL"
    if exit_notebook is not None:
        exit_notebook(json.dumps(result))
    return result
