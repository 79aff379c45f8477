"""Bulk API 1.0 query batches: the SOQL run when the batch is added, its result kept with the batch.

A CSV job's result is Bulk's CSV (every value quoted; `Records not found for this query` when the
query matched nothing). A JSON job's result is an array of records shaped as REST's, except that
date and datetime values are numbers of milliseconds since 1970-01-01 UTC, as Salesforce's Bulk API
1.0 writes them in JSON (simple-salesforce issue 290: `'CreatedDate': 1546659665000`). A query the
query service refuses fails the batch with `InvalidBatch : Failed to process query: CODE: message`.
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from sfsync.localorg import bulk_v1_jobs as v1
from sfsync.localorg.bulk_csv import Dialect, result_file
from sfsync.localorg.catalog import Catalog, ObjectSpec
from sfsync.localorg.org import Org
from sfsync.localorg.permissions import User
from sfsync.localorg.values import parse_datetime

NO_RECORDS = b"Records not found for this query"
PAGE = 2000
_CSV = Dialect.of("COMMA", "LF")
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def run_query(org: Org, user: User, job: v1.Job, batch: v1.Batch) -> None:
    started = time.monotonic()
    access, deleted = org.access_for(user), job.operation == "queryAll"
    try:
        header, rows = org.queries.bulk_rows(batch.body, access=access, include_deleted=deleted)
        lines = list(rows)  # also checks what Bulk refuses (aggregates, subqueries) for JSON jobs
        records = _records(org, user, job, batch.body) if job.content_type == "JSON" else None
    except Exception as error:
        code = getattr(error, "error_code", None)
        if code is None:
            raise
        batch.state_message = f"InvalidBatch : Failed to process query: {code}: {getattr(error, 'message', error)}"
        batch.state = v1.FAILED
        return
    org.note("read", user.username, job.object, ["*"])
    batch.processed = len(lines)
    if records is not None:
        batch.records = records
    else:
        batch.result = result_file(header, lines, _CSV, quote_all=True).encode() if lines else NO_RECORDS
    batch.milliseconds = int((time.monotonic() - started) * 1000)
    batch.state = v1.COMPLETED


def _records(org: Org, user: User, job: v1.Job, soql: str) -> list[dict[str, Any]]:
    access, version = org.access_for(user), job.api_version
    page = org.queries.query(
        soql, access=access, api_version=version, include_deleted=job.operation == "queryAll", batch_size=PAGE
    )
    records = list(page.records)
    while page.next_records_url:
        locator = page.next_records_url.rstrip("/").rpartition("/")[2]
        page = org.queries.query_more(locator, access=access, api_version=version)
        records.extend(page.records)
    for record in records:
        _epoch_dates(org.catalog, record)
    return records


def _epoch_dates(catalog: Catalog, record: dict[str, Any]) -> None:
    """Dates and datetimes as Bulk 1.0's JSON gives them: milliseconds since the epoch (UTC)."""
    spec: ObjectSpec | None = catalog.get(str((record.get("attributes") or {}).get("type", "")))
    for name, value in record.items():
        if isinstance(value, dict) and "attributes" in value:
            _epoch_dates(catalog, value)
            continue
        field = spec.field(name) if spec is not None else None
        if field is None or not isinstance(value, str) or field.type not in ("date", "datetime"):
            continue
        moment = parse_datetime(value) if field.type == "datetime" else _midnight(value)
        if moment is not None:
            record[name] = int((moment - _EPOCH).total_seconds() * 1000)


def _midnight(text: str) -> dt.datetime | None:
    try:
        return dt.datetime.combine(dt.date.fromisoformat(text), dt.time(), tzinfo=dt.UTC)
    except ValueError:
        return None
