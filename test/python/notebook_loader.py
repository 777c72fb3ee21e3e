"""Import a Databricks notebook (``# Databricks notebook source`` .py file) as a module.

Notebook source files are plain Python whose ``# COMMAND ----------`` and ``# MAGIC``
lines are comments, but they rely on globals the Databricks runtime injects (``spark``,
``dbutils``, ``display``). ``load_notebook`` injects what the test supplies *before* the
module body runs, so top-level notebook code sees them exactly as on Databricks.

    nb = load_notebook("notebooks/bronze_nonstreaming_merge.py", spark=spark)
    nb.merge_table(spark, ...)

Each call executes the notebook afresh under a unique module name (nothing is cached in
``sys.modules``), so top-level side effects happen once per call.
"""

from __future__ import annotations

import importlib.util
import itertools
import os
import types
from typing import Any

REPO_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
_counter = itertools.count()


def notebook_path(path: str) -> str:
    """``path`` as given if it exists, else relative to the repo root."""
    candidate = path if os.path.isabs(path) else os.path.join(REPO_ROOT, path)
    if not os.path.isfile(candidate):
        raise FileNotFoundError(path)
    with open(candidate, encoding="utf-8") as fh:
        if fh.readline().strip() != "# Databricks notebook source":
            raise ValueError(f"{path} is not in Databricks notebook source format")
    return candidate


def load_notebook(path: str, **injected_globals: Any) -> types.ModuleType:
    """Execute the notebook at ``path`` as a fresh module with ``injected_globals``
    (typically ``spark=...``, optionally ``dbutils=...``, ``display=...``) and return it."""
    full = notebook_path(path)
    name = f"notebook_{os.path.splitext(os.path.basename(full))[0]}_{next(_counter)}"
    spec = importlib.util.spec_from_file_location(name, full)
    module = importlib.util.module_from_spec(spec)
    module.__dict__.update(injected_globals)
    spec.loader.exec_module(module)
    return module
