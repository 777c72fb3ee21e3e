"""Errors of the ETL monitor SDK. Every bad-input error is raised before anything is written."""

from __future__ import annotations


class ETLMonitorError(ValueError):
    """Base class: bad input or an illegal operation; nothing was written."""


class UnknownProcessError(ETLMonitorError):
    """The (ProjectCode, ProcessLoad) is not registered in ETLconfigProcess."""


class UnknownTaskError(ETLMonitorError):
    """The task is not in the catalogue (ETLconfigTasks) or not in the execution."""


class UnknownExecutionError(ETLMonitorError):
    """No steps exist for the ExecutionID (of that process)."""


class UnknownParameterError(ETLMonitorError):
    """The parameter is not registered in ETLconfigParameters."""


class IllegalTransitionError(ETLMonitorError):
    """The status machine does not allow the requested transition from the current status."""


class TaskBlockedError(IllegalTransitionError):
    """A mandatory task of an earlier sequence of the same execution failed."""


class ConcurrentWriteConflictError(RuntimeError):
    """A Delta write still conflicted with concurrent writers after the bounded retries."""
