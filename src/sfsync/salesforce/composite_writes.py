"""Conditional updates: sObject Rows PATCH subrequests, 25 to a composite request, each guarded.

Each subrequest carries `If-Unmodified-Since` with the record's `LastModifiedDate` as apply's check
read it, so Salesforce itself refuses (412) an update of a record someone modified after that read:
no edit made between the check and the write is overwritten. A composite request is one API call;
`allOrNone` is off, so each record's answer is its own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from email.utils import format_datetime
from functools import partial
from typing import Any

from sfsync.salesforce import results
from sfsync.salesforce.api_calls import ApiCalls
from sfsync.salesforce.errors import error_details
from sfsync.salesforce.moments import salesforce_moment
from sfsync.salesforce.port import ErrorDetail, GuardedUpdate, Outcome, WriteOptions, WriteResult
from sfsync.salesforce.soql import name as api_name
from sfsync.salesforce.writes import send_once

SUBREQUESTS = 25
_PRECONDITION_FAILED = 412
_DUPLICATE_HEADER = "Sforce-Duplicate-Rule-Header"


def http_date(stamp: str) -> str:
    """A Salesforce datetime (`2026-01-02T03:04:05.000+0000`) as an HTTP date (`Fri, 02 Jan 2026 03:04:05 GMT`)."""
    moment = salesforce_moment(stamp)
    if moment is None:
        raise ValueError(f"not a Salesforce datetime: {stamp!r}")
    return format_datetime(moment.astimezone(dt.UTC), usegmt=True)


def guarded_updates(
    api: ApiCalls, sobject: str, updates: Sequence[tuple[GuardedUpdate, Mapping[str, Any]]], options: WriteOptions
) -> list[WriteResult]:
    """`updates` (each with its typed body) in composite requests of `SUBREQUESTS`; results aligned with them.

    Never re-sent: a re-sent update that had committed would meet its own stamp and read as a conflict.
    """
    out: list[WriteResult] = []
    for start in range(0, len(updates), SUBREQUESTS):
        chunk = updates[start : start + SUBREQUESTS]
        body = {
            "allOrNone": False,
            "compositeRequest": [_subrequest(api, sobject, i, u, b, options) for i, (u, b) in enumerate(chunk)],
        }
        send = partial(api.sf.restful, "composite", method="POST", json=body)
        out.extend(send_once(api, "composite_update", send, len(chunk), _composite_results))
    return out


def _subrequest(
    api: ApiCalls, sobject: str, index: int, update: GuardedUpdate, body: Mapping[str, Any], options: WriteOptions
) -> dict[str, Any]:
    headers = {"If-Unmodified-Since": http_date(update.unmodified_since)}
    if options.allow_save:
        headers[_DUPLICATE_HEADER] = "allowSave=true"
    url = f"/services/data/v{api.sf.sf_version}/sobjects/{api_name(sobject)}/{update.id}"
    return {"method": "PATCH", "url": url, "referenceId": f"u{index}", "body": dict(body), "httpHeaders": headers}


def _composite_results(answer: Any, size: int) -> list[WriteResult]:
    answers = answer.get("compositeResponse") if isinstance(answer, Mapping) else None
    found = [subrequest_result(item) for item in answers or [] if isinstance(item, Mapping)]
    return found[:size] + results.unknown(size - len(found[:size]))


def subrequest_result(item: Mapping[str, Any]) -> WriteResult:
    """One subrequest's answer: 2xx written, 412 modified since its guard, 5xx unknown, else rejected."""
    status = int(item.get("httpStatusCode") or 0)
    body = item.get("body")
    if 200 <= status < 300:
        return WriteResult(Outcome.OK)
    errors = error_details(body) if isinstance(body, list) else ()
    if status == _PRECONDITION_FAILED:
        return WriteResult(Outcome.MODIFIED, errors=errors)
    if status >= 500 or status == 0:
        return WriteResult(Outcome.UNKNOWN, errors=errors)
    return WriteResult(Outcome.REJECTED, errors=errors or (ErrorDetail("UNKNOWN_EXCEPTION", f"HTTP {status}"),))
