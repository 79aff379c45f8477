"""sObject Collections: up to 200 records per call; `allOrNone` rolls every record back on any failure.

Retrieve takes up to 2,000 ids by POST (Salesforce's limit); by GET the ids ride in the URL and stay
within the 200 of the other calls.

Per-record failures keep HTTP 200 and use `statusCode` (not `errorCode`). All records of one call
share one transaction, so a call commits once.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Callable
from typing import Any

from werkzeug.wrappers import Response

from sfsync.localorg import describe
from sfsync.localorg.api import ApiCall, ApiError, json_response
from sfsync.localorg.catalog import FieldSpec
from sfsync.localorg.ids import normalize
from sfsync.localorg.outcomes import ROLLED_BACK, DmlError, DmlResult
from sfsync.localorg.router import Router
from sfsync.localorg.shapes import fetch_rows, record_json

MAX_RECORDS = 200
MAX_RETRIEVE_IDS = 2000  # POST retrieve only
FORCE_ALL_OR_NONE = "sfsync.localorg.all_or_none"  # set on composite subrequests of an allOrNone request


def routes(router: Router) -> None:
    router.add("composite/sobjects", "rest.collections.create", create, ["POST"])
    router.add("composite/sobjects", "rest.collections.update", update, ["PATCH"])
    router.add("composite/sobjects", "rest.collections.delete", delete, ["DELETE"])
    router.add("composite/sobjects/<sobject>", "rest.collections.retrieve", retrieve, ["GET", "POST"])
    router.add("composite/sobjects/<sobject>/<field>", "rest.collections.upsert", upsert, ["PATCH"])


class _RolledBack(Exception):
    """Raised inside the transaction to undo an allOrNone call."""


def _limit(count: int, maximum: int = MAX_RECORDS) -> None:
    if count > maximum:
        message = f"record limit reached. cannot submit more than {maximum} records into this call"
        raise ApiError(400, [{"message": message, "errorCode": "EXCEEDED_ID_LIMIT"}])


def _records(call: ApiCall) -> tuple[bool, list[dict[str, Any]]]:
    body = call.json_body()
    if not isinstance(body, dict) or not isinstance(body.get("records"), list):
        raise ApiError(400, [{"errorCode": "JSON_PARSER_ERROR", "message": "Expected an object with records"}])
    _limit(len(body["records"]))
    return _all_or_none(call, body.get("allOrNone")), body["records"]


def _all_or_none(call: ApiCall, value: Any) -> bool:
    forced = bool(call.request.environ.get(FORCE_ALL_OR_NONE))
    return forced or value is True or str(value).lower() == "true"


def _run(
    call: ApiCall, count: int, all_or_none: bool, operation: Callable[[int], DmlResult], *, keep_ids: bool = False
) -> Response:
    results: list[DmlResult] = []
    try:
        with call.org.dml.transaction():
            results = [operation(i) for i in range(count)]
            if all_or_none and not all(r.success for r in results):
                raise _RolledBack
    except _RolledBack:
        results = [
            r if not r.success else DmlResult(r.id if keep_ids else None, False, (ROLLED_BACK,)) for r in results
        ]
    return json_response([r.collection_item() for r in results])


def _type_of(record: Any) -> str | None:
    attributes = record.get("attributes") if isinstance(record, dict) else None
    return str(attributes["type"]) if isinstance(attributes, dict) and attributes.get("type") else None


def _invalid(message: str) -> DmlResult:
    return DmlResult(None, False, (DmlError("INVALID_FIELD", message),))


def create(call: ApiCall) -> Response:
    all_or_none, records = _records(call)
    options = call.dml_options(all_or_none=all_or_none)

    def one(index: int) -> DmlResult:
        record = records[index]
        sobject = _type_of(record)
        if sobject is None:
            return _invalid("No SObject Type defined in the request")
        if record.get("id") or record.get("Id"):
            return DmlResult(None, False, (DmlError("INVALID_FIELD", "cannot specify Id in an insert call", ("Id",)),))
        return call.org.dml.create(call.user, sobject, record, options=options)

    return _run(call, len(records), all_or_none, one)


def update(call: ApiCall) -> Response:
    all_or_none, records = _records(call)
    options = call.dml_options(all_or_none=all_or_none)

    def one(index: int) -> DmlResult:
        record = records[index]
        sobject = _type_of(record)
        record_id = str(record.get("id") or record.get("Id") or "")
        if sobject is None:
            return _invalid("No SObject Type defined in the request")
        if not record_id:
            return DmlResult(None, False, (DmlError("MISSING_ARGUMENT", "Id not specified in an update call"),))
        values = {k: v for k, v in record.items() if k not in ("id", "Id")}
        result = call.org.dml.update(call.user, sobject, record_id, values, options=options)
        return result if result.success else DmlResult(normalize(record_id) or record_id, False, result.errors)

    return _run(call, len(records), all_or_none, one, keep_ids=True)


def upsert(call: ApiCall) -> Response:
    all_or_none, records = _records(call)
    spec = describe.readable_spec(call, call.args["sobject"])
    options = call.dml_options(all_or_none=all_or_none)
    field = call.args["field"]

    def key(record: Any) -> str | None:
        value = next((v for k, v in record.items() if k.lower() == field.lower()), None)
        return None if value is None or value == "" else str(value)

    repeated = _repeated([key(record) for record in records], spec.field(field))

    def one(index: int) -> DmlResult:
        record = records[index]
        value = key(record)
        if value is None and field.lower() == "id":
            # Salesforce's way to force a create in an upsert: the key field is Id and the record has none.
            values = {k: v for k, v in record.items() if k.lower() != "id"}
            created = call.org.dml.create(call.user, spec.name, values, options=options)
            return dataclasses.replace(created, created=True) if created.success else created
        if value is None:
            message = f"Field name provided, {field} is not an External ID or indexed field for {spec.name}"
            return DmlResult(None, False, (DmlError("MISSING_ARGUMENT", message, (field,)),))
        if _folded(value, spec.field(field)) in repeated:  # Salesforce fails every row of a repeated key
            message = f"Duplicate external id specified: {value}"
            return DmlResult(None, False, (DmlError("DUPLICATE_VALUE", message, ()),))
        return call.org.dml.upsert(call.user, spec.name, field, str(value), record, options=options)

    return _run(call, len(records), all_or_none, one)


def _folded(value: str, field: FieldSpec | None) -> str:
    return value if field is not None and field.flag("caseSensitive") else value.lower()


def _repeated(keys: list[str | None], field: FieldSpec | None) -> frozenset[str]:
    """External id values given more than once in one request (compared as the field compares them)."""
    counts = Counter(_folded(k, field) for k in keys if k is not None)
    return frozenset(k for k, n in counts.items() if n > 1)


def delete(call: ApiCall) -> Response:
    ids = [i for i in call.request.args.get("ids", "").split(",") if i]
    if not ids:
        raise ApiError(400, [{"message": "At least 1 Id is required.", "errorCode": "REQUIRED_FIELD_MISSING"}])
    _limit(len(ids))
    all_or_none = _all_or_none(call, call.request.args.get("allOrNone"))
    options = call.dml_options(all_or_none=all_or_none)

    def one(index: int) -> DmlResult:
        record_id = ids[index]
        spec = call.org.catalog.by_prefix(record_id[:3])
        if spec is None:
            return DmlResult(record_id, False, (DmlError("MALFORMED_ID", f"malformed id {record_id}"),))
        result = call.org.dml.delete(call.user, spec.name, record_id, options=options)
        return result if result.success else DmlResult(record_id, False, result.errors)

    return _run(call, len(ids), all_or_none, one, keep_ids=True)


def retrieve(call: ApiCall) -> Response:
    spec = describe.readable_spec(call, call.args["sobject"])
    if call.request.method == "POST":
        body = call.json_body() or {}
        ids, fields = list(body.get("ids") or []), list(body.get("fields") or [])
        _limit(len(ids), MAX_RETRIEVE_IDS)
    else:
        ids = [i for i in call.request.args.get("ids", "").split(",") if i]
        fields = [f for f in call.request.args.get("fields", "").split(",") if f]
        _limit(len(ids))
    visible = call.access.readable_fields(spec.name)
    names = []
    for raw in fields:
        field = spec.field(raw.strip())
        if field is None or field.name not in visible:
            raise ApiError(
                400, [{"errorCode": "INVALID_FIELD", "message": f"No such column '{raw}' on entity '{spec.name}'"}]
            )
        names.append(field.name)
    normal = [normalize(i) for i in ids]
    rows = fetch_rows(call.org.connect(), spec, [n for n in normal if n])
    call.org.note("read", call.user.username, spec.name, rows)
    records = [record_json(spec, rows[n], names, call.api_version) if n and n in rows else None for n in normal]
    return json_response(records)
