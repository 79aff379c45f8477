"""`sobjects/{Object}/updated` and `…/deleted`: ids changed or deleted between two datetimes (SystemModstamp)."""

from __future__ import annotations

import datetime as dt

from werkzeug.wrappers import Response

from sfsync.localorg import describe
from sfsync.localorg.api import ApiCall, ApiError, json_response
from sfsync.localorg.values import format_datetime, parse_datetime


def _window(call: ApiCall) -> tuple[str, str, str]:
    bounds = []
    for key in ("start", "end"):
        moment = parse_datetime(call.request.args.get(key, ""))
        if moment is None:
            message = f"{key} date is missing or invalid"
            raise ApiError(400, [{"errorCode": "INVALID_REPLICATION_DATE", "message": message}])
        bounds.append(moment)
    start, end = bounds
    if end < start:
        raise ApiError(400, [{"errorCode": "INVALID_REPLICATION_DATE", "message": "end date is before start date"}])
    # Salesforce covers whole minutes: the window ends at the minute of `end`, and never claims
    # to cover a minute that has not ended yet.
    upper = end.replace(second=0, microsecond=0)
    covered = min(upper, dt.datetime.now(dt.UTC).replace(second=0, microsecond=0))
    return format_datetime(start), format_datetime(upper), format_datetime(covered)


def updated(call: ApiCall) -> Response:
    spec = describe.readable_spec(call, call.args["sobject"])
    start, end, covered = _window(call)
    rows = call.org.connect().execute(
        f'SELECT "Id" FROM "{spec.name}" WHERE "SystemModstamp" >= ? AND "SystemModstamp" < ? AND "IsDeleted" = 0 '  # noqa: S608 - identifiers come from the catalog, values are bound
        'ORDER BY "SystemModstamp", "Id"',
        (start, end),
    )
    return json_response({"ids": [r[0] for r in rows], "latestDateCovered": covered})


def deleted(call: ApiCall) -> Response:
    spec = describe.readable_spec(call, call.args["sobject"])
    start, end, covered = _window(call)
    rows = call.org.connect().execute(
        f'SELECT "Id", "SystemModstamp" FROM "{spec.name}" WHERE "SystemModstamp" >= ? AND "SystemModstamp" < ? '  # noqa: S608 - identifiers come from the catalog, values are bound
        'AND "IsDeleted" = 1 ORDER BY "SystemModstamp", "Id"',
        (start, end),
    )
    earliest = format_datetime(dt.datetime.fromtimestamp(call.org.built_at, dt.UTC))
    return json_response(
        {
            "deletedRecords": [{"id": r[0], "deletedDate": r[1]} for r in rows],
            "earliestDateAvailable": earliest,
            "latestDateCovered": covered,
        }
    )
