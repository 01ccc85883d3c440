"""The job interface: progress, result, errors, cancel between units of work, runners."""
import threading

import pytest

from core import jobs
from core.errors import UserError


def _count(n, *, progress, should_cancel, gate=None):
    for i in range(n):
        if gate is not None:
            gate.wait(5)
        jobs.checkpoint(should_cancel)
        progress((i + 1) / n, f"step {i + 1}")
    return n * 2


def test_thread_job_reports_progress_and_result():
    job = jobs.submit(_count, 5, name="count")
    assert job.wait(10)
    assert (job.status, job.result, job.progress, job.message) == (jobs.DONE, 10, 1.0, "step 5")
    assert jobs.get(job.id) is job and job.done and job.error is None


def test_cancel_stops_between_steps():
    gate = threading.Event()
    job = jobs.submit(_count, 1000, gate=gate)
    job.cancel()
    gate.set()
    assert job.wait(10)
    assert job.status == jobs.CANCELLED and job.result is None and job.progress < 1.0


def test_errors_are_kept_for_the_caller():
    def bad(*, progress, should_cancel):
        raise UserError("That file is not a video.", "upload an mp4")

    job = jobs.submit(bad, runner=jobs.InlineRunner())
    assert job.status == jobs.FAILED and isinstance(job.error, UserError)
    assert "not a video" in job.error.message


def test_progress_is_clamped_and_never_goes_back():
    job = jobs.Job()
    job.report(0.5)
    job.report(0.2)
    job.report(7)
    job.report("x")
    assert job.progress == 1.0


def test_cancel_before_start_never_runs():
    ran = []

    class Later:
        def start(self, job, fn, args, kwargs):
            self.go = lambda: job._run(fn, args, kwargs)

    runner = Later()
    job = jobs.submit(lambda *, progress, should_cancel: ran.append(1), runner=runner)
    assert job.status == jobs.QUEUED
    job.cancel()
    runner.go()
    assert job.status == jobs.CANCELLED and ran == []


def test_checkpoint():
    jobs.checkpoint(None)
    jobs.checkpoint(lambda: False)
    with pytest.raises(jobs.Cancelled):
        jobs.checkpoint(lambda: True)


@pytest.mark.parametrize("fails", [False, True])
def test_a_finished_job_gives_freed_memory_back(monkeypatch, fails):
    calls = []
    monkeypatch.setattr(jobs, "release_freed", lambda: calls.append(1) or True)

    def work(*, progress, should_cancel):
        if fails:
            raise UserError("no", "try again")
        return 1

    job = jobs.submit(work, runner=jobs.InlineRunner())
    assert job.done and calls == [1]


@pytest.mark.parametrize("ending", ["done", "user error", "crash", "cancelled"])
def test_a_finished_job_keeps_none_of_its_working_memory(ending, monkeypatch):
    """Whatever the ending, the job's local arrays are garbage once it is finished: a failed job
    keeps its error (for the page) but not the traceback frames that would hold them."""
    import gc
    import logging
    import weakref

    # pytest's log capture keeps each record, and a logged crash's record holds its traceback: log
    # through a handler that writes and forgets, as the app's does.
    monkeypatch.setattr(jobs.log, "propagate", False)
    monkeypatch.setattr(jobs.log, "handlers", [logging.StreamHandler()])

    class Frames:  # stands for the decoded video frames a job holds
        pass

    seen = []

    def work(*, progress, should_cancel):
        frames = Frames()
        seen.append(weakref.ref(frames))
        if ending == "user error":
            try:
                raise ValueError("inner")
            except ValueError as inner:
                raise UserError("That file is not a video.", "upload an mp4") from inner
        if ending == "crash":
            raise RuntimeError("bug")
        if ending == "cancelled":
            raise jobs.Cancelled()
        return 1

    job = jobs.submit(work, runner=jobs.InlineRunner())
    gc.collect()
    assert job.done and seen[0]() is None
    if ending in ("user error", "crash"):
        assert job.status == jobs.FAILED and job.error is not None
