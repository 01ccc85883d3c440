"""A small job interface: run a long task (a clip analysis) off the page, with progress and cancel.

`submit(fn, *args, **kwargs)` returns a `Job` at once; `fn` is called as
`fn(*args, progress=<callable(frac, message="")>, should_cancel=<callable() -> bool>, **kwargs)`
and should call `progress` now and then and stop (raise `Cancelled`) when `should_cancel()`
turns true. The default runner is a thread in this process; a runner for workers only has
to honour the same `Job` fields, so pages do not change.

Job status goes queued -> running -> done | failed | cancelled.
"""
from __future__ import annotations

import logging
import threading
import time
import uuid
from typing import Any, Callable

from core.memory import release_freed

log = logging.getLogger(__name__)

QUEUED, RUNNING, DONE, FAILED, CANCELLED = "queued", "running", "done", "failed", "cancelled"
FINISHED = (DONE, FAILED, CANCELLED)


class Cancelled(Exception):
    """Raised inside a job's function when it stops because cancel was asked."""


def _without_frames(error: BaseException) -> BaseException:
    """The error kept for the caller, without the tracebacks (its own and its causes') that would
    keep every frame of the failed job, and their arrays, alive for as long as the job is listed."""
    seen: set[int] = set()
    stack: list = [error]
    while stack:
        e = stack.pop()
        if e is None or id(e) in seen:
            continue
        seen.add(id(e))
        e.__traceback__ = None
        stack += [e.__cause__, e.__context__]
    return error


class Job:
    """One submitted task. Read `status`, `progress` (0..1), `message`, `result`, `error`."""

    def __init__(self, name: str = ""):
        self.id = uuid.uuid4().hex
        self.name = name
        self.status = QUEUED
        self.progress = 0.0
        self.message = ""
        self.result: Any = None
        self.error: BaseException | None = None
        self.submitted_at = time.time()
        self.started_at: float | None = None
        self.finished_at: float | None = None
        self._cancel = threading.Event()
        self._finished = threading.Event()

    # --- what the task's function gets ------------------------------------------------------
    def report(self, frac: float, message: str = "") -> None:
        """Progress callback: `frac` in [0, 1] (clamped, never goes back), optional message."""
        try:
            frac = float(frac)
        except (TypeError, ValueError):
            return
        self.progress = max(self.progress, min(1.0, max(0.0, frac)))
        if message:
            self.message = message

    def should_cancel(self) -> bool:
        return self._cancel.is_set()

    # --- what the caller uses ---------------------------------------------------------------
    def cancel(self) -> None:
        """Ask the task to stop; it stops at its next check (between frames for a clip)."""
        self._cancel.set()

    @property
    def cancel_requested(self) -> bool:
        return self._cancel.is_set()

    @property
    def done(self) -> bool:
        return self.status in FINISHED

    def wait(self, timeout: float | None = None) -> bool:
        """Block until finished (or timeout seconds); True when finished."""
        return self._finished.wait(timeout)

    @property
    def elapsed_s(self) -> float:
        if self.started_at is None:
            return 0.0
        return (self.finished_at or time.time()) - self.started_at

    # --- runners call these -----------------------------------------------------------------
    def _run(self, fn: Callable, args: tuple, kwargs: dict) -> None:
        self.started_at = time.time()
        if self._cancel.is_set():
            self._finish(CANCELLED)
            return
        self.status = RUNNING
        try:
            self.result = fn(*args, progress=self.report, should_cancel=self.should_cancel, **kwargs)
            self.progress, status = 1.0, DONE
        except Cancelled:
            status = CANCELLED
        except BaseException as e:  # the caller shows it; a worker thread must not die silently
            if self._cancel.is_set():
                status = CANCELLED
            else:
                if not _is_user_error(e):
                    log.exception("job %s (%s) failed", self.id, self.name)
                self.error = _without_frames(e)
                status = FAILED
        self._finish(status)  # outside the except blocks: no traceback holds the job's frames now

    def _finish(self, status: str) -> None:
        self.status = status
        self.finished_at = time.time()
        self._finished.set()
        release_freed()  # the job's buffers (video frames, landmarks) are garbage now

    def __repr__(self) -> str:
        return f"Job({self.name!r}, {self.status}, {self.progress:.0%})"


def _is_user_error(e: BaseException) -> bool:
    from core.errors import UserError
    return isinstance(e, UserError)


class ThreadRunner:
    """Runs each job on its own daemon thread in this process (the default)."""

    def start(self, job: Job, fn: Callable, args: tuple, kwargs: dict) -> None:
        threading.Thread(target=job._run, args=(fn, args, kwargs), name=f"job-{job.name or job.id[:8]}",
                         daemon=True).start()


class InlineRunner:
    """Runs the job to the end inside `submit` (CLI, tests, scripts)."""

    def start(self, job: Job, fn: Callable, args: tuple, kwargs: dict) -> None:
        job._run(fn, args, kwargs)


_default_runner: ThreadRunner | InlineRunner = ThreadRunner()
_jobs: dict[str, Job] = {}
_jobs_lock = threading.Lock()
_KEEP = 50  # finished jobs remembered for `get`


def set_default_runner(runner) -> None:
    """Swap how jobs run (e.g. a worker-queue runner); pages keep calling `submit`."""
    global _default_runner
    _default_runner = runner


def submit(fn: Callable, *args, name: str = "", runner=None, **kwargs) -> Job:
    """Start `fn(*args, progress=..., should_cancel=..., **kwargs)`; returns its Job at once."""
    job = Job(name=name or getattr(fn, "__name__", "job"))
    with _jobs_lock:
        _jobs[job.id] = job
        finished = [j for j in _jobs.values() if j.done]
        for old in sorted(finished, key=lambda j: j.submitted_at)[:-_KEEP] if len(finished) > _KEEP else []:
            _jobs.pop(old.id, None)
    (runner or _default_runner).start(job, fn, args, kwargs)
    return job


def get(job_id: str) -> Job | None:
    """A job submitted in this process, by id (None when unknown or forgotten)."""
    with _jobs_lock:
        return _jobs.get(job_id)


def checkpoint(should_cancel: Callable[[], bool] | None) -> None:
    """Raise `Cancelled` when cancel was asked; call between units of work (frames)."""
    if should_cancel is not None and should_cancel():
        raise Cancelled()
