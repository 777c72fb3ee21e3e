"""Local Delta fixtures shaped like the Databricks system tables.

Local Spark has a single catalog, so a 3-part system table name cannot exist as such. Every
system table ``system.<schema>.<table>`` is created as ``system_<schema>.<table>`` instead,
and ``local_name()`` is the one mapping used by fixtures, tests and the SQL harness
(translation rule ``system_table_names`` in sqlharness.py).

The columns are GENERATED from sql/registry/system_table_schemas.json, the one checked-in
record of the system tables' columns and Databricks SQL types (with the reference page and
the evidence per table). To change a fixture, change that file; nothing here lists columns.

Typical use::

    from system_tables import create_system_table, make_row

    create_system_table(spark, "system.query.history", [
        make_row("system.query.history", 0, statement_id="s1", execution_status="RUNNING"),
    ])
    spark.table(local_name("system.query.history"))
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
import os
from typing import Any, Iterable, Mapping

from pyspark.sql import SparkSession
from pyspark.sql import types as T

SCHEMA_FILE = os.path.join(os.path.dirname(__file__), "..", "..", "sql", "registry", "system_table_schemas.json")

# --------------------------------------------------------------------------------------
# Databricks type strings (as DESCRIBE prints them) -> Spark DDL
# --------------------------------------------------------------------------------------


def split_top_level(text: str) -> list[str]:
    """``a:int,b:struct<c:int,d:int>`` -> ``["a:int", "b:struct<c:int,d:int>"]``."""
    parts, depth, current = [], 0, ""
    for ch in text:
        depth += ch in "<("
        depth -= ch in ">)"
        if ch == "," and depth == 0:
            parts.append(current.strip())
            current = ""
        else:
            current += ch
    if current.strip():
        parts.append(current.strip())
    return parts


def spark_type_ddl(dbx_type: str) -> str:
    """``struct<default:decimal(38,18)>`` -> ``STRUCT<`default`: DECIMAL(38,18)>``: field names are
    quoted because the documented ones include SQL keywords (``default``, ``function``, ``window``)."""
    t = dbx_type.strip()
    low = t.lower()
    if low.startswith("struct<") and t.endswith(">"):
        fields = []
        for field in split_top_level(t[len("struct<"):-1]):
            name, _, ftype = field.partition(":")
            if not name or not ftype:
                raise ValueError(f"bad struct field {field!r} in {dbx_type!r}")
            fields.append(f"`{name.strip()}`: {spark_type_ddl(ftype)}")
        return "STRUCT<" + ", ".join(fields) + ">"
    if low.startswith("map<") and t.endswith(">"):
        kv = split_top_level(t[len("map<"):-1])
        if len(kv) != 2:
            raise ValueError(f"bad map type {dbx_type!r}")
        return f"MAP<{spark_type_ddl(kv[0])}, {spark_type_ddl(kv[1])}>"
    if low.startswith("array<") and t.endswith(">"):
        return f"ARRAY<{spark_type_ddl(t[len('array<'):-1])}>"
    if "<" in t or not t:
        raise ValueError(f"bad type {dbx_type!r}")
    return t.upper()


def load_schema_file(path: str = SCHEMA_FILE) -> dict:
    with open(path, encoding="utf-8") as fh:
        doc = json.load(fh)
    for i, table in enumerate(doc.get("tables", [])):
        where = f"{path}: tables[{i}]"
        if not isinstance(table.get("source"), str) or not table.get("columns"):
            raise ValueError(f"{where}: needs 'source' and a non-empty 'columns'")
        names = [c.get("name") for c in table["columns"]]
        if len(set(names)) != len(names) or not all(isinstance(n, str) and n for n in names):
            raise ValueError(f"{where} ({table['source']}): column names must be unique non-empty strings")
    return doc


def _table_ddl(table: dict) -> str:
    return ", ".join(f"`{c['name']}` {spark_type_ddl(c['type'])}" for c in table["columns"])


SCHEMA_DOC: dict = load_schema_file()

#: system table name -> Spark DDL column list, generated from the schema file.
SYSTEM_TABLES: dict[str, str] = {t["source"]: _table_ddl(t) for t in SCHEMA_DOC["tables"]}

#: system table name -> [(column, Databricks type)] as documented in the schema file.
DOCUMENTED_COLUMNS: dict[str, list[tuple[str, str]]] = {
    t["source"]: [(c["name"], c["type"]) for c in t["columns"]] for t in SCHEMA_DOC["tables"]
}


# --------------------------------------------------------------------------------------
# Names
# --------------------------------------------------------------------------------------


def local_name(name: str) -> str:
    """``system.access.audit`` -> ``system_access.audit`` (the local stand-in's name)."""
    parts = name.split(".")
    if len(parts) != 3 or parts[0] != "system" or not all(parts):
        raise ValueError(f"not a 3-part system table name: {name!r}")
    return f"system_{parts[1]}.{parts[2]}"


def quoted(name: str) -> str:
    """``a.b`` -> ```a`.`b```: some local names (``system_query.history``) collide with Delta
    SQL keywords (``DESCRIBE HISTORY``) in a few commands; quote them there."""
    return ".".join(f"`{p}`" for p in name.split("."))


# --------------------------------------------------------------------------------------
# Schemas, tables, rows
# --------------------------------------------------------------------------------------

_schema_cache: dict[str, T.StructType] = {}


def _ddl(name: str) -> str:
    try:
        return " ".join(SYSTEM_TABLES[name].split())
    except KeyError:
        raise KeyError(f"no fixture for {name!r}; known: {', '.join(sorted(SYSTEM_TABLES))}") from None


def schema_of(spark: SparkSession, name: str) -> T.StructType:
    """The Spark schema of the fixture for system table ``name`` (no table needed)."""
    if name not in _schema_cache:
        _schema_cache[name] = spark.createDataFrame([], _ddl(name)).schema
    return _schema_cache[name]


def create_system_table(
    spark: SparkSession,
    name: str,
    rows: Iterable[Mapping[str, Any]] | None = None,
    *,
    replace: bool = False,
) -> str:
    """Create the Delta stand-in for ``name`` (and its ``system_<schema>``), insert ``rows``.

    Returns the local table name. Without ``replace`` an existing table is kept (rows are
    appended). Rows are dicts; missing columns are NULL (use ``make_row`` for full rows).
    """
    table = local_name(name)
    spark.sql(f"CREATE SCHEMA IF NOT EXISTS {table.split('.')[0]}")
    if replace:
        # DROP + CREATE rather than CREATE OR REPLACE: on local Delta 4.0 a stream started on a
        # table replaced in the same session fails (DELTA_UNSUPPORTED_SCHEMA_DURING_READ), and a
        # replaced stand-in should look like a table that never existed before.
        spark.sql(f"DROP TABLE IF EXISTS {table}")
    if rows and not spark.catalog.tableExists(table):
        insert_rows(spark, name, rows)  # the append creates the table with the fixture's schema: one commit, not two
        return table
    spark.sql(f"CREATE TABLE IF NOT EXISTS {table} ({_ddl(name)}) USING DELTA")
    if rows:
        insert_rows(spark, name, rows)
    return table


def create_system_tables(spark: SparkSession, names: Iterable[str] | None = None) -> list[str]:
    """Create empty stand-ins for ``names`` (default: every known system table)."""
    return [create_system_table(spark, n) for n in (names or sorted(SYSTEM_TABLES))]


def insert_rows(spark: SparkSession, name: str, rows: Iterable[Mapping[str, Any]]) -> None:
    """Append ``rows`` (dicts keyed by column; nested structs as dicts) to the stand-in."""
    schema = schema_of(spark, name)
    unknown = {k for r in rows for k in r} - set(schema.fieldNames())
    if unknown:
        raise KeyError(f"{name} has no column(s) {sorted(unknown)}")
    data = [_to_spark(r, schema) for r in rows]
    spark.createDataFrame(data, schema).write.format("delta").mode("append").saveAsTable(local_name(name))


def _to_spark(value: Any, dtype: T.DataType) -> Any:
    if value is None:
        return None
    if isinstance(dtype, T.StructType):
        if isinstance(value, Mapping):
            return tuple(_to_spark(value.get(f.name), f.dataType) for f in dtype.fields)
        return value
    if isinstance(dtype, T.ArrayType):
        return [_to_spark(v, dtype.elementType) for v in value]
    if isinstance(dtype, T.MapType):
        return {k: _to_spark(v, dtype.valueType) for k, v in value.items()}
    if isinstance(dtype, T.DecimalType) and not isinstance(value, decimal.Decimal):
        return decimal.Decimal(str(value))
    return value


#: Base instant of generated rows; row ``i`` is ``i`` minutes later.
BASE_TIME = dt.datetime(2025, 1, 1, 0, 0, 0)


def _sample(col: str, dtype: T.DataType, i: int) -> Any:
    if isinstance(dtype, T.StringType):
        return f"{col}-{i}"
    if isinstance(dtype, T.TimestampType):
        return BASE_TIME + dt.timedelta(minutes=i)
    if isinstance(dtype, T.DateType):
        return (BASE_TIME + dt.timedelta(minutes=i)).date()
    if isinstance(dtype, T.ByteType):
        return i % 128
    if isinstance(dtype, (T.IntegerType, T.LongType, T.ShortType)):
        return i
    if isinstance(dtype, (T.DoubleType, T.FloatType)):
        return float(i)
    if isinstance(dtype, T.DecimalType):
        return decimal.Decimal(i)
    if isinstance(dtype, T.BooleanType):
        return False
    if isinstance(dtype, T.StructType):
        return {f.name: _sample(f.name, f.dataType, i) for f in dtype.fields}
    if isinstance(dtype, T.ArrayType):
        return []
    if isinstance(dtype, T.MapType):
        return {}
    return None


def make_row(name: str, i: int = 0, *, spark: SparkSession | None = None, **overrides: Any) -> dict:
    """A complete, deterministic row for system table ``name``: every column gets a value
    derived from its name/type and ``i`` (strings ``"<column>-<i>"``, timestamps
    ``BASE_TIME + i minutes``, numbers ``i``, empty maps/arrays, structs filled recursively);
    ``overrides`` replace top-level columns.
    """
    session = spark or SparkSession.getActiveSession()
    if session is None:
        raise RuntimeError("make_row needs a running SparkSession (to parse the schema)")
    schema = schema_of(session, name)
    unknown = set(overrides) - set(schema.fieldNames())
    if unknown:
        raise KeyError(f"{name} has no column(s) {sorted(unknown)}")
    row = {f.name: _sample(f.name, f.dataType, i) for f in schema.fields}
    row.update(overrides)
    return row
