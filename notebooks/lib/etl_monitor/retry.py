"""Bounded retry with full jitter for Delta's optimistic-concurrency conflicts.

Delta commits optimistically and rejects a commit that conflicts with one committed since
the transaction read the table, with one of: ConcurrentAppendException,
ConcurrentDeleteReadException, ConcurrentDeleteDeleteException, MetadataChangedException,
ConcurrentTransactionException, ProtocolChangedException (and ConcurrentWriteException, their
Delta OSS base for writes). Such a commit wrote nothing, so running the whole statement again
against the new snapshot is safe; every SDK write is a conditional statement (its WHERE
re-checks the status it expects), so a retry never applies a stale transition.
  https://docs.databricks.com/aws/en/optimizations/isolation/  (conflict exceptions)
  https://docs.databricks.com/gcp/en/optimizations/isolation/row-level-concurrency
  https://docs.delta.io/latest/api/java/spark/io/delta/exceptions/package-frame.html
On Databricks the errors also carry the error classes DELTA_CONCURRENT_APPEND, ... :
  https://learn.microsoft.com/en-us/azure/databricks/error-messages/delta-concurrent-append-error-class

The exception is recognised by name (class name, error class/condition or message), so the
check works for classic PySpark (Py4J), Spark Connect (serverless) and delta-spark's
``delta.exceptions`` alike, without importing any of them.
"""

from __future__ import annotations

import random
import threading
import time
from typing import Callable, Optional, TypeVar

from .errors import ConcurrentWriteConflictError

T = TypeVar("T")

CONFLICT_NAMES = (
    "ConcurrentAppendException",
    "ConcurrentDeleteReadException",
    "ConcurrentDeleteDeleteException",
    "ConcurrentTransactionException",
    "ConcurrentWriteException",
    "MetadataChangedException",
    "ProtocolChangedException",
    "DELTA_CONCURRENT_APPEND",
    "DELTA_CONCURRENT_DELETE_READ",
    "DELTA_CONCURRENT_DELETE_DELETE",
    "DELTA_CONCURRENT_TRANSACTION",
    "DELTA_CONCURRENT_WRITE",
    "DELTA_METADATA_CHANGED",
    "DELTA_PROTOCOL_CHANGED",
)


def _error_class(exc: BaseException) -> str:
    for getter in ("getCondition", "getErrorClass"):
        fn = getattr(exc, getter, None)
        if callable(fn):
            try:
                value = fn()
            except Exception:  # noqa: BLE001 - a getter that fails just means "unknown"
                value = None
            if value:
                return str(value)
    return ""


def is_conflict(exc: BaseException) -> bool:
    """True when ``exc`` (or an exception it was raised from) is a Delta commit conflict."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        names = {c.__name__ for c in type(exc).__mro__}
        text = f"{_error_class(exc)} {exc}"
        if names & set(CONFLICT_NAMES) or any(n in text for n in CONFLICT_NAMES):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


class RetryPolicy:
    """``run(what, fn)``: call ``fn`` until it does not raise a Delta conflict, at most
    ``max_attempts`` times, sleeping ``uniform(0, min(max_delay, base_delay * 2**n))`` between
    attempts (exponential backoff with full jitter, so writers that collided spread out).
    ``conflicts`` counts the conflicts seen (thread-safe), for tests and logs."""

    def __init__(self, max_attempts: int = 10, base_delay: float = 0.2, max_delay: float = 4.0,
                 sleep: Callable[[float], None] = time.sleep, rand: Optional[Callable[[], float]] = None):
        if max_attempts < 1:
            raise ValueError("max_attempts must be >= 1")
        self.max_attempts = max_attempts
        self.base_delay = base_delay
        self.max_delay = max_delay
        self._sleep = sleep
        self._rand = rand or random.random
        self._lock = threading.Lock()
        self.conflicts = 0

    def delay(self, attempt: int) -> float:
        return self._rand() * min(self.max_delay, self.base_delay * (2 ** attempt))

    def run(self, what: str, fn: Callable[[], T]) -> T:
        for attempt in range(self.max_attempts):
            try:
                return fn()
            except Exception as exc:  # noqa: BLE001 - only conflicts are retried, others re-raised
                if not is_conflict(exc):
                    raise
                with self._lock:
                    self.conflicts += 1
                if attempt + 1 == self.max_attempts:
                    raise ConcurrentWriteConflictError(
                        f"{what}: still conflicting with concurrent writers after {self.max_attempts} attempts") from exc
                self._sleep(self.delay(attempt))
        raise AssertionError("unreachable")
