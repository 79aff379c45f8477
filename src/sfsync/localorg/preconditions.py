"""Conditional request headers on sObject Rows, as Salesforce documents them.

- `If-Modified-Since` (GET): 304 with no body when the record has not changed since the date.
- `If-Unmodified-Since` (GET, PATCH): 412 when the record has changed since the date.
- `ETag` (Account rows only, on GET), `If-Match` / `If-None-Match` (Account rows only): a hash of the
  record; `If-Match` with no matching tag is 412, `If-None-Match` with a matching tag is 304 on GET
  and 412 on PATCH.
- An invalid value of any of them is 400. Salesforce does not honour them on DELETE, nor does this org.

Dates have a second's resolution, like `LastModifiedDate`.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from werkzeug.http import parse_date
from werkzeug.wrappers import Request, Response

from sfsync.localorg.api import ApiError

ETAG_OBJECTS = frozenset({"Account"})
_STAMP = "%Y-%m-%dT%H:%M:%S.%f%z"


def etag(record: Mapping[str, Any]) -> str:
    """A strong tag of the record's values, in Salesforce's shape (`"<base64 hash>--gzip"`)."""
    digest = hashlib.sha256(json.dumps(record, sort_keys=True).encode()).digest()
    return f'"{base64.b64encode(digest).decode()}--gzip"'


def failed(request: Request, sobject: str, row: Mapping[str, Any], tag: str | None) -> Response | None:
    """The 304 or 412 a precondition of `request` gives for the stored `row`, or None to go on."""
    modified = datetime.strptime(str(row["LastModifiedDate"]), _STAMP).astimezone(UTC).replace(microsecond=0)
    reading = request.method in ("GET", "HEAD")
    since = _date(request, "If-Modified-Since")
    if reading and since is not None and modified <= since:
        return Response(status=304)
    unmodified = _date(request, "If-Unmodified-Since")
    if unmodified is not None and modified > unmodified:
        return _precondition_failed("If-Unmodified-Since")
    if sobject not in ETAG_OBJECTS or tag is None:
        return None
    match = _tags(request, "If-Match")
    if match is not None and tag not in match and "*" not in match:
        return _precondition_failed("If-Match")
    none_match = _tags(request, "If-None-Match")
    if none_match is not None and (tag in none_match or "*" in none_match):
        return Response(status=304) if reading else _precondition_failed("If-None-Match")
    return None


def _date(request: Request, header: str) -> datetime | None:
    raw = request.headers.get(header)
    if raw is None:
        return None
    parsed = parse_date(raw)
    if parsed is None:
        raise _invalid(header, raw)
    return parsed.astimezone(UTC)


def _tags(request: Request, header: str) -> list[str] | None:
    raw = request.headers.get(header)
    if raw is None:
        return None
    tags = [part.strip() for part in raw.split(",") if part.strip()]
    if not tags or any(t != "*" and not (len(t) > 1 and t.startswith('"') and t.endswith('"')) for t in tags):
        raise _invalid(header, raw)
    return tags


def _invalid(header: str, raw: str) -> ApiError:
    message = f"The value of the {header} header is invalid: {raw}"
    return ApiError(400, [{"errorCode": "INVALID_HEADER_VALUE", "message": message}])


def _precondition_failed(header: str) -> Response:
    from sfsync.localorg.api import error_response

    return error_response(412, "PRECONDITION_FAILED", f"The {header} precondition of this request was not met")
