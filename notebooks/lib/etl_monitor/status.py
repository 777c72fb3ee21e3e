"""The status machine of ETLProcessingSteps: the one place its rules live.

One row per task attempt; the latest attempt (highest AttemptNumber) is the task's status.

    NQUE -> DONE
    NQUE -> FAIL -> RQUE -> DONE
    NQUE -> FAIL -> RQUE -> FAIL -> [status_reset()] -> RQUE -> DONE

Who writes which transition:

* ``NQUE`` (attempt 1) is created by ``sql/etl_monitor/generate_execution_steps.sql``, which
  ``generate_execution_steps()`` executes.
* ``start`` sets StartTime on a queued attempt (NQUE/RQUE, not started yet).
* A task whose *first* attempt failed is retried automatically: starting it again appends
  attempt 2 as RQUE (already started). A failed *retry* (attempt >= 2) needs an explicit
  ``status_reset()`` - repeated failure needs a human decision.
* ``status_reset()`` executes ``sql/etl_monitor/status_reset.sql``: every latest FAIL (or one
  task) becomes a new RQUE attempt, and the initiation row (TaskID 0) is always re-queued
  with them.
* ``end`` (DONE) and ``fail`` (FAIL) close a started, queued attempt. DONE is final.
* A task cannot start while a mandatory task of an earlier SequenceID of the same execution
  is FAIL (its latest attempt): that is what ``v_mandatoryBlockers`` reports.

The Delta CHECK constraints of ``setup.sql`` (``status_valid``, ``attempt_valid``) enforce the
vocabulary and "NQUE only on attempt 1" in the table itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Optional

from .errors import IllegalTransitionError, TaskBlockedError

NQUE = "NQUE"
RQUE = "RQUE"
DONE = "DONE"
FAIL = "FAIL"
STATUSES = (NQUE, RQUE, DONE, FAIL)
QUEUED = (NQUE, RQUE)

#: what start_task does with an attempt
START = "start"  # set StartTime on the queued attempt
RETRY = "retry"  # append attempt n+1 as RQUE, started (automatic first retry)


@dataclass(frozen=True)
class Attempt:
    """The latest attempt of one task of one execution (a row of ETLProcessingSteps)."""

    task_id: int
    workflow_id: int
    sequence_id: int
    attempt_number: int
    status: str
    start_time: Any
    end_time: Any
    task_name: Optional[str]
    task_mandatory: bool

    @property
    def key(self) -> str:
        return f"task {self.task_id}/workflow {self.workflow_id} ({self.task_name})"

    @property
    def running(self) -> bool:
        return self.status in QUEUED and self.start_time is not None


def latest_attempts(rows: Iterable[Any]) -> dict[tuple[int, int], Attempt]:
    """{(TaskID, WorkFlowID): latest Attempt} from ETLProcessingSteps rows of one execution."""
    latest: dict[tuple[int, int], Attempt] = {}
    for r in rows:
        a = Attempt(r["TaskID"], r["WorkFlowID"], r["SequenceID"], r["AttemptNumber"], r["Status"],
                    r["StartTime"], r["EndTime"], r["TaskName"], bool(r["TaskMandatory"]))
        key = (a.task_id, a.workflow_id)
        if key not in latest or a.attempt_number > latest[key].attempt_number:
            latest[key] = a
    return latest


def blockers_of(attempt: Attempt, latest: dict[tuple[int, int], Attempt]) -> list[Attempt]:
    """Mandatory tasks of earlier sequences whose latest attempt failed."""
    return sorted((b for b in latest.values()
                   if b.task_mandatory and b.status == FAIL and b.sequence_id < attempt.sequence_id),
                  key=lambda b: (b.sequence_id, b.task_id, b.workflow_id))


def start_action(attempt: Attempt, latest: dict[tuple[int, int], Attempt]) -> str:
    """START or RETRY for a task about to start, or raises why it cannot."""
    if attempt.status == DONE:
        raise IllegalTransitionError(f"{attempt.key} is already DONE (attempt {attempt.attempt_number})")
    if attempt.status == FAIL and attempt.attempt_number >= 2:
        raise IllegalTransitionError(
            f"{attempt.key} failed again on attempt {attempt.attempt_number}: a repeated failure needs "
            "status_reset() before it can run")
    if attempt.running:
        raise IllegalTransitionError(
            f"{attempt.key} is already running since {attempt.start_time} (attempt {attempt.attempt_number}); "
            "end it or fail it first")
    blocking = blockers_of(attempt, latest)
    if blocking:
        names = ", ".join(f"{b.key} in sequence {b.sequence_id}" for b in blocking)
        raise TaskBlockedError(f"{attempt.key} (sequence {attempt.sequence_id}) is blocked by failed mandatory task(s): {names}")
    return RETRY if attempt.status == FAIL else START


def is_pending(attempt: Attempt, latest: dict[tuple[int, int], Attempt]) -> bool:
    """True when start_task would accept the task: the rule get_pending_tasks() applies."""
    try:
        start_action(attempt, latest)
    except IllegalTransitionError:
        return False
    return True


def check_close(attempt: Attempt, to_status: str) -> None:
    """end (DONE) and fail (FAIL) close a started, queued attempt."""
    if attempt.status not in QUEUED:
        raise IllegalTransitionError(
            f"cannot set {attempt.key} to {to_status}: its attempt {attempt.attempt_number} is {attempt.status}"
            + (" (start it again to retry)" if attempt.status == FAIL and attempt.attempt_number == 1 else ""))
    if to_status == DONE and attempt.start_time is None:
        raise IllegalTransitionError(f"cannot set {attempt.key} to DONE: it was never started (start_task first)")


def check_reset(attempt: Attempt) -> None:
    if attempt.status != FAIL:
        raise IllegalTransitionError(
            f"cannot reset {attempt.key}: only a FAIL attempt can be re-queued, its attempt "
            f"{attempt.attempt_number} is {attempt.status}")
