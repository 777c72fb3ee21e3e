"""The SQL files the SDK executes: sql/etl_monitor/{setup,generate_execution_steps,status_reset}.sql.

They are the one source of the DDL and of step generation and reset: the stack's SQL task
runs setup.sql on a warehouse, ``ETLMonitorFramework.setup()`` runs the very same file.

Where the files are found (first that exists):
1. ``sql_dir`` given to the framework (then only there);
2. ``<package>/sql/`` - the deployed layout: the stack uploads the repo's
   ``sql/etl_monitor/*.sql`` next to the package as workspace files
   (``<workspaceRoot>/lib/etl_monitor/sql/``);
3. ``<repo>/sql/etl_monitor/`` - the source tree (``notebooks/lib/etl_monitor`` is three
   levels below the repo root), for tests and local use.
"""

from __future__ import annotations

import os
import re
from typing import Any, Mapping, Optional

SQL_FILES = ("setup.sql", "generate_execution_steps.sql", "status_reset.sql")

_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))


def candidate_dirs(sql_dir: Optional[str] = None) -> list[str]:
    dirs = [sql_dir] if sql_dir else []
    dirs.append(os.path.join(_PACKAGE_DIR, "sql"))
    dirs.append(os.path.normpath(os.path.join(_PACKAGE_DIR, "..", "..", "..", "sql", "etl_monitor")))
    return dirs


def find_sql_dir(sql_dir: Optional[str] = None) -> str:
    def complete(d: str) -> bool:
        return all(os.path.isfile(os.path.join(d, f)) for f in SQL_FILES)

    if sql_dir:  # explicit: that folder or an error, never a silent fallback
        if not complete(sql_dir):
            raise FileNotFoundError(f"sql_dir {sql_dir!r} does not hold {', '.join(SQL_FILES)}")
        return sql_dir
    for d in candidate_dirs():
        if complete(d):
            return d
    raise FileNotFoundError(
        f"ETL monitor SQL files ({', '.join(SQL_FILES)}) not found in any of: {candidate_dirs()}; "
        "deploy sql/etl_monitor/*.sql to <lib>/etl_monitor/sql/ or pass sql_dir=")


def read_sql(name: str, sql_dir: Optional[str] = None) -> str:
    with open(os.path.join(find_sql_dir(sql_dir), name), encoding="utf-8") as fh:
        return fh.read()


def split_statements(sql: str) -> list[str]:
    """Split a script on ``;`` outside string literals, quoted identifiers and comments.
    Comments are dropped; empty statements skipped."""
    out: list[str] = []
    current: list[str] = []
    i, n = 0, len(sql)
    while i < n:
        c = sql[i]
        if c in ("'", '"', "`"):
            j = i + 1
            while j < n:
                if c != "`" and sql[j] == "\\":
                    j += 2
                    continue
                if sql[j] == c:
                    if c == "`" and j + 1 < n and sql[j + 1] == "`":
                        j += 2
                        continue
                    break
                j += 1
            if j >= n:
                raise ValueError(f"unterminated quote starting at offset {i}")
            current.append(sql[i:j + 1])
            i = j + 1
        elif sql.startswith("--", i):
            j = sql.find("\n", i)
            i = n if j < 0 else j
            current.append(" ")
        elif sql.startswith("/*", i):
            j = sql.find("*/", i + 2)
            if j < 0:
                raise ValueError(f"unterminated comment starting at offset {i}")
            current.append(sql[i:j + 2] if sql.startswith("/*+", i) else " ")
            i = j + 2
        elif c == ";":
            out.append("".join(current).strip())
            current = []
            i += 1
        else:
            current.append(c)
            i += 1
    out.append("".join(current).strip())
    return [s for s in out if s]


_QUOTED = re.compile(r"'(?:\\.|[^'\\])*'|\"(?:\\.|[^\"\\])*\"|`(?:``|[^`])*`")
# ':' + identifier, not part of a '::' cast or a 'col:path' accessor.
_MARKER = re.compile(r"(?<![\w:\]\)]):([A-Za-z_]\w*)")


def markers(statement: str) -> set[str]:
    """Names of the ``:name`` parameter markers of one statement (comments already removed)."""
    return set(_MARKER.findall(_QUOTED.sub(" ", statement)))


def bind(statement: str, params: Mapping[str, Any]) -> dict[str, Any]:
    """The parameters ``statement`` uses; a missing one is an error naming the statement."""
    names = markers(statement)
    missing = sorted(names - set(params))
    if missing:
        raise KeyError(f"missing SQL parameter(s) {missing} for statement: {statement[:120]}")
    return {k: params[k] for k in names}
