"""Running an ingest job: the uploaded CSV's rows through the DML service, in chunks.

Columns are mapped by header (any order, case-insensitive); a `Rel.ExtField` header sets the lookup
`Rel` by the parent's external id. A job's rows commit in chunks of `CHUNK_SIZE` rows (one DML
transaction each, like Salesforce's internal batches, with their result rows); a failing row fails alone. Between chunks
the job's state is re-read so an abort stops the run, leaving the rest unprocessed.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from itertools import islice

from sfsync.localorg import bulk_jobs as jobs
from sfsync.localorg.bulk_csv import CellError, Dialect, upload_line_ending_ok
from sfsync.localorg.bulk_org import BulkOrg
from sfsync.localorg.bulk_rows import Column, JobTarget, RowOutcome, RowWriter, resolve_columns
from sfsync.localorg.catalog import Catalog
from sfsync.localorg.permissions import User

CHUNK_SIZE = 200
Chunk = list[tuple[int, list[str]]]  # (row number in the upload, cells)


class JobFailure(Exception):
    """The whole job fails: its `errorMessage` is this exception's text."""


@dataclass(frozen=True)
class IngestRun:
    org: BulkOrg
    user: User
    job: jobs.Job
    dialect: Dialect
    columns: tuple[Column, ...]


def run_ingest(org: BulkOrg, user: User, job_id: str) -> None:
    conn = org.connect()
    job = jobs.load_job(conn, job_id)
    if job is None or not jobs.set_state(conn, job_id, jobs.IN_PROGRESS, only_from=[jobs.UPLOAD_COMPLETE]):
        return
    try:
        run, rows = _prepare(org, user, job, jobs.load_upload(conn, job_id))
        _process(conn, run, rows)
    except JobFailure as failure:
        jobs.set_state(conn, job_id, jobs.FAILED, error=str(failure), only_from=[jobs.IN_PROGRESS])
        return
    jobs.set_state(conn, job_id, jobs.JOB_COMPLETE, only_from=[jobs.IN_PROGRESS])


def _prepare(org: BulkOrg, user: User, job: jobs.Job, data: str) -> tuple[IngestRun, Iterator[list[str]]]:
    dialect = Dialect.of(job.column_delimiter, job.line_ending)
    if not upload_line_ending_ok(data, dialect):
        raise JobFailure(
            f"ClientInputError : LineEnding is invalid on user data. Current LineEnding setting is {job.line_ending}"
        )
    rows = dialect.rows(data)
    header = next(rows, None)
    if not header:
        raise JobFailure("InvalidBatch : Records not processed: no data was uploaded")
    return IngestRun(org, user, job, dialect, upload_columns(org.catalog, job, header)), rows


def upload_columns(catalog: Catalog, job: JobTarget, header: Sequence[str]) -> tuple[Column, ...]:
    """The columns an upload's header names, or JobFailure with Salesforce's `InvalidBatch` reason
    (Bulk API 1.0 fails the batch with it, Bulk API 2.0 the job)."""
    spec = catalog.get(job.object)
    if spec is None:
        raise JobFailure(f"InvalidBatch : Entity '{job.object}' is not supported by the Bulk API.")
    columns, problem = resolve_columns(catalog, spec, header)
    if problem:
        raise JobFailure(f"InvalidBatch : {problem}")
    if job.operation in ("delete", "hardDelete") and [c.header for c in columns] != ["Id"]:
        raise JobFailure(f"InvalidBatch : The '{job.operation}' batch must contain only 'Id'")
    return tuple(columns)


def _process(conn: sqlite3.Connection, run: IngestRun, rows: Iterator[list[str]]) -> None:
    def running() -> bool:
        current = jobs.load_job(conn, run.job.id)
        return current is not None and current.state == jobs.IN_PROGRESS  # not aborted (or deleted)

    def record(chunk: Chunk, outcomes: list[RowOutcome], elapsed_ms: int) -> None:
        pairs = zip(chunk, outcomes, strict=True)
        results = [_result(run, number, cells, outcome) for (number, cells), outcome in pairs]
        jobs.record_results(conn, run.job.id, results, elapsed_ms)

    write_chunks(RowWriter(run.org, run.user, run.job, run.columns), run.org, rows, running=running, record=record)


def write_chunks(
    writer: RowWriter,
    org: BulkOrg,
    rows: Iterator[list[str]],
    *,
    running: Callable[[], bool],
    record: Callable[[Chunk, list[RowOutcome], int], None],
) -> None:
    """Write `rows` in order, `CHUNK_SIZE` at a time, each chunk in one DML transaction with its results.

    `running` is asked before each chunk (False: stop, the rest stays unprocessed); `record` stores a
    chunk's outcomes inside the chunk's transaction, so records and results commit together or not at all.
    """
    for chunk in _chunks(enumerate(rows), CHUNK_SIZE):
        if not running():
            return
        started = time.monotonic()
        with org.dml.transaction():  # the DML service nests each row in a savepoint
            outcomes = [row_outcome(writer, cells) for _, cells in chunk]
            writer.purge_hard_deleted(outcomes)
            record(chunk, outcomes, int((time.monotonic() - started) * 1000))


def _chunks(items: Iterator[tuple[int, list[str]]], size: int) -> Iterator[Chunk]:
    while chunk := list(islice(items, size)):
        yield chunk


def row_outcome(writer: RowWriter, cells: Sequence[str]) -> RowOutcome:
    try:
        return writer.write(cells)
    except CellError as error:
        return RowOutcome.failure("INVALID_TYPE_ON_FIELD_IN_RECORD", str(error), (error.field.name,))


def _result(run: IngestRun, number: int, cells: Sequence[str], outcome: RowOutcome) -> jobs.ResultRow:
    return jobs.ResultRow(number, outcome.success, outcome.sf_id, outcome.text, run.dialect.line(cells))
