"""The JSON Bulk API 2.0 answers with: job info (short on create/patch, full on GET), lists, errors."""

from __future__ import annotations

import json
import re
from typing import Any

from werkzeug.wrappers import Request, Response

from sfsync.localorg import bulk_jobs as jobs
from sfsync.localorg.bulk_csv import DELIMITERS, LINE_ENDINGS

JSON_TYPE = "application/json;charset=UTF-8"
CSV_TYPE = "text/csv"


def json_response(body: Any, status: int = 200) -> Response:
    return Response(json.dumps(body), status=status, content_type=JSON_TYPE)


def error_response(status: int, code: str, message: str) -> Response:
    return json_response([{"errorCode": code, "message": message}], status)


def not_found() -> Response:
    return error_response(404, "NOT_FOUND", "The requested resource does not exist")


def job_json(job: jobs.Job, *, full: bool) -> dict[str, Any]:
    """Job info: the creation shape, plus counters and timings when `full` (GET)."""
    body: dict[str, Any] = {
        "id": job.id,
        "operation": job.operation,
        "object": job.object,
        "createdById": job.created_by_id,
        "createdDate": job.created_date,
        "systemModstamp": job.system_modstamp,
        "state": job.state,
    }
    if job.external_id_field:
        body["externalIdFieldName"] = job.external_id_field
    body |= {"concurrencyMode": "Parallel", "contentType": "CSV", "apiVersion": float(job.api_version)}
    if not job.is_query and not full:
        body["contentUrl"] = f"services/data/v{job.api_version}/jobs/ingest/{job.id}/batches"
    body |= {"lineEnding": job.line_ending, "columnDelimiter": job.column_delimiter}
    if full:
        body |= _counters(job)
    return body


def _counters(job: jobs.Job) -> dict[str, Any]:
    counters: dict[str, Any] = {"jobType": job.job_type, "numberRecordsProcessed": job.processed}
    if not job.is_query:
        counters["numberRecordsFailed"] = job.failed
    counters |= {"retries": 0, "totalProcessingTime": job.processing_ms}
    if job.is_query:
        counters["isPkChunkingSupported"] = False
    else:
        counters |= {"apiActiveProcessingTime": job.processing_ms, "apexProcessingTime": 0}
    if job.error_message:
        counters["errorMessage"] = job.error_message
    return counters


def job_list(found: list[jobs.Job]) -> dict[str, Any]:
    records = [job_json(job, full=False) | {"jobType": job.job_type} for job in found]
    return {"done": True, "records": records, "nextRecordsUrl": None}


def request_json(request: Request) -> dict[str, Any] | None:
    """The request's JSON object, or None when the body is not one."""
    try:
        body = json.loads(request.get_data(as_text=True) or "null")
    except (ValueError, RecursionError):  # RecursionError: nested deeper than the decoder follows
        return None
    return body if isinstance(body, dict) else None


def format_problem(body: dict[str, Any]) -> str | None:
    """What is wrong with a job's `columnDelimiter`, `lineEnding` or `contentType`, if anything."""
    if body.get("columnDelimiter", "COMMA") not in DELIMITERS:
        return f"InvalidJob : Invalid column delimiter: {body.get('columnDelimiter')}"
    if body.get("lineEnding", "LF") not in LINE_ENDINGS:
        return f"InvalidJob : Invalid line ending: {body.get('lineEnding')}"
    if body.get("contentType", "CSV") != "CSV":
        return f"InvalidJob : Invalid content type: {body.get('contentType')}"
    return None


_FROM = re.compile(r"\bFROM\s+([A-Za-z_][A-Za-z0-9_]*)", re.IGNORECASE)


def query_object(soql: str) -> str:
    """The queried object's name as written (the query service has already checked it exists)."""
    flat, previous = soql, ""
    while flat != previous:  # drop subqueries, innermost first: their FROM names a child relationship
        previous, flat = flat, re.sub(r"\([^()]*\)", "", flat)
    match = _FROM.search(flat)
    return match.group(1) if match else ""
