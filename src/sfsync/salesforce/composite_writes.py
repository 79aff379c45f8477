"""Conditional updates: sObject Rows PATCH subrequests, 25 to a composite request, each guarded.

Each subrequest carries `If-Unmodified-Since` with the record's `LastModifiedDate` as apply's check
read it, so Salesforce itself refuses (412) an update of a record someone modified after that read:
no edit made between the check and the write is overwritten. A composite request is one API call;
`allOrNone` is off, so each record's answer is its own. The last request may carry reads after its
updates (the next chunk's check, carried_reads), in the room its updates leave.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from email.utils import format_datetime
from functools import partial
from typing import Any

from sfsync.salesforce import carried_reads
from sfsync.salesforce.api_calls import ApiCalls
from sfsync.salesforce.errors import error_details
from sfsync.salesforce.moments import salesforce_moment
from sfsync.salesforce.port import ErrorDetail, GuardedUpdate, Outcome, Record, WriteOptions, WriteResult
from sfsync.salesforce.soql import name as api_name
from sfsync.salesforce.write_requests import Read, Written
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
    api: ApiCalls,
    sobject: str,
    updates: Sequence[tuple[GuardedUpdate, Mapping[str, Any]]],
    options: WriteOptions,
    then: Sequence[Read] = (),
) -> Written:
    """`updates` (each with its typed body) in composite requests of `SUBREQUESTS`; results aligned with them.

    The last request carries the reads of `then` that fit in its room (carried_reads), after its updates.
    Never re-sent: a re-sent update that had committed would meet its own stamp and read as a conflict.
    """
    out: list[WriteResult] = []
    answers: dict[Read, list[Record | None]] = {}
    for start in range(0, len(updates), SUBREQUESTS):
        chunk = updates[start : start + SUBREQUESTS]
        last = start + SUBREQUESTS >= len(updates)
        asked = carried_reads.carried(api, then, len(chunk), 0) if last else []
        subrequests = [_subrequest(api, sobject, i, u, b, options) for i, (u, b) in enumerate(chunk)]
        body: dict[str, Any] = {"allOrNone": False, "compositeRequest": subrequests}
        if asked:  # run in order: the reads after every update
            body["collateSubrequests"] = False
            body["compositeRequest"] = [*subrequests, *(sub for item in asked for sub in item.subrequests)]
        send = partial(api.sf.restful, "composite", method="POST", json=body)
        seen: list[Any] = []

        def read(answer: Any, size: int, seen: list[Any] = seen) -> list[WriteResult]:
            seen.append(answer)
            return _composite_results(answer, size)

        out.extend(send_once(api, "composite_update", send, len(chunk), read))
        if asked and seen:
            answers.update(carried_reads.answers(api, asked, seen[0]))
    return Written(out, answers)


def _subrequest(
    api: ApiCalls, sobject: str, index: int, update: GuardedUpdate, body: Mapping[str, Any], options: WriteOptions
) -> dict[str, Any]:
    headers = {"If-Unmodified-Since": http_date(update.unmodified_since)}
    if options.allow_save:
        headers[_DUPLICATE_HEADER] = "allowSave=true"
    url = f"/services/data/v{api.sf.sf_version}/sobjects/{api_name(sobject)}/{update.id}"
    return {"method": "PATCH", "url": url, "referenceId": f"u{index}", "body": dict(body), "httpHeaders": headers}


def _composite_results(answer: Any, size: int) -> list[WriteResult]:
    """The updates' answers, by reference (the reads' answers after them are not theirs)."""
    answers = answer.get("compositeResponse") if isinstance(answer, Mapping) else None
    by_reference = {item.get("referenceId"): item for item in answers or [] if isinstance(item, Mapping)}
    found = [by_reference.get(f"u{index}") for index in range(size)]
    return [subrequest_result(item) if item is not None else WriteResult(Outcome.UNKNOWN) for item in found]


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
