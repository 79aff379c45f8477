"""Bulk API 2.0 query jobs over HTTP.

`POST jobs/query` checks the SOQL at once (a bad query is a 400 with the query service's error) and
queues the job; the worker stores every row as a finished CSV line. Results are paged with
`maxRecords` and an opaque `locator` (base64 of the next row's offset, as Salesforce's look);
`Sforce-Locator` is `null` on the last page and `Sforce-NumberOfRecords` counts the page's rows.
"""

from __future__ import annotations

import base64
import binascii
from functools import partial

from werkzeug.wrappers import Response

from sfsync.localorg import bulk_jobs as jobs
from sfsync.localorg.api import ApiCall, Handler
from sfsync.localorg.bulk_csv import Dialect
from sfsync.localorg.bulk_endpoints import delete_job, get_job, list_jobs, owned_job, store_new_job
from sfsync.localorg.bulk_json import (
    CSV_TYPE,
    error_response,
    format_problem,
    job_json,
    json_response,
    not_found,
    query_object,
    request_json,
)
from sfsync.localorg.bulk_worker import worker_for

OPERATIONS = frozenset({"query", "queryAll"})


def query_routes() -> list[tuple[str, str, str, Handler]]:
    return [
        ("jobs/query", "bulk.query.create", "POST", create_job),
        ("jobs/query", "bulk.query.list", "GET", partial(list_jobs, job_type=jobs.QUERY)),
        ("jobs/query/<job_id>", "bulk.query.get", "GET", partial(get_job, job_type=jobs.QUERY)),
        ("jobs/query/<job_id>", "bulk.query.patch", "PATCH", patch_job),
        ("jobs/query/<job_id>", "bulk.query.delete", "DELETE", partial(delete_job, job_type=jobs.QUERY)),
        ("jobs/query/<job_id>/results", "bulk.query.results", "GET", results),
    ]


def create_job(call: ApiCall) -> Response:
    body = request_json(call.request)
    if body is None:
        return error_response(400, "JSON_PARSER_ERROR", "The request body is not a JSON object")
    operation, soql = body.get("operation"), str(body.get("query") or "")
    if operation not in OPERATIONS:
        return error_response(400, "INVALIDJOB", f"InvalidJob : Invalid operation: {operation}")
    problem = format_problem(body)
    if problem is not None:
        return error_response(400, "INVALIDJOB", problem)
    refusal = _soql_refusal(call, soql, include_deleted=operation == "queryAll")
    if refusal is not None:
        return refusal
    spec = call.org.catalog.get(query_object(soql))
    sobject = spec.name if spec else query_object(soql)
    job = store_new_job(call, body, jobs.QUERY, str(operation), sobject, query=soql)
    worker_for(call.org).submit(job.id, call.user)
    return json_response(job_json(job, full=False))


def _soql_refusal(call: ApiCall, soql: str, *, include_deleted: bool) -> Response | None:
    """The query service's error for a query it cannot run (400); no row is read here."""
    try:
        _, rows = call.org.queries.bulk_rows(soql, access=call.access, include_deleted=include_deleted)
    except Exception as error:
        code = getattr(error, "error_code", None)
        if code is None:
            raise
        return error_response(400, str(code), str(getattr(error, "message", error)))
    close = getattr(rows, "close", None)
    if close is not None:
        close()
    return None


def patch_job(call: ApiCall) -> Response:
    job = owned_job(call, jobs.QUERY)
    if job is None:
        return not_found()
    state = (request_json(call.request) or {}).get("state")
    conn = call.org.connect()
    if state != jobs.ABORTED or not jobs.set_state(conn, job.id, state, only_from=jobs.ABORTABLE_STATES):
        return error_response(400, "INVALIDJOBSTATE", f"Invalid state transition from {job.state} to {state}")
    return json_response(job_json(jobs.load_job(conn, job.id) or job, full=False))


def results(call: ApiCall) -> Response:
    job = owned_job(call, jobs.QUERY)
    if job is None:
        return not_found()
    if job.state != jobs.JOB_COMPLETE:
        return error_response(400, "INVALIDJOBSTATE", f"Job {job.id} is not complete: its state is {job.state}")
    offset = locator_offset(call.request.args.get("locator", ""))
    limit = _max_records(call.request.args.get("maxRecords", ""))
    if offset is None or limit is None:
        return error_response(400, "INVALIDREQUEST", "Invalid locator or maxRecords")
    header, lines = jobs.query_page(call.org.connect(), job.id, offset, limit or max(job.processed, 1))
    dialect = Dialect.of(job.column_delimiter, job.line_ending)
    following = offset + len(lines)
    headers = {
        "Sforce-NumberOfRecords": str(len(lines)),
        "Sforce-Locator": make_locator(following) if following < job.processed else "null",
    }
    body = "".join(line + dialect.line_ending for line in (header, *lines))
    return Response(body, content_type=CSV_TYPE, headers=headers)


def make_locator(offset: int) -> str:
    return base64.b64encode(str(offset).encode()).decode().rstrip("=")


def locator_offset(locator: str) -> int | None:
    """The row offset a locator stands for (0 when absent); None for a locator this org never gave."""
    if locator in ("", "null"):
        return 0
    try:
        text = base64.b64decode(locator + "=" * (-len(locator) % 4), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        return None
    return int(text) if text.isdigit() else None


def _max_records(text: str) -> int | None:
    """maxRecords (0 = no limit when absent); None when it is not a positive number."""
    if not text:
        return 0
    return int(text) if text.isdigit() and int(text) > 0 else None
