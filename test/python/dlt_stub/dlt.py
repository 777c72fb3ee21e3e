"""Local stand-in for the Databricks ``dlt`` module (Lakeflow Declarative Pipelines).

It exists only so that a DLT notebook can be *imported* in tests: decorators record what
was declared and return the decorated function unchanged. Nothing here runs a pipeline or
fakes a result: ``dlt.read``/``dlt.read_stream`` raise, and a test that wants data calls the
registered function itself and writes its DataFrame with real Spark.

``conftest.py`` puts this folder on ``sys.path``; never ship it to Databricks.

Inspect declarations with ``registered()`` and clear them with ``reset()``.
Keyword arguments are checked against the documented ``@dlt.table`` / ``@dlt.view``
parameters, so a typo fails in tests instead of on the cluster.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

# Documented parameters of @dlt.table (Lakeflow Declarative Pipelines Python reference).
TABLE_PARAMS = frozenset(
    {
        "name",
        "comment",
        "spark_conf",
        "table_properties",
        "path",
        "partition_cols",
        "cluster_by_auto",
        "cluster_by",
        "schema",
        "row_filter",
        "temporary",
        "private",
    }
)
VIEW_PARAMS = frozenset({"name", "comment", "spark_conf"})
STREAMING_TABLE_PARAMS = TABLE_PARAMS - {"spark_conf", "temporary", "private"} | {"expect_all", "expect_all_or_drop", "expect_all_or_fail"}


@dataclass
class Declaration:
    """One dataset or flow declared by the notebook."""

    kind: str  # "table" | "view" | "streaming_table" | "apply_changes" | "append_flow"
    name: str
    options: dict[str, Any]
    func: Callable[..., Any] | None = None
    expectations: list[tuple[str, str, str]] = field(default_factory=list)


_declarations: list[Declaration] = []


def registered(kind: str | None = None) -> list[Declaration]:
    """Declarations made since the last ``reset()``, optionally only of one kind."""
    return [d for d in _declarations if kind is None or d.kind == kind]


def reset() -> None:
    _declarations.clear()


def _check(kind: str, allowed: frozenset, kwargs: dict) -> None:
    unknown = sorted(set(kwargs) - allowed)
    if unknown:
        raise TypeError(f"dlt.{kind}() got unexpected keyword argument(s): {', '.join(unknown)}")


def _dataset_decorator(kind: str, allowed: frozenset, func, kwargs):
    _check(kind, allowed, kwargs)

    def register(f):
        if not callable(f):
            raise TypeError(f"@dlt.{kind} must decorate a function")
        pending = getattr(f, "__dlt_expectations__", [])
        _declarations.append(Declaration(kind, kwargs.get("name") or f.__name__, dict(kwargs), f, list(pending)))
        return f

    return register(func) if func is not None else register


def table(func=None, **kwargs):
    """``@dlt.table`` or ``@dlt.table(name=..., ...)``: records the declaration."""
    return _dataset_decorator("table", TABLE_PARAMS, func, kwargs)


def view(func=None, **kwargs):
    return _dataset_decorator("view", VIEW_PARAMS, func, kwargs)


def _expectation(action: str):
    def decorator_factory(*args):
        pairs = [(args[0], args[1])] if len(args) == 2 else list(args[0].items())

        def decorate(f):
            existing = list(getattr(f, "__dlt_expectations__", []))
            f.__dlt_expectations__ = existing + [(action, n, c) for n, c in pairs]
            return f

        return decorate

    return decorator_factory


expect = _expectation("warn")
expect_or_drop = _expectation("drop")
expect_or_fail = _expectation("fail")
expect_all = _expectation("warn")
expect_all_or_drop = _expectation("drop")
expect_all_or_fail = _expectation("fail")


def create_streaming_table(name: str, **kwargs) -> None:
    _check("create_streaming_table", STREAMING_TABLE_PARAMS, kwargs)
    _declarations.append(Declaration("streaming_table", name, dict(kwargs)))


def apply_changes(**kwargs) -> None:
    _declarations.append(Declaration("apply_changes", kwargs.get("target", ""), dict(kwargs)))


create_auto_cdc_flow = apply_changes


def append_flow(func=None, **kwargs):
    def register(f):
        _declarations.append(Declaration("append_flow", kwargs.get("name") or f.__name__, dict(kwargs), f))
        return f

    return register(func) if func is not None else register


def read(name: str):
    raise NotImplementedError(f"dlt.read({name!r}): there is no pipeline runtime in local tests")


def read_stream(name: str):
    raise NotImplementedError(f"dlt.read_stream({name!r}): there is no pipeline runtime in local tests")
