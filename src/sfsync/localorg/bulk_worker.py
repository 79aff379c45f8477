"""The org's Bulk worker: one background thread per org running queued jobs in order.

Jobs run asynchronously, as on Salesforce: a client sees `UploadComplete`, then `InProgress`, then
a final state, and must poll. Query jobs store their rows so result pages survive across requests.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Iterator
from itertools import islice

from sfsync.localorg import bulk_jobs as jobs
from sfsync.localorg.bulk_csv import Dialect
from sfsync.localorg.bulk_ingest import run_ingest
from sfsync.localorg.bulk_org import BulkOrg
from sfsync.localorg.permissions import User

log = logging.getLogger(__name__)
QUERY_CHUNK = 2000
_IDLE_SECONDS = 0.5


class BulkWorker:
    """Runs jobs handed to `submit` one at a time, in submission order, on its own daemon thread."""

    def __init__(self, org: BulkOrg) -> None:
        self._org = org
        self._queue: queue.Queue[tuple[str, User]] = queue.Queue()
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="localorg-bulk", daemon=True)
        self._thread.start()

    def submit(self, job_id: str, user: User) -> None:
        self._queue.put((job_id, user))

    def stop(self, timeout: float = 5.0) -> None:
        self._stopping.set()
        self._thread.join(timeout)

    def idle(self) -> bool:
        return self._queue.unfinished_tasks == 0

    def _loop(self) -> None:
        while not self._stopping.is_set():
            try:
                job_id, user = self._queue.get(timeout=_IDLE_SECONDS)
            except queue.Empty:
                continue
            try:
                self._run(job_id, user)
            finally:
                self._queue.task_done()

    def _run(self, job_id: str, user: User) -> None:
        try:
            job = jobs.load_job(self._org.connect(), job_id)
            if job is not None and job.is_query:
                run_query(self._org, user, job_id)
            elif job is not None:
                run_ingest(self._org, user, job_id)
        except Exception as error:  # a job's crash must not take the worker (or the server) down
            conn = self._org.connect()
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            jobs.set_state(conn, job_id, jobs.FAILED, error=_failure_text(error), only_from=jobs.ABORTABLE_STATES)


def _failure_text(error: Exception) -> str:
    """A query error keeps Salesforce's code and text; anything else is an internal error (and logged)."""
    code = getattr(error, "error_code", None)
    if code:
        return f"{code}: {getattr(error, 'message', error)}"
    log.error("bulk job failed", exc_info=error)
    return f"InternalServerError : {error}"


def run_query(org: BulkOrg, user: User, job_id: str) -> None:
    conn = org.connect()
    job = jobs.load_job(conn, job_id)
    if job is None or job.query is None:
        return
    if not jobs.set_state(conn, job_id, jobs.IN_PROGRESS, only_from=[jobs.UPLOAD_COMPLETE]):
        return
    started = time.monotonic()
    access = org.access_for(user)
    org.note("read", user.username, job.object, ["*"])
    header, rows = org.queries.bulk_rows(job.query, access=access, include_deleted=job.operation == "queryAll")
    dialect = Dialect.of(job.column_delimiter, job.line_ending)
    count = 0
    for chunk in _chunks(rows, QUERY_CHUNK):
        lines = [dialect.line(row, quote_all=True) for row in chunk]
        with jobs.writing(conn, org.write_lock):  # one commit per chunk keeps other writers waiting briefly
            jobs.record_query_rows(conn, job_id, count, lines)
        count += len(chunk)
    elapsed = int((time.monotonic() - started) * 1000)
    with jobs.writing(conn, org.write_lock):
        jobs.finish_query(conn, job_id, dialect.line(header, quote_all=True), count, elapsed)


def _chunks(rows: Iterator[list[str]], size: int) -> Iterator[list[list[str]]]:
    while chunk := list(islice(rows, size)):
        yield chunk


_workers: dict[int, tuple[BulkOrg, BulkWorker]] = {}
_workers_lock = threading.Lock()


def worker_for(org: BulkOrg) -> BulkWorker:
    """The org's worker, started on first use."""
    with _workers_lock:
        entry = _workers.get(id(org))
        if entry is None or entry[0] is not org:
            entry = (org, BulkWorker(org))
            _workers[id(org)] = entry
        return entry[1]


def stop_worker(org: BulkOrg) -> None:
    """Stop the org's worker (when the server shuts down); queued jobs stay in their state."""
    with _workers_lock:
        entry = _workers.pop(id(org), None)
    if entry is not None:
        entry[1].stop()
