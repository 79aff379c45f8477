"""Running an ingest job: the uploaded CSV's rows through the DML service, in chunks.

Columns are mapped by header (any order, case-insensitive); a `Rel.ExtField` header sets the lookup
`Rel` by the parent's external id. A job's rows commit in chunks of `CHUNK_SIZE` rows (one DML
transaction each, like Salesforce's internal batches, with their result rows); a failing row fails alone. Between chunks
the job's state is re-read so an abort stops the run, leaving the rest unprocessed.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import islice

from sfsync.localorg import bulk_jobs as jobs
from sfsync.localorg.bulk_csv import CellError, Dialect, upload_line_ending_ok
from sfsync.localorg.bulk_org import BulkOrg
from sfsync.localorg.bulk_rows import Column, RowOutcome, RowWriter, resolve_columns
from sfsync.localorg.permissions import User

CHUNK_SIZE = 200


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
    spec = org.catalog.get(job.object)
    if spec is None:
        raise JobFailure(f"InvalidBatch : Entity '{job.object}' is not supported by the Bulk API.")
    columns, problem = resolve_columns(org.catalog, spec, header)
    if problem:
        raise JobFailure(f"InvalidBatch : {problem}")
    if job.operation in ("delete", "hardDelete") and [c.header for c in columns] != ["Id"]:
        raise JobFailure(f"InvalidBatch : The '{job.operation}' batch must contain only 'Id'")
    return IngestRun(org, user, job, dialect, tuple(columns)), rows


def _process(conn: sqlite3.Connection, run: IngestRun, rows: Iterator[list[str]]) -> None:
    writer = RowWriter(run.org, run.user, run.job, run.columns)
    for chunk in _chunks(enumerate(rows), CHUNK_SIZE):
        current = jobs.load_job(conn, run.job.id)
        if current is None or current.state != jobs.IN_PROGRESS:
            return  # aborted (or deleted) while running: the rest stays unprocessed
        started = time.monotonic()
        # one transaction per chunk (the DML service nests each row in a savepoint), results included,
        # so a chunk's records and their result rows are committed together or not at all
        with run.org.dml.transaction():
            outcomes = [_outcome(writer, cells) for _, cells in chunk]
            writer.purge_hard_deleted(outcomes)
            pairs = zip(chunk, outcomes, strict=True)
            results = [_result(run, number, cells, outcome) for (number, cells), outcome in pairs]
            jobs.record_results(conn, run.job.id, results, int((time.monotonic() - started) * 1000))


def _chunks(items: Iterator[tuple[int, list[str]]], size: int) -> Iterator[list[tuple[int, list[str]]]]:
    while chunk := list(islice(items, size)):
        yield chunk


def _outcome(writer: RowWriter, cells: Sequence[str]) -> RowOutcome:
    try:
        return writer.write(cells)
    except CellError as error:
        return RowOutcome.failure("INVALID_TYPE_ON_FIELD_IN_RECORD", str(error), (error.field.name,))


def _result(run: IngestRun, number: int, cells: Sequence[str], outcome: RowOutcome) -> jobs.ResultRow:
    return jobs.ResultRow(number, outcome.success, outcome.sf_id, outcome.text, run.dialect.line(cells))
