"""sObject REST: describe, records by id and external id, create/update/upsert/delete, query, limits."""

from __future__ import annotations

from typing import Any

from werkzeug.wrappers import Response

from sfsync.localorg import describe, preconditions, replication
from sfsync.localorg.api import ApiCall, ApiError, dml_error, json_response
from sfsync.localorg.catalog import ObjectSpec
from sfsync.localorg.ids import normalize
from sfsync.localorg.router import Router
from sfsync.localorg.shapes import fetch_rows, record_json

NOT_FOUND = describe.NOT_FOUND


def routes(router: Router) -> None:
    router.add("sobjects", "rest.describe.global", describe.global_describe, ["GET"])
    router.add("sobjects/<sobject>", "rest.sobject.metadata", describe.sobject_metadata, ["GET"])
    router.add("sobjects/<sobject>", "rest.sobject.create", create, ["POST"])
    router.add("sobjects/<sobject>/describe", "rest.describe", describe.sobject_describe, ["GET"])
    router.add("sobjects/<sobject>/updated", "rest.updated", replication.updated, ["GET"])
    router.add("sobjects/<sobject>/deleted", "rest.deleted", replication.deleted, ["GET"])
    router.add("sobjects/<sobject>/<record_id>", "rest.sobject.get", get, ["GET"])
    router.add("sobjects/<sobject>/<record_id>", "rest.sobject.update", update, ["PATCH"])
    router.add("sobjects/<sobject>/<record_id>", "rest.sobject.delete", delete, ["DELETE"])
    router.add("sobjects/<sobject>/<field>/<value>", "rest.sobject.get_by_external_id", get_by_external_id, ["GET"])
    router.add("sobjects/<sobject>/<field>/<value>", "rest.sobject.upsert", upsert, ["PATCH", "POST"])
    router.add("query", "rest.query", query, ["GET"])
    router.add("queryAll", "rest.query_all", query, ["GET"])
    router.add("query/<locator>", "rest.query_more", query_more, ["GET"])
    router.add("queryAll/<locator>", "rest.query_all_more", query_more, ["GET"])
    router.add("limits", "rest.limits", limits, ["GET"])
    router.add("", "rest.resources", resources, ["GET"])
    router.add(
        "sobjects/<sobject>/<field>/<value>", "rest.sobject.delete_by_external_id", delete_by_external_id, ["DELETE"]
    )


def _body(call: ApiCall) -> dict[str, Any]:
    body: Any = call.json_body()
    if not isinstance(body, dict):
        raise ApiError(400, [{"errorCode": "JSON_PARSER_ERROR", "message": "The request body must be a JSON object"}])
    return body


def create(call: ApiCall) -> Response:
    sobject = describe.readable_spec(call, call.args["sobject"]).name
    result = call.org.dml.create(call.user, sobject, _body(call), options=call.dml_options())
    if not result.success:
        raise dml_error(result.errors, call.api_version, sobject)
    headers = {"Location": call.url(f"sobjects/{sobject}/{result.id}")}
    return json_response({"id": result.id, "success": True, "errors": []}, 201, headers)


def update(call: ApiCall) -> Response:
    """A record's update; its preconditions are checked and the update made in one transaction, under the
    org's write lock, so no write slips in between (what makes `If-Unmodified-Since` a guard)."""
    with call.org.dml.transaction():
        return _update(call)


def _update(call: ApiCall) -> Response:
    spec = describe.readable_spec(call, call.args["sobject"])
    sobject = spec.name
    record_id = normalize(call.args["record_id"])
    row = fetch_rows(call.org.connect(), spec, [record_id]).get(record_id) if record_id else None
    if row is not None and not row["IsDeleted"]:
        refused = preconditions.failed(call.request, sobject, row, _etag(call, spec, row))
        if refused is not None:
            return refused
    result = call.org.dml.update(call.user, sobject, call.args["record_id"], _body(call), options=call.dml_options())
    if not result.success:
        raise dml_error(result.errors, call.api_version, sobject)
    return Response(status=204)


def delete(call: ApiCall) -> Response:
    sobject = describe.readable_spec(call, call.args["sobject"]).name
    result = call.org.dml.delete(call.user, sobject, call.args["record_id"], options=call.dml_options())
    if not result.success:
        raise dml_error(result.errors, call.api_version, sobject)
    return Response(status=204)


def upsert(call: ApiCall) -> Response:
    sobject = describe.readable_spec(call, call.args["sobject"]).name
    field, value = call.args["field"], call.args["value"]
    if _update_only(call):
        spec = call.org.catalog.objects[sobject]
        known = spec.field(field)
        usable = known is not None and known.name != "Id" and (known.flag("externalId") or known.flag("idLookup"))
        if known is not None and usable and not _matching_ids(call, spec, known.name, value):
            raise ApiError(404, NOT_FOUND)  # updateOnly: a key that matches nothing creates nothing
    result = call.org.dml.upsert(call.user, sobject, field, value, _body(call), options=call.dml_options())
    if not result.success:
        raise dml_error(result.errors, call.api_version, sobject)
    body: dict[str, Any] = {"id": result.id, "success": True, "errors": [], "created": bool(result.created)}
    return json_response(body, 201 if result.created else 200)


def _update_only(call: ApiCall) -> bool:
    raw = call.request.args.get("updateOnly")
    if raw is None or raw.lower() == "false":
        return False
    if raw.lower() == "true":
        return True
    message = f"Invalid value for the updateOnly parameter: {raw}"
    raise ApiError(400, [{"errorCode": "INVALID_QUERY_PARAMETER_VALUE", "message": message}])


def _fields(call: ApiCall, spec: ObjectSpec) -> list[str]:
    visible = call.access.readable_fields(spec.name)
    requested = call.request.args.get("fields")
    if not requested:
        return [name for name in spec.fields if name in visible]
    names = []
    for raw in requested.split(","):
        field = spec.field(raw.strip())
        if field is None or field.name not in visible:
            message = f"No such column '{raw.strip()}' on entity '{spec.name}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names."  # noqa: E501
            raise ApiError(400, [{"errorCode": "INVALID_FIELD", "message": message}])
        names.append(field.name)
    return names


def _record_response(call: ApiCall, spec: ObjectSpec, record_id: str) -> Response:
    rows = fetch_rows(call.org.connect(), spec, [record_id], include_deleted=True)
    row = rows.get(record_id)
    if row is None:
        raise ApiError(404, NOT_FOUND)
    if row["IsDeleted"]:
        raise ApiError(404, [{"errorCode": "ENTITY_IS_DELETED", "message": "entity is deleted", "fields": []}])
    tag = _etag(call, spec, row)
    refused = preconditions.failed(call.request, spec.name, row, tag)
    if refused is not None:
        return refused
    headers = {"ETag": tag} if tag is not None else {}
    return json_response(record_json(spec, row, _fields(call, spec), call.api_version), headers=headers)


def _etag(call: ApiCall, spec: ObjectSpec, row: dict[str, Any]) -> str | None:
    """The record's ETag on the objects that carry one (Account), from every field the user may read."""
    if spec.name not in preconditions.ETAG_OBJECTS:
        return None
    visible = call.access.readable_fields(spec.name)
    return preconditions.etag(record_json(spec, row, [n for n in spec.fields if n in visible], call.api_version))


def get(call: ApiCall) -> Response:
    spec = describe.readable_spec(call, call.args["sobject"])
    raw_id = call.args["record_id"]
    record_id = normalize(raw_id)
    if record_id is None or record_id[:3] != spec.key_prefix:
        message = f"Provided external ID field does not exist or is not accessible: {raw_id}"
        raise ApiError(404, [{"errorCode": "NOT_FOUND", "message": message}])
    return _record_response(call, spec, record_id)


def get_by_external_id(call: ApiCall) -> Response:
    spec = describe.readable_spec(call, call.args["sobject"])
    field = spec.field(call.args["field"])
    value = call.args["value"]
    if field is not None and field.name == "Id":
        record_id = normalize(value)
        if record_id is None:
            raise ApiError(404, NOT_FOUND)
        return _record_response(call, spec, record_id)
    usable = field is not None and (field.flag("externalId") or field.flag("idLookup"))
    if field is None or not usable or field.name not in call.access.readable_fields(spec.name):
        message = f"Provided external ID field does not exist or is not accessible: {call.args['field']}"
        raise ApiError(404, [{"errorCode": "NOT_FOUND", "message": message}])
    ids = _matching_ids(call, spec, field.name, value)
    if len(ids) > 1:
        raise ApiError(300, [call.url(f"sobjects/{spec.name}/{i}") for i in ids])
    if not ids:
        raise ApiError(404, NOT_FOUND)
    return _record_response(call, spec, ids[0])


def _matching_ids(call: ApiCall, spec: ObjectSpec, field_name: str, value: str) -> list[str]:
    field = spec.fields[field_name]
    collate = "" if field.flag("caseSensitive") else " COLLATE NOCASE"
    sql = f'SELECT "Id" FROM "{spec.name}" WHERE "{field_name}" = ?{collate} AND "IsDeleted" = 0 LIMIT 10'  # noqa: S608 - identifiers come from the catalog, values are bound
    return [r[0] for r in call.org.connect().execute(sql, (value,))]


def _batch_size(call: ApiCall) -> int:
    options = call.request.headers.get("Sforce-Query-Options", "")
    for part in options.split(","):
        key, _, value = part.strip().partition("=")
        if key.strip().lower() == "batchsize" and value.strip().isdigit():
            return max(200, min(2000, int(value)))
    return 2000


def query(call: ApiCall) -> Response:
    from sfsync.localorg.soql import SoqlError

    explained = call.request.args.get("explain")
    if explained is not None and call.endpoint == "rest.query":
        return _explain(call, explained)
    soql = call.request.args.get("q")
    if soql and call.request.args.get("columns", "").lower() == "true":
        try:
            return json_response(call.org.queries.columns(soql, access=call.access))
        except SoqlError as error:
            raise ApiError(400, [{"message": error.message, "errorCode": error.error_code}]) from error
    if not soql:
        raise ApiError(400, [{"errorCode": "MALFORMED_QUERY", "message": "A query string has to be specified"}])
    try:
        page = call.org.queries.query(
            soql,
            access=call.access,
            api_version=call.api_version,
            include_deleted=call.endpoint == "rest.query_all",
            batch_size=_batch_size(call),
        )
    except SoqlError as error:
        raise ApiError(400, [{"message": error.message, "errorCode": error.error_code}]) from error
    return json_response(page.to_json())


def _explain(call: ApiCall, soql: str) -> Response:
    """`explain=` with a query; a report or list view id (which Salesforce also takes) is refused."""
    from sfsync.localorg.soql import SoqlError

    if not soql.lstrip().upper().startswith("SELECT"):
        message = "explain is only supported for SOQL queries on this org"
        raise ApiError(400, [{"message": message, "errorCode": "MALFORMED_QUERY"}])
    try:
        return json_response(call.org.queries.explain(soql, access=call.access))
    except SoqlError as error:
        raise ApiError(400, [{"message": error.message, "errorCode": error.error_code}]) from error


def query_more(call: ApiCall) -> Response:
    from sfsync.localorg.soql import SoqlError

    try:
        page = call.org.queries.query_more(call.args["locator"], access=call.access, api_version=call.api_version)
    except SoqlError as error:
        raise ApiError(400, [{"message": error.message, "errorCode": error.error_code}]) from error
    return json_response(page.to_json())


def resources(call: ApiCall) -> Response:
    names = ("composite", "limits", "query", "queryAll", "sobjects")
    return json_response({name: call.url(name) for name in names} | {"jobs": call.url("jobs")})


def delete_by_external_id(call: ApiCall) -> Response:
    spec = describe.readable_spec(call, call.args["sobject"])
    field = spec.field(call.args["field"])
    usable = field is not None and (field.flag("externalId") or field.flag("idLookup"))
    if field is None or not usable or field.name not in call.access.readable_fields(spec.name):
        message = f"Provided external ID field does not exist or is not accessible: {call.args['field']}"
        raise ApiError(404, [{"errorCode": "NOT_FOUND", "message": message}])
    ids = _matching_ids(call, spec, field.name, call.args["value"])
    if len(ids) > 1:
        raise ApiError(300, [call.url(f"sobjects/{spec.name}/{i}") for i in ids])
    if not ids:
        raise ApiError(404, NOT_FOUND)
    result = call.org.dml.delete(call.user, spec.name, ids[0], options=call.dml_options())
    if not result.success:
        raise dml_error(result.errors, call.api_version, spec.name)
    return Response(status=204)


def limits(call: ApiCall) -> Response:
    org = call.org

    def pair(maximum: int, used: int = 0) -> dict[str, int]:
        return {"Max": maximum, "Remaining": max(0, maximum - used)}

    return json_response(
        {
            "ConcurrentAsyncGetReportInstances": pair(200),
            "DailyApiRequests": pair(org.api_limit, org.api_usage),
            "DailyAsyncApexExecutions": pair(250000),
            "DailyBulkApiBatches": pair(15000),
            "DailyBulkV2QueryFileStorageMB": pair(976562),
            "DailyBulkV2QueryJobs": pair(10000),
            "DataStorageMB": pair(5),
            "FileStorageMB": pair(20),
            "HourlyODataCallout": pair(10000),
            "SingleEmail": pair(15),
        }
    )
