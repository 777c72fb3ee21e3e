"""ETL process monitor SDK (etl-monitor-framework.md): ``ETLMonitorFramework``.

In a notebook or job, with the package deployed as workspace files under
``<workspaceRoot>/lib/etl_monitor/``:

    import sys; sys.path.insert(0, "<workspaceRoot>/lib")
    from etl_monitor import ETLMonitorFramework
"""

from .errors import (
    ConcurrentWriteConflictError,
    ETLMonitorError,
    IllegalTransitionError,
    TaskBlockedError,
    UnknownExecutionError,
    UnknownParameterError,
    UnknownProcessError,
    UnknownTaskError,
)
from .framework import LOG_TYPES, PARAMETER_TYPES, SOURCE_TYPES, ETLMonitorFramework
from .retry import RetryPolicy, is_conflict
from .status import DONE, FAIL, NQUE, RQUE, STATUSES

__all__ = [
    "ConcurrentWriteConflictError",
    "DONE",
    "ETLMonitorError",
    "ETLMonitorFramework",
    "FAIL",
    "IllegalTransitionError",
    "LOG_TYPES",
    "NQUE",
    "PARAMETER_TYPES",
    "RQUE",
    "RetryPolicy",
    "SOURCE_TYPES",
    "STATUSES",
    "TaskBlockedError",
    "UnknownExecutionError",
    "UnknownParameterError",
    "UnknownProcessError",
    "UnknownTaskError",
    "is_conflict",
]
