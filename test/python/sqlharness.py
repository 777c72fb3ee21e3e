"""Run the real Databricks SQL files under ``sql/`` on the local Spark + Delta session.

Parameter convention (the only one; sql/ files must follow it)
---------------------------------------------------------------
SQL files use Databricks **named parameter markers** ``:name`` — what a Databricks
``sql_task.file`` binds from the task's ``parameters`` (and what the SQL editor and
notebooks use). Values are *bound*, never pasted into the text:

* where a literal goes:      ``WHERE usage_date >= :start_date``
* for object names:          ``IDENTIFIER(:catalog || '.' || :schema || '.usage_daily')``
* job parameters are strings; cast where needed: ``CAST(:lookback_days AS INT)``.

Locally, ``spark_catalog`` is a real catalog, so tests pass
``catalog=LOCAL_CATALOG`` (``"spark_catalog"``) and 3-part names work unchanged.
Legacy ``{{name}}`` and DLT-only ``${name}`` outside string literals are rejected.
Like on Databricks Runtime <= 17.3, a marker cannot appear in a view body or other DDL
besides ``IDENTIFIER(...)``.

Translation rules
-----------------
``RULES`` below is the single, ordered list of rewrites from Databricks-only SQL to what
OSS Spark 4.0 + Delta 4.0 accept. Each rule has a comment saying why and a unit test in
``test_sqlharness.py``. Rules never look inside string literals, quoted identifiers or
comments. If a file needs anything else, add a rule here (with a test) — never edit the
SQL file to suit the local engine. Known gaps (no rule, avoid in sql/ or run it only on
Databricks): ``QUALIFY``, the ``col:path`` VARIANT/JSON accessor, row filters / column
masks, ``CREATE MATERIALIZED VIEW`` / ``STREAMING TABLE``, metric views.

API
---
``run_sql_file(spark, path, params)`` / ``run_sql(spark, text, params)`` run every statement
and return the last one's rows. ``split_statements``, ``translate``, ``markers`` are the
building blocks; ``sql_executor(spark)`` gives notebooks an ``execute_sql`` callable that
applies the same rules.
"""

from __future__ import annotations

import datetime as dt
import decimal
import os
import re
from dataclasses import dataclass
from typing import Any, Callable, Mapping

from pyspark.sql import DataFrame, Row, SparkSession

from spark_session import LOCAL_CATALOG
from system_tables import local_name

__all__ = [
    "LOCAL_CATALOG",
    "RULES",
    "Rule",
    "markers",
    "run_sql",
    "run_sql_file",
    "split_statements",
    "sql_executor",
    "translate",
    "translate_statement",
]

REPO_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SQL_DIR = os.path.join(REPO_ROOT, "sql")

# --------------------------------------------------------------------------------------
# Lexing: literals, quoted identifiers and comments are masked before any rule runs.
# --------------------------------------------------------------------------------------

_PLACEHOLDER = re.compile("\x00(\\d+)\x00")


@dataclass
class _Masked:
    text: str  # SQL with every literal/quoted identifier/hint replaced by \x00<n>\x00
    pieces: list[str]  # the original text of each placeholder

    def unmask(self, text: str) -> str:
        return _PLACEHOLDER.sub(lambda m: self.pieces[int(m.group(1))], text)

    def piece(self, placeholder: str) -> str | None:
        m = _PLACEHOLDER.fullmatch(placeholder.strip())
        return self.pieces[int(m.group(1))] if m else None


def _mask(sql: str) -> _Masked:
    out: list[str] = []
    pieces: list[str] = []
    i, n = 0, len(sql)

    def keep(start: int, end: int) -> None:
        pieces.append(sql[start:end])
        out.append(f"\x00{len(pieces) - 1}\x00")

    while i < n:
        c = sql[i]
        if c in ("'", '"'):
            j = i + 1
            while j < n and sql[j] != c:
                j += 2 if sql[j] == "\\" else 1
            if j >= n:
                raise ValueError(f"unterminated string literal starting at offset {i}")
            keep(i, j + 1)
            i = j + 1
        elif c == "`":
            j = i + 1
            while True:
                j = sql.find("`", j)
                if j < 0:
                    raise ValueError(f"unterminated quoted identifier starting at offset {i}")
                if j + 1 < n and sql[j + 1] == "`":  # `` escapes a backquote
                    j += 2
                    continue
                break
            keep(i, j + 1)
            i = j + 1
        elif sql.startswith("--", i):
            j = sql.find("\n", i)
            i = n if j < 0 else j
            out.append(" ")
        elif sql.startswith("/*", i):
            j = sql.find("*/", i + 2)
            if j < 0:
                raise ValueError(f"unterminated comment starting at offset {i}")
            if sql.startswith("/*+", i):  # optimizer hint: keep it
                keep(i, j + 2)
            else:
                out.append(" ")
            i = j + 2
        else:
            out.append(c)
            i += 1
    return _Masked("".join(out), pieces)


def split_statements(sql: str) -> list[str]:
    """Split a script on ``;`` outside literals/comments. Comments are dropped, hints kept;
    empty statements are skipped."""
    masked = _mask(sql)
    return [masked.unmask(s).strip() for s in masked.text.split(";") if s.strip()]


# A named parameter marker: ':' + identifier, not part of '::' casts or 'col:path'.
_MARKER = re.compile(r"(?<![\w:\]\)]):([A-Za-z_]\w*)")


def markers(statement: str) -> set[str]:
    """Names of the ``:name`` parameter markers used in ``statement``."""
    return set(_MARKER.findall(_mask(statement).text))


def _check_parameter_style(masked_text: str) -> None:
    for bad, what in (("{{", "legacy {{param}}"), ("${", "DLT-only ${param}")):
        if bad in masked_text:
            raise ValueError(
                f"{what} substitution found: sql/ files use named parameter markers (:param), "
                "see test/python/README.md"
            )


# --------------------------------------------------------------------------------------
# Translation rules: Databricks SQL -> OSS Spark 4.0 + Delta 4.0. ONE list, in order.
# Each rule gets the masked statement (and the masking, to read literals) and returns the
# rewritten masked statement, or "" to drop the statement.
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    name: str
    why: str
    apply: Callable[[str, _Masked], str]


def _drop_if(pattern: str) -> Callable[[str, _Masked], str]:
    rx = re.compile(pattern, re.IGNORECASE | re.DOTALL)
    return lambda text, _m: "" if rx.search(text) else text


def _sub(pattern: str, repl: str | Callable[[re.Match], str]) -> Callable[[str, _Masked], str]:
    rx = re.compile(pattern, re.IGNORECASE)
    return lambda text, _m: rx.sub(repl, text)


#: TBLPROPERTIES keys that only Databricks Delta knows (OSS Delta rejects unknown delta.*).
DATABRICKS_ONLY_TBLPROPERTIES = frozenset({"delta.targetFileSize", "delta.tuneFileSizesForRewrites"})


def _property_key(entry: str, masked: _Masked) -> str:
    raw = entry.split("=", 1)[0].strip()
    literal = masked.piece(raw)
    return literal[1:-1] if literal is not None else raw


def _strip_databricks_tblproperties(text: str, masked: _Masked) -> str:
    rx = re.compile(r"\bTBLPROPERTIES\s*\(([^()]*)\)", re.IGNORECASE)

    def fix(m: re.Match) -> str:
        entries = [e for e in m.group(1).split(",") if e.strip()]
        kept = [e for e in entries if _property_key(e, masked) not in DATABRICKS_ONLY_TBLPROPERTIES]
        if len(kept) == len(entries):
            return m.group(0)
        return f"TBLPROPERTIES ({', '.join(e.strip() for e in kept)})" if kept else ""

    result = rx.sub(fix, text)
    # ALTER TABLE ... SET TBLPROPERTIES with nothing left to set: drop the statement.
    if re.search(r"\bSET\s*$", result, re.IGNORECASE) and re.match(r"\s*ALTER\b", result, re.IGNORECASE):
        return ""
    return result


def _system_names(text: str, _m: _Masked) -> str:
    rx = re.compile(r"(?<![\w.])system\.([A-Za-z_]\w*)\.([A-Za-z_]\w*)\b", re.IGNORECASE)
    return rx.sub(lambda m: local_name(f"system.{m.group(1).lower()}.{m.group(2)}"), text)


RULES: list[Rule] = [
    # Unity Catalog privileges and ownership: no ACLs in a local catalog.
    Rule("drop_grants", "GRANT/REVOKE/DENY and ALTER ... OWNER TO are Unity Catalog only",
         _drop_if(r"^\s*(GRANT|REVOKE|DENY)\b|^\s*ALTER\b.*\bOWNER\s+TO\b")),
    # Unity Catalog tags (ALTER ... SET/UNSET TAGS, SET TAG ON ...): governance metadata only.
    Rule("drop_tags", "Unity Catalog tags do not exist in OSS Spark",
         _drop_if(r"\b(SET|UNSET)\s+TAGS?\b")),
    # Predictive optimization is a Databricks managed service.
    Rule("drop_predictive_optimization", "ALTER ... ENABLE/DISABLE/INHERIT PREDICTIVE OPTIMIZATION",
         _drop_if(r"^\s*ALTER\b.*\b(ENABLE|DISABLE|INHERIT)\s+PREDICTIVE\s+OPTIMIZATION\b")),
    # Automatic liquid clustering: OSS Delta only has explicit CLUSTER BY (cols).
    Rule("drop_alter_cluster_by_auto", "ALTER TABLE ... CLUSTER BY AUTO has no OSS equivalent",
         _drop_if(r"^\s*ALTER\s+TABLE\b.*\bCLUSTER\s+BY\s+AUTO\b")),
    Rule("strip_cluster_by_auto", "CREATE ... CLUSTER BY AUTO: the table is created unclustered",
         _sub(r"\bCLUSTER\s+BY\s+AUTO\b", " ")),
    # Identity columns: OSS Delta 4.0 cannot create them; the column stays, values are NULL
    # unless the statement supplies them.
    Rule("strip_identity", "GENERATED ... AS IDENTITY is not supported by OSS Delta 4.0",
         _sub(r"\bGENERATED\s+(ALWAYS|BY\s+DEFAULT)\s+AS\s+IDENTITY(\s*\([^)]*\))?", " ")),
    # Unity Catalog managed storage locations of catalogs/schemas.
    Rule("strip_managed_location", "MANAGED LOCATION is Unity Catalog only",
         _sub("\\bMANAGED\\s+LOCATION\\s+\x00\\d+\x00", " ")),
    # Databricks-only Delta table properties (see DATABRICKS_ONLY_TBLPROPERTIES).
    Rule("strip_databricks_tblproperties", "OSS Delta rejects unknown delta.* table properties",
         _strip_databricks_tblproperties),
    # Spark spells USE CATALOG as SET CATALOG; pass catalog=spark_catalog locally.
    Rule("use_catalog", "USE CATALOG x -> SET CATALOG x", _sub(r"^\s*USE\s+CATALOG\b", "SET CATALOG")),
    # system.<schema>.<table> -> system_<schema>.<table> (system_tables.local_name).
    Rule("system_table_names", "the local catalog cannot hold a catalog named system", _system_names),
]


def translate_statement(statement: str) -> str:
    """Apply ``RULES`` to one statement; returns "" if the statement is dropped."""
    masked = _mask(statement)
    _check_parameter_style(masked.text)
    text = masked.text
    for rule in RULES:
        text = rule.apply(text, masked)
        if not text.strip():
            return ""
    return masked.unmask(text).strip()


def translate(sql: str) -> list[str]:
    """Split a script and translate every statement; dropped statements are omitted."""
    return [t for t in (translate_statement(s) for s in split_statements(sql)) if t]


# --------------------------------------------------------------------------------------
# Running
# --------------------------------------------------------------------------------------


def _bind(statement: str, params: Mapping[str, Any]) -> dict[str, Any] | None:
    names = markers(statement)
    missing = sorted(names - set(params))
    if missing:
        raise KeyError(f"missing SQL parameter(s) {missing} for statement: {statement[:200]}")
    return {k: params[k] for k in names} or None


def run_sql(spark: SparkSession, sql: str, params: Mapping[str, Any] | None = None) -> list[Row]:
    """Translate and run every statement of ``sql``; return the last statement's rows."""
    params = dict(params or {})
    result: list[Row] = []
    for statement in translate(sql):
        result = spark.sql(statement, args=_bind(statement, params)).collect()
    return result


def resolve_sql_path(path: str) -> str:
    """``path`` as given, or relative to the repo root, or to ``sql/``."""
    for candidate in (path, os.path.join(REPO_ROOT, path), os.path.join(SQL_DIR, path)):
        if os.path.isfile(candidate):
            return candidate
    raise FileNotFoundError(path)


def load_sql(path: str) -> str:
    with open(resolve_sql_path(path), encoding="utf-8") as fh:
        return fh.read()


def run_sql_file(spark: SparkSession, path: str, params: Mapping[str, Any] | None = None) -> list[Row]:
    """Run a ``sql/**.sql`` file (path absolute, repo-relative or sql/-relative)."""
    return run_sql(spark, load_sql(path), params)


def table_names(spark: SparkSession, schema: str, *, views: bool = True, temporary: bool = False) -> set[str]:
    """The tables of ``schema`` (with its views unless ``views=False``; only the session's
    temporary views with ``temporary=True``), as SHOW TABLES names them (lower case).
    ``spark.catalog.listTables`` cannot be used here: it fails with EXPRESSION_DECODING_FAILED
    under the interpreted expression mode of the test session (spark_session.py)."""
    rows = spark.sql(f"SHOW TABLES IN {schema}").collect()
    names = {r.tableName for r in rows if bool(r.isTemporary) == temporary}
    if not views:
        names -= {r.viewName for r in spark.sql(f"SHOW VIEWS IN {schema}").collect()}
    return names


def sql_executor(spark: SparkSession, params: Mapping[str, Any] | None = None) -> Callable[[str], DataFrame]:
    """An ``execute_sql(statement) -> DataFrame`` for notebook functions: same rules as
    ``run_sql``; a dropped statement returns an empty DataFrame."""
    bound = dict(params or {})

    def execute(statement: str) -> DataFrame:
        translated = translate_statement(statement)
        if not translated:
            return spark.range(0)
        return spark.sql(translated, args=_bind(translated, bound))

    return execute


def _json_value(v: Any) -> Any:
    if isinstance(v, (dt.datetime, dt.date)):
        return v.isoformat()
    if isinstance(v, decimal.Decimal):
        return float(v)
    if isinstance(v, list):
        return [_json_value(x) for x in v]
    return v


def preview_rows(df: DataFrame, rows: list[Row] | None = None) -> dict:
    """A dataset's result as the offline dashboard preview reads it
    (scripts/preview-dashboards.ts: ``{"columns": {name: type}, "rows": [...]}``)."""
    rows = df.collect() if rows is None else rows
    return {"columns": {f.name: f.dataType.simpleString() for f in df.schema.fields},
            "rows": [{k: _json_value(v) for k, v in r.asDict().items()} for r in rows]}
