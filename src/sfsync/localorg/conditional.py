"""Conditional request headers on sObject Rows, as Salesforce documents them.

Weak validation against the record's `LastModifiedDate` (whole seconds): `If-Unmodified-Since` refuses
a PATCH (or answers a GET) with 412 Precondition Failed when the record was modified after the date;
`If-Modified-Since` answers a GET with 304 Not Modified when it was not. An invalid `If-Unmodified-Since`
on a PATCH is 400 Bad Request; an invalid `If-Modified-Since` is ignored, as HTTP says. The check and
the update run in one transaction, under the org's write lock, so no write slips between them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from email.utils import parsedate_to_datetime

from werkzeug.wrappers import Response

from sfsync.localorg import describe
from sfsync.localorg.api import ApiCall, ApiError, Handler
from sfsync.localorg.ids import normalize
from sfsync.localorg.shapes import fetch_rows
from sfsync.localorg.values import parse_datetime

UNMODIFIED_SINCE = "If-Unmodified-Since"
MODIFIED_SINCE = "If-Modified-Since"
PRECONDITION_FAILED = [{"errorCode": "PRECONDITION_FAILED", "message": "The requested resource has been modified."}]


def _http_date(text: str) -> dt.datetime | None:
    try:
        moment = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _last_modified(call: ApiCall) -> dt.datetime | None:
    """The target record's `LastModifiedDate`, or None when there is none to compare (the handler answers)."""
    spec = describe.readable_spec(call, call.args["sobject"])
    record_id = normalize(call.args["record_id"])
    row = fetch_rows(call.org.connect(), spec, [record_id]).get(record_id) if record_id else None
    stamp = row.get("LastModifiedDate") if row else None
    return parse_datetime(str(stamp)) if stamp else None


def _refusal(call: ApiCall, writing: bool) -> Response | None:
    """The answer the preconditions give instead of the handler's, if any."""
    unmodified = call.request.headers.get(UNMODIFIED_SINCE)
    modified = call.request.headers.get(MODIFIED_SINCE)
    if unmodified is None and (modified is None or writing):
        return None
    guard = _http_date(unmodified) if unmodified is not None else None
    if unmodified is not None and guard is None:
        if writing:
            message = f"Invalid {UNMODIFIED_SINCE} header: {unmodified}"
            raise ApiError(400, [{"errorCode": "INVALID_HEADER_TYPE", "message": message}])
        unmodified = None  # a GET ignores a date it cannot read
    last = _last_modified(call)
    if last is None:
        return None
    if guard is not None and last > guard:
        raise ApiError(412, PRECONDITION_FAILED)
    since = _http_date(modified) if modified is not None and not writing else None
    if since is not None and last <= since:
        return Response(status=304)
    return None


def on_rows(handler: Handler, *, writing: bool) -> Callable[[ApiCall], Response]:
    """`handler` behind the conditional headers; a write checks and writes in one transaction."""

    def conditional(call: ApiCall) -> Response:
        if not writing:
            return _refusal(call, writing) or handler(call)
        with call.org.dml.transaction():
            return _refusal(call, writing) or handler(call)

    return conditional
