"""Bulk API 2.0 over HTTP: ingest jobs here, query jobs in `bulk_query`; `routes` mounts both.

Ingest: create (Open) → one CSV upload (`PUT …/batches`, answered with exactly 201) →
`UploadComplete` → the org's worker runs it (InProgress → JobComplete/Failed) → result CSVs.
Another user's job answers 404, as if it did not exist.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from werkzeug.wrappers import Response

from sfsync.localorg import bulk_jobs as jobs
from sfsync.localorg import bulk_query
from sfsync.localorg.api import ApiCall, Handler
from sfsync.localorg.bulk_csv import Dialect, ingest_result_file
from sfsync.localorg.bulk_endpoints import delete_job, get_job, list_jobs, owned_job, store_new_job
from sfsync.localorg.bulk_json import (
    CSV_TYPE,
    error_response,
    format_problem,
    job_json,
    json_response,
    not_found,
    request_json,
)
from sfsync.localorg.bulk_org import BulkOrg
from sfsync.localorg.bulk_worker import worker_for
from sfsync.localorg.router import Router

OPERATIONS = frozenset({"insert", "update", "upsert", "delete", "hardDelete"})


def routes(router: Router) -> None:
    """Mount every Bulk API 2.0 route (the app's extension hook); endpoint names start with `bulk.`."""
    routes: list[tuple[str, str, str, Handler]] = [
        ("jobs/ingest", "bulk.ingest.create", "POST", create_job),
        ("jobs/ingest", "bulk.ingest.list", "GET", partial(list_jobs, job_type=jobs.INGEST)),
        ("jobs/ingest/<job_id>", "bulk.ingest.get", "GET", partial(get_job, job_type=jobs.INGEST)),
        ("jobs/ingest/<job_id>", "bulk.ingest.patch", "PATCH", patch_job),
        ("jobs/ingest/<job_id>", "bulk.ingest.delete", "DELETE", partial(delete_job, job_type=jobs.INGEST)),
        ("jobs/ingest/<job_id>/batches", "bulk.ingest.upload", "PUT", upload),
        ("jobs/ingest/<job_id>/successfulResults", "bulk.ingest.successful", "GET", successful_results),
        ("jobs/ingest/<job_id>/failedResults", "bulk.ingest.failed", "GET", failed_results),
        # simple-salesforce asks for `unprocessedRecords`, the documentation and jsforce for `unprocessedrecords`
        ("jobs/ingest/<job_id>/unprocessedRecords", "bulk.ingest.unprocessed", "GET", unprocessed_records),
        ("jobs/ingest/<job_id>/unprocessedrecords", "bulk.ingest.unprocessed", "GET", unprocessed_records),
        *bulk_query.query_routes(),
    ]
    for path, endpoint, method, handler in routes:
        router.add(path, endpoint, handler, [method])


def create_job(call: ApiCall) -> Response:
    body = request_json(call.request)
    if body is None:
        return error_response(400, "JSON_PARSER_ERROR", "The request body is not a JSON object")
    operation, sobject = body.get("operation"), str(body.get("object") or "")
    if operation not in OPERATIONS:
        return error_response(400, "INVALIDJOB", f"InvalidJob : Invalid operation: {operation}")
    spec = call.org.catalog.get(sobject)
    if spec is None or not call.access.can_read_object(spec.name):
        return error_response(400, "INVALIDJOB", f"InvalidJob : Entity '{sobject}' is not supported by the Bulk API.")
    external = external_id_field(call.org, spec.name, body) if operation == "upsert" else None
    problem = format_problem(body)
    if problem is None and operation == "upsert" and external is None:
        problem = bad_external_id(body, spec.name)
    if problem is not None:
        return error_response(400, "INVALIDJOB", problem)
    job = store_new_job(call, body, jobs.INGEST, str(operation), spec.name, external_id_field=external)
    return json_response(job_json(job, full=False))


def external_id_field(org: BulkOrg, sobject: str, body: dict[str, Any]) -> str | None:
    spec = org.catalog.get(sobject)
    field = spec.field(str(body.get("externalIdFieldName") or "")) if spec else None
    if field is None or not (field.name == "Id" or field.flag("externalId") or field.flag("idLookup")):
        return None
    return field.name


def bad_external_id(body: dict[str, Any], sobject: str) -> str:
    name = body.get("externalIdFieldName")
    return (
        f"InvalidJob : Field name provided, {name} does not match an External ID, Salesforce Id, "
        f"or indexed field for {sobject}"
    )


def upload(call: ApiCall) -> Response:
    job = owned_job(call, jobs.INGEST)
    if job is None:
        return not_found()
    if job.state != jobs.OPEN:
        return error_response(409, "INVALIDJOBSTATE", f"Job {job.id} is not in the Open state")
    data = call.request.get_data(as_text=True).removeprefix("\ufeff")
    if not jobs.store_upload(call.org.connect(), job.id, data):
        return error_response(
            400,
            "INVALIDJOBSTATE",
            f"Found multiple contents for job: <{job.id}>, please 'Close' / 'Abort' / 'Delete' the current Job "
            "then create a new Job and make sure you only do 'PUT' once on a given /contentUrl",
        )
    return Response(status=201)


def patch_job(call: ApiCall) -> Response:
    job = owned_job(call, jobs.INGEST)
    if job is None:
        return not_found()
    state = (request_json(call.request) or {}).get("state")
    conn = call.org.connect()
    closing = state == jobs.UPLOAD_COMPLETE and jobs.set_state(conn, job.id, state, only_from=[jobs.OPEN])
    aborting = state == jobs.ABORTED and jobs.set_state(conn, job.id, state, only_from=jobs.ABORTABLE_STATES)
    if not (closing or aborting):
        return error_response(400, "INVALIDJOBSTATE", f"Invalid state transition from {job.state} to {state}")
    answer = job_json(jobs.load_job(conn, job.id) or job, full=False)  # read before the worker moves it on
    if closing:
        worker_for(call.org).submit(job.id, call.user)
    return json_response(answer)


def successful_results(call: ApiCall) -> Response:
    return _results(call, success=True)


def failed_results(call: ApiCall) -> Response:
    return _results(call, success=False)


def _results(call: ApiCall, *, success: bool) -> Response:
    job = owned_job(call, jobs.INGEST)
    if job is None:
        return not_found()
    if job.state not in jobs.FINISHED_STATES:
        return error_response(400, "INVALIDJOBSTATE", f"Job {job.id} is not finished: its state is {job.state}")
    conn = call.org.connect()
    dialect = Dialect.of(job.column_delimiter, job.line_ending)
    header = next(dialect.rows(jobs.load_upload(conn, job.id)), [])
    columns = ("sf__Id", "sf__Created") if success else ("sf__Id", "sf__Error")
    rows = jobs.result_rows(conn, job.id, success=success)
    return Response(ingest_result_file(columns, dialect.line(header), rows, dialect), content_type=CSV_TYPE)


def unprocessed_records(call: ApiCall) -> Response:
    """The upload's rows the job never reached (all of them before it ran, the tail after an abort)."""
    job = owned_job(call, jobs.INGEST)
    if job is None:
        return not_found()
    dialect = Dialect.of(job.column_delimiter, job.line_ending)
    rows = dialect.rows(jobs.load_upload(call.org.connect(), job.id))
    header = next(rows, None)
    if header is None:
        return Response("", content_type=CSV_TYPE)
    remaining = [row for number, row in enumerate(rows) if number >= job.processed]
    body = "".join(dialect.line(row) + dialect.line_ending for row in (header, *remaining))
    return Response(body, content_type=CSV_TYPE)
