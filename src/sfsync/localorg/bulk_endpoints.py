"""What the ingest and query job endpoints share: a new job stored from its create request, and the
caller's own jobs (found, listed, shown, deleted). Another user's job does not exist: it answers 404.
"""

from __future__ import annotations

from typing import Any

from werkzeug.wrappers import Response

from sfsync.localorg import bulk_jobs as jobs
from sfsync.localorg.api import ApiCall
from sfsync.localorg.bulk_json import error_response, job_json, job_list, json_response, not_found


def store_new_job(
    call: ApiCall,
    body: dict[str, Any],
    job_type: str,
    operation: str,
    sobject: str,
    *,
    external_id_field: str | None = None,
    query: str | None = None,
) -> jobs.Job:
    """Create the caller's job with the request's CSV format, and store it."""
    job = jobs.new_job(
        *(jobs.new_job_id(), job_type, operation, sobject),
        user_id=call.user.id,
        api_version=call.api_version,
        column_delimiter=str(body.get("columnDelimiter", "COMMA")),
        line_ending=str(body.get("lineEnding", "LF")),
        external_id_field=external_id_field,
        query=query,
    )
    conn = call.org.connect()
    jobs.ensure_schema(conn)
    jobs.insert_job(conn, job)
    return job


def owned_job(call: ApiCall, job_type: str) -> jobs.Job | None:
    """The job named in the URL if the caller created it (a stranger's job does not exist)."""
    conn = call.org.connect()
    jobs.ensure_schema(conn)
    return jobs.owned_job(conn, call.args["job_id"], job_type, call.user.id)


def list_jobs(call: ApiCall, job_type: str) -> Response:
    """The caller's jobs, narrowed by `jobType`, `concurrencyMode` and `isPkChunkingEnabled` as Salesforce's
    list is: every job here is Parallel and none is PK-chunked. The list is one page, so no `queryLocator`."""
    args = call.request.args
    if "queryLocator" in args:
        return error_response(400, "INVALIDREQUEST", f"Invalid query locator: {args['queryLocator']}")
    conn = call.org.connect()
    jobs.ensure_schema(conn)
    found = jobs.user_jobs(conn, job_type, call.user.id)
    kept = args.get("jobType", job_type) == job_type and args.get("concurrencyMode", "Parallel") == "Parallel"
    kept = kept and args.get("isPkChunkingEnabled", "false").lower() == "false"
    return json_response(job_list(found if kept else []))


def get_job(call: ApiCall, job_type: str) -> Response:
    job = owned_job(call, job_type)
    return json_response(job_json(job, full=True)) if job else not_found()


def delete_job(call: ApiCall, job_type: str) -> Response:
    job = owned_job(call, job_type)
    if job is None:
        return not_found()
    if job.state not in (jobs.UPLOAD_COMPLETE, *jobs.FINISHED_STATES):
        return error_response(400, "INVALIDJOBSTATE", f"Job {job.id} cannot be deleted in the {job.state} state")
    conn = call.org.connect()
    with jobs.writing(conn, call.org.write_lock):
        jobs.delete_job(conn, job.id)
    return Response(status=204)
