"""Bulk API 2.0 jobs as stored in the org's database.

Invariants:

- A job is one row of `_bulk_job`; its uploaded CSV is kept verbatim in `_bulk_upload` (one upload per
  job), apart from the job row, so the frequent counter updates never rewrite megabytes of CSV.
- Ingest results are rows of `_bulk_result` keyed by (job, kind, row number): kind `s` (successful, `Outcome`
  is `sf__Created`), `f` (failed, `Outcome` is `sf__Error`). Query rows use kind `q` and keep the finished
  CSV line. Rows are processed in upload order, so the unprocessed rows are the upload's tail after
  `NumberRecordsProcessed`.
- Only the user who created a job may see it (`owned_job`).
"""

from __future__ import annotations

import secrets
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sfsync.localorg.ids import make_id

INGEST = "V2Ingest"
QUERY = "V2Query"
OPEN = "Open"
UPLOAD_COMPLETE = "UploadComplete"
IN_PROGRESS = "InProgress"
JOB_COMPLETE = "JobComplete"
FAILED = "Failed"
ABORTED = "Aborted"
_JOB_NUMBERS = 62**8
FINISHED_STATES = frozenset({JOB_COMPLETE, FAILED, ABORTED})
ABORTABLE_STATES = frozenset({OPEN, UPLOAD_COMPLETE, IN_PROGRESS})

SCHEMA = (
    """CREATE TABLE IF NOT EXISTS _bulk_job (
        Id TEXT PRIMARY KEY, JobType TEXT NOT NULL, Operation TEXT NOT NULL, Object TEXT NOT NULL,
        ExternalIdFieldName TEXT, State TEXT NOT NULL, CreatedById TEXT NOT NULL, CreatedDate TEXT NOT NULL,
        SystemModstamp TEXT NOT NULL, ApiVersion TEXT NOT NULL, ColumnDelimiter TEXT NOT NULL,
        LineEnding TEXT NOT NULL, Query TEXT, NumberRecordsProcessed INTEGER NOT NULL DEFAULT 0,
        NumberRecordsFailed INTEGER NOT NULL DEFAULT 0, TotalProcessingTime INTEGER NOT NULL DEFAULT 0,
        ErrorMessage TEXT)""",
    "CREATE TABLE IF NOT EXISTS _bulk_upload (JobId TEXT PRIMARY KEY, Data TEXT NOT NULL)",
    """CREATE TABLE IF NOT EXISTS _bulk_result (
        JobId TEXT NOT NULL, Kind TEXT NOT NULL, RowNumber INTEGER NOT NULL, SfId TEXT, Outcome TEXT,
        Line TEXT NOT NULL, PRIMARY KEY (JobId, Kind, RowNumber)) WITHOUT ROWID""",
)

_COLUMNS = (
    "Id, JobType, Operation, Object, ExternalIdFieldName, State, CreatedById, CreatedDate, SystemModstamp, "
    "ApiVersion, ColumnDelimiter, LineEnding, Query, NumberRecordsProcessed, NumberRecordsFailed, "
    "TotalProcessingTime, ErrorMessage, EXISTS (SELECT 1 FROM _bulk_upload WHERE JobId = _bulk_job.Id)"
)


def new_job_id() -> str:
    """A random job number keeps ids unique across restarts without a counter in the database."""
    return make_id("750", _JOB_NUMBERS + secrets.randbelow(_JOB_NUMBERS * 61))


def now_stamp() -> str:
    """The storage contract's datetime form, with the milliseconds Bulk job stamps carry."""
    moment = datetime.now(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}+0000"


@dataclass(frozen=True)
class Job:
    """One ingest or query job, without its uploaded data."""

    id: str
    job_type: str
    operation: str
    object: str
    external_id_field: str | None
    state: str
    created_by_id: str
    created_date: str
    system_modstamp: str
    api_version: str
    column_delimiter: str
    line_ending: str
    query: str | None
    processed: int
    failed: int
    processing_ms: int
    error_message: str | None
    has_upload: bool

    @property
    def is_query(self) -> bool:
        return self.job_type == QUERY


def new_job(
    job_id: str,
    job_type: str,
    operation: str,
    sobject: str,
    *,
    user_id: str,
    api_version: str,
    column_delimiter: str,
    line_ending: str,
    external_id_field: str | None = None,
    query: str | None = None,
) -> Job:
    """A job as created: Open for ingest, UploadComplete for a query (nothing to upload)."""
    stamp = now_stamp()
    state = UPLOAD_COMPLETE if job_type == QUERY else OPEN
    return Job(
        *(job_id, job_type, operation, sobject, external_id_field, state, user_id, stamp, stamp, api_version),
        *(column_delimiter, line_ending, query, 0, 0, 0, None, False),
    )


@dataclass(frozen=True)
class ResultRow:
    """One processed ingest row: `outcome` is `sf__Created` ("true"/"false") or `sf__Error`."""

    row_number: int
    success: bool
    sf_id: str
    outcome: str
    line: str


def ensure_schema(conn: sqlite3.Connection) -> None:
    for statement in SCHEMA:
        conn.execute(statement)


@contextmanager
def writing(conn: sqlite3.Connection, lock: AbstractContextManager[object]) -> Iterator[None]:
    """One write transaction under the org's write lock (the connection is in autocommit mode)."""
    with lock:
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")


def insert_job(conn: sqlite3.Connection, job: Job) -> None:
    conn.execute(
        "INSERT INTO _bulk_job (Id, JobType, Operation, Object, ExternalIdFieldName, State, CreatedById, "
        "CreatedDate, SystemModstamp, ApiVersion, ColumnDelimiter, LineEnding, Query) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            job.id,
            job.job_type,
            job.operation,
            job.object,
            job.external_id_field,
            job.state,
            job.created_by_id,
            job.created_date,
            job.system_modstamp,
            job.api_version,
            job.column_delimiter,
            job.line_ending,
            job.query,
        ),
    )


def _job(row: Sequence[Any]) -> Job:
    return Job(*(*row[:17], bool(row[17])))


def load_job(conn: sqlite3.Connection, job_id: str) -> Job | None:
    row = conn.execute(f"SELECT {_COLUMNS} FROM _bulk_job WHERE Id = ?", (job_id,)).fetchone()  # noqa: S608
    return _job(row) if row else None


def owned_job(conn: sqlite3.Connection, job_id: str, job_type: str, user_id: str) -> Job | None:
    """The job if it exists, has this type and belongs to the user; a stranger's job does not exist."""
    job = load_job(conn, job_id)
    if job is None or job.job_type != job_type or job.created_by_id != user_id:
        return None
    return job


def user_jobs(conn: sqlite3.Connection, job_type: str, user_id: str) -> list[Job]:
    rows = conn.execute(
        f"SELECT {_COLUMNS} FROM _bulk_job WHERE JobType = ? AND CreatedById = ? ORDER BY CreatedDate, Id",  # noqa: S608
        (job_type, user_id),
    ).fetchall()
    return [_job(row) for row in rows]


def set_state(
    conn: sqlite3.Connection, job_id: str, state: str, *, error: str | None = None, only_from: Iterable[str] = ()
) -> bool:
    """Move a job to `state` (if it is in one of `only_from`, when given); False when it was not moved."""
    sources = tuple(only_from)
    guard = f" AND State IN ({', '.join('?' * len(sources))})" if sources else ""
    cursor = conn.execute(
        f"UPDATE _bulk_job SET State = ?, ErrorMessage = COALESCE(?, ErrorMessage), SystemModstamp = ? "  # noqa: S608
        f"WHERE Id = ?{guard}",
        (state, error, now_stamp(), job_id, *sources),
    )
    return cursor.rowcount == 1


def store_upload(conn: sqlite3.Connection, job_id: str, data: str) -> bool:
    """Keep the job's CSV; False if the job already has one (Bulk 2.0 takes one upload per job)."""
    cursor = conn.execute("INSERT OR IGNORE INTO _bulk_upload (JobId, Data) VALUES (?, ?)", (job_id, data))
    return cursor.rowcount == 1


def load_upload(conn: sqlite3.Connection, job_id: str) -> str:
    row = conn.execute("SELECT Data FROM _bulk_upload WHERE JobId = ?", (job_id,)).fetchone()
    return str(row[0]) if row and row[0] is not None else ""


def record_results(conn: sqlite3.Connection, job_id: str, results: Sequence[ResultRow], elapsed_ms: int) -> None:
    """Store one processed chunk and advance the job's counters (inside the chunk's transaction)."""
    conn.executemany(
        "INSERT INTO _bulk_result (JobId, Kind, RowNumber, SfId, Outcome, Line) VALUES (?, ?, ?, ?, ?, ?)",
        [(job_id, "s" if r.success else "f", r.row_number, r.sf_id, r.outcome, r.line) for r in results],
    )
    failed = sum(1 for r in results if not r.success)
    conn.execute(
        "UPDATE _bulk_job SET NumberRecordsProcessed = NumberRecordsProcessed + ?, "
        "NumberRecordsFailed = NumberRecordsFailed + ?, TotalProcessingTime = TotalProcessingTime + ?, "
        "SystemModstamp = ? WHERE Id = ?",
        (len(results), failed, elapsed_ms, now_stamp(), job_id),
    )


def result_rows(conn: sqlite3.Connection, job_id: str, *, success: bool) -> list[tuple[str, str, str]]:
    """(sf__Id, outcome, original line) of a job's successful or failed rows, in upload order."""
    rows = conn.execute(
        "SELECT SfId, Outcome, Line FROM _bulk_result WHERE JobId = ? AND Kind = ? ORDER BY RowNumber",
        (job_id, "s" if success else "f"),
    ).fetchall()
    return [(str(r[0] or ""), str(r[1] or ""), str(r[2])) for r in rows]


def record_query_rows(conn: sqlite3.Connection, job_id: str, first: int, lines: Sequence[str]) -> None:
    conn.executemany(
        "INSERT INTO _bulk_result (JobId, Kind, RowNumber, Line) VALUES (?, 'q', ?, ?)",
        [(job_id, first + offset, line) for offset, line in enumerate(lines)],
    )


def finish_query(conn: sqlite3.Connection, job_id: str, header: str, count: int, elapsed_ms: int) -> None:
    """Keep the header line (row -1) and mark the query job complete (inside `writing`)."""
    conn.execute("INSERT INTO _bulk_result (JobId, Kind, RowNumber, Line) VALUES (?, 'q', -1, ?)", (job_id, header))
    conn.execute(
        "UPDATE _bulk_job SET State = ?, NumberRecordsProcessed = ?, TotalProcessingTime = ?, SystemModstamp = ? "
        "WHERE Id = ? AND State = ?",
        (JOB_COMPLETE, count, elapsed_ms, now_stamp(), job_id, IN_PROGRESS),
    )


def query_page(conn: sqlite3.Connection, job_id: str, offset: int, limit: int) -> tuple[str, list[str]]:
    """The header line and up to `limit` result lines starting at row `offset`."""
    header = conn.execute(
        "SELECT Line FROM _bulk_result WHERE JobId = ? AND Kind = 'q' AND RowNumber = -1", (job_id,)
    ).fetchone()
    rows = conn.execute(
        "SELECT Line FROM _bulk_result WHERE JobId = ? AND Kind = 'q' AND RowNumber >= ? ORDER BY RowNumber LIMIT ?",
        (job_id, offset, limit),
    ).fetchall()
    return (str(header[0]) if header else ""), [str(r[0]) for r in rows]


def delete_job(conn: sqlite3.Connection, job_id: str) -> None:
    conn.execute("DELETE FROM _bulk_result WHERE JobId = ?", (job_id,))
    conn.execute("DELETE FROM _bulk_upload WHERE JobId = ?", (job_id,))
    conn.execute("DELETE FROM _bulk_job WHERE Id = ?", (job_id,))
