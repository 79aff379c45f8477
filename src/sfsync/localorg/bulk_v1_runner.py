"""Runs Bulk API 1.0 ingest batches off the request threads, as Salesforce processes them.

A `Parallel` job's batches may run at the same time (a small pool; the DML service serialises their
chunks' transactions under the org's write lock). A `Serial` job's batches run one after another in
the order they were added. A batch aborted before it starts (left `Not Processed`) is skipped.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from sfsync.localorg import bulk_v1_jobs as v1
from sfsync.localorg.permissions import User

WORKERS = 2
Run = Callable[[User, v1.Job, v1.Batch], None]


class BatchRunner:
    """Hands batches to a thread pool; `stop` waits for the running ones and drops the queued."""

    def __init__(self, run: Run) -> None:
        self._run = run
        self._pool = ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="localorg-bulk1")
        self._serial: dict[str, deque[tuple[User, v1.Batch]]] = {}

    def submit(self, user: User, job: v1.Job, batch: v1.Batch) -> None:
        if job.concurrency != "Serial":
            self._pool.submit(self._one, user, job, batch)
            return
        with job.lock:
            waiting = self._serial.setdefault(job.id, deque())
            waiting.append((user, batch))
            if len(waiting) > 1:
                return  # the job's drain is running and will reach this batch
        self._pool.submit(self._drain, job)

    def stop(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)

    def _drain(self, job: v1.Job) -> None:
        while True:
            with job.lock:
                user, batch = self._serial[job.id][0]
            self._one(user, job, batch)
            with job.lock:
                waiting = self._serial[job.id]
                waiting.popleft()
                if not waiting:
                    del self._serial[job.id]
                    return

    def _one(self, user: User, job: v1.Job, batch: v1.Batch) -> None:
        with job.lock:
            if batch.state != v1.QUEUED:
                return  # aborted before it started
            batch.state = v1.IN_PROGRESS
        self._run(user, job, batch)
