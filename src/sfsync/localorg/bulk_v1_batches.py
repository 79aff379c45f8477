"""Bulk API 1.0 ingest batches: an uploaded CSV or JSON batch written row by row, and its results.

A batch's rows go through Bulk API 2.0's row writer and chunked write path (`bulk_ingest`), so
they meet the same validation, duplicate rules and permissions as every other write. A CSV batch is
read as Bulk API 2.0 reads a CSV upload (comma, either line ending: Bulk API 1.0 has no
`lineEnding`). A JSON batch is an array of records; each becomes the CSV row it stands for: a key
missing is an empty cell ("not given"), `null` is `#N/A` (set to null), a nested
`{"Account": {"Ext__c": "x"}}` is the `Account.Ext__c` column. A header the object does not have,
a body that cannot be read, or a delete batch with more than `Id` fails the batch with its
`InvalidBatch : …` state message; a row's error is that row's result.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator
from typing import Any

from sfsync.localorg import bulk_v1_jobs as v1
from sfsync.localorg.bulk_csv import NULL_MARKER, Dialect, result_file
from sfsync.localorg.bulk_ingest import Chunk, JobFailure, upload_columns, write_chunks
from sfsync.localorg.bulk_org import BulkOrg
from sfsync.localorg.bulk_rows import RowOutcome, RowWriter
from sfsync.localorg.permissions import User

log = logging.getLogger(__name__)
CSV = Dialect.of("COMMA", "LF")
RESULT_HEADER = ("Id", "Success", "Created", "Error")


def run_batch(org: BulkOrg, user: User, job: v1.Job, batch: v1.Batch) -> None:
    """Process one batch the runner has moved to InProgress, to Completed or Failed."""
    started = time.monotonic()
    try:
        header, rows = batch_rows(job, batch.body)
        writer = RowWriter(org, user, job, upload_columns(org.catalog, job, header))

        def record(chunk: Chunk, outcomes: list[RowOutcome], elapsed_ms: int) -> None:
            batch.outcomes.extend(outcomes)
            batch.processed += len(outcomes)
            batch.failed += sum(1 for outcome in outcomes if not outcome.success)

        write_chunks(writer, org, rows, running=lambda: True, record=record)
    except JobFailure as failure:
        _fail(batch, str(failure))
    except Exception as error:  # a batch's crash must not take the runner down
        log.error("bulk 1.0 batch failed", exc_info=error)
        _fail(batch, f"InternalServerError : {error}")
    else:
        batch.state = v1.COMPLETED
    finally:
        batch.milliseconds = int((time.monotonic() - started) * 1000)


def _fail(batch: v1.Batch, message: str) -> None:
    batch.outcomes, batch.processed, batch.failed = [], 0, 0
    batch.state_message, batch.state = message, v1.FAILED


def batch_rows(job: v1.Job, body: str) -> tuple[list[str], Iterator[list[str]]]:
    """The batch's header and rows of cells, as a CSV upload would give them."""
    if job.content_type == "JSON":
        return _json_rows(body)
    rows = CSV.rows(body.removeprefix("\ufeff"))
    header = next(rows, None)
    if not header:
        raise JobFailure("InvalidBatch : Records not processed")
    return header, rows


def _json_rows(body: str) -> tuple[list[str], Iterator[list[str]]]:
    try:
        records = json.loads(body)
    except (ValueError, RecursionError) as problem:
        raise JobFailure(f"InvalidBatch : Failed to parse the batch as JSON: {problem}") from problem
    if not isinstance(records, list) or not records or not all(isinstance(r, dict) for r in records):
        raise JobFailure("InvalidBatch : Records not processed: the batch is not a JSON array of records")
    flat = [_flat_record(record) for record in records]
    header = list(dict.fromkeys(name for record in flat for name in record))
    return header, iter([[record.get(name, "") for name in header] for record in flat])


def _flat_record(record: dict[str, Any]) -> dict[str, str]:
    cells: dict[str, str] = {}
    for name, value in record.items():
        if name == "attributes":
            continue
        if isinstance(value, dict):
            keys = [key for key in value if key != "attributes"]
            if len(keys) != 1 or isinstance(value[keys[0]], dict | list):
                raise JobFailure(f"InvalidBatch : {name}: a relationship names one external id field of its parent")
            cells[f"{name}.{keys[0]}"] = _cell(f"{name}.{keys[0]}", value[keys[0]])
        else:
            cells[name] = _cell(name, value)
    return cells


def _cell(name: str, value: Any) -> str:
    if value is None:
        return NULL_MARKER
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # 20.0 for a number field is 20, whatever the field's scale
    if isinstance(value, int | float | str):
        return str(value)
    raise JobFailure(f"InvalidBatch : {name}: a list is not a field value")


def results(job: v1.Job, batch: v1.Batch) -> tuple[bytes, str]:
    """A completed ingest batch's results (one per row, in order) and their content type."""
    if job.content_type == "JSON":
        return json.dumps([_json_result(outcome) for outcome in batch.outcomes]).encode(), "application/json"
    rows = (_csv_result(outcome) for outcome in batch.outcomes)
    return result_file(RESULT_HEADER, rows, CSV, quote_all=True).encode(), "text/csv; charset=UTF-8"


def _created(outcome: RowOutcome) -> bool:
    return outcome.success and outcome.text == "true"


def _csv_result(outcome: RowOutcome) -> tuple[str, str, str, str]:
    error = "" if outcome.success else outcome.text
    return outcome.sf_id, str(outcome.success).lower(), str(_created(outcome)).lower(), error


def _json_result(outcome: RowOutcome) -> dict[str, Any]:
    errors = []
    if outcome.error is not None:
        code, message, fields = outcome.error
        errors.append({"statusCode": code, "message": message, "fields": list(fields)})
    return {"success": outcome.success, "created": _created(outcome), "id": outcome.sf_id or None, "errors": errors}
