"""The Bulk API 1.0 batch runner: a Serial job's batches one at a time in order, a Parallel job's side by
side, and a batch aborted before it starts never run. The batch work is a stand-in that records what
ran when (the runner is what is under test; the org's rows are tested over HTTPS)."""

from __future__ import annotations

import threading
from typing import cast

from sfsync.localorg import bulk_v1_jobs as v1
from sfsync.localorg.bulk_v1_runner import BatchRunner
from sfsync.localorg.permissions import User

USER = cast(User, object())
WAIT = 10.0


def _job(concurrency: str) -> v1.Job:
    return v1.Job("750x", "insert", "Lead", "005x", "now", "CSV", "59.0", concurrency=concurrency)


def _batch(job: v1.Job, number: int) -> v1.Batch:
    batch = v1.Batch(f"751x{number}", job.id, "now", "LastName\nA\n")
    job.batches.append(batch)
    return batch


class Recorder:
    """Runs each batch until its gate opens, noting starts and ends in order."""

    def __init__(self) -> None:
        self.events: list[str] = []
        self.gates: dict[str, threading.Event] = {}
        self.started: dict[str, threading.Event] = {}
        self.lock = threading.Lock()

    def expect(self, batch: v1.Batch) -> None:
        self.gates[batch.id], self.started[batch.id] = threading.Event(), threading.Event()

    def __call__(self, user: User, job: v1.Job, batch: v1.Batch) -> None:
        with self.lock:
            self.events.append(f"start {batch.id}")
        self.started[batch.id].set()
        assert self.gates[batch.id].wait(WAIT)
        with self.lock:
            self.events.append(f"end {batch.id}")
        batch.state = v1.COMPLETED


def test_a_serial_job_runs_one_batch_at_a_time_in_the_order_added() -> None:
    recorder, job = Recorder(), _job("Serial")
    runner = BatchRunner(recorder)
    batches = [_batch(job, n) for n in range(3)]
    for batch in batches:
        recorder.expect(batch)
        runner.submit(USER, job, batch)
    assert recorder.started[batches[0].id].wait(WAIT)
    assert not recorder.started[batches[1].id].wait(0.2)  # the second waits for the first
    for batch in batches:
        recorder.gates[batch.id].set()
    runner.stop()
    assert recorder.events == [f"{step} {b.id}" for b in batches for step in ("start", "end")]


def test_a_parallel_job_runs_its_batches_side_by_side() -> None:
    recorder, job = Recorder(), _job("Parallel")
    runner = BatchRunner(recorder)
    first, second = _batch(job, 1), _batch(job, 2)
    for batch in (first, second):
        recorder.expect(batch)
        runner.submit(USER, job, batch)
    assert recorder.started[first.id].wait(WAIT) and recorder.started[second.id].wait(WAIT)  # both before either ends
    recorder.gates[first.id].set()
    recorder.gates[second.id].set()
    runner.stop()
    assert [b.state for b in (first, second)] == [v1.COMPLETED, v1.COMPLETED]


def test_a_batch_aborted_before_it_starts_is_never_run() -> None:
    recorder, job = Recorder(), _job("Serial")
    runner = BatchRunner(recorder)
    running, waiting = _batch(job, 1), _batch(job, 2)
    recorder.expect(running)
    recorder.expect(waiting)
    runner.submit(USER, job, running)
    runner.submit(USER, job, waiting)
    assert recorder.started[running.id].wait(WAIT)
    waiting.state = v1.NOT_PROCESSED  # what aborting the job does to a batch not yet started
    recorder.gates[running.id].set()
    runner.stop()
    assert recorder.events == [f"start {running.id}", f"end {running.id}"]
    assert waiting.state == v1.NOT_PROCESSED
