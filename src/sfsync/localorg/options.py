"""The request options a client may send to the REST, Collections, composite, query and Bulk API 2.0
endpoints, and what the org does with each: it implements it, or refuses the request as Salesforce
refuses a bad or unsupported one. No option is silently ignored.

Implemented elsewhere: `Sforce-Query-Options: batchSize`, `Sforce-Duplicate-Rule-Header: allowSave`,
the conditional `If-*` headers, `allOrNone`, `updateOnly`, `fields`, `ids`, `haltOnError`, `explain`,
`columns`, `maxRecords`, `locator`, `columnDelimiter`, `lineEnding`, `externalIdFieldName`. Here:
`X-PrettyPrint` (indented JSON), and the refusals. Accepted for what they are: `Sforce-Call-Options`
(the client's name), `Sforce-Mru` (the org keeps no recently-viewed list a client could read),
`Sforce-Auto-Assign: TRUE|FALSE` and `runAsCurrentUser` (the org has no assignment rules and no
sharing, so both read the same either way), `collateSubrequests` (how Salesforce groups the work,
not what it does).
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from werkzeug.wrappers import Request, Response

from sfsync.localorg.api import ApiCall, error_response

BAD_HEADER = "INVALID_HEADER_VALUE"
# The keys each JSON body may hold (Salesforce's parser refuses any other with JSON_PARSER_ERROR).
_RECORDS = frozenset({"allOrNone", "records"})
_CSV_FORMAT = frozenset({"columnDelimiter", "lineEnding", "contentType"})
BODY_KEYS: Mapping[str, frozenset[str]] = {
    "rest.collections.create": _RECORDS,
    "rest.collections.update": _RECORDS,
    "rest.collections.upsert": _RECORDS,
    "rest.collections.retrieve": frozenset({"ids", "fields"}),
    "rest.composite": frozenset({"allOrNone", "collateSubrequests", "compositeRequest"}),
    "rest.composite.batch": frozenset({"batchRequests", "haltOnError"}),
    "rest.composite.tree": frozenset({"records"}),
    "bulk.ingest.create": _CSV_FORMAT | {"object", "operation", "externalIdFieldName", "assignmentRuleId"},
    "bulk.query.create": _CSV_FORMAT | {"operation", "query"},
    "bulk.ingest.patch": frozenset({"state"}),
    "bulk.query.patch": frozenset({"state"}),
}
_DUPLICATE_RULE_KEYS = frozenset({"allowsave", "includerecorddetails", "runascurrentuser"})
_QUERY_OPTIONS = frozenset({"batchsize"})
_KEYED_HEADERS = (("Sforce-Duplicate-Rule-Header", _DUPLICATE_RULE_KEYS), ("Sforce-Query-Options", _QUERY_OPTIONS))


def refusal(call: ApiCall) -> Response | None:
    """The error answering an option the org does not implement, or None when every option is served."""
    headers = call.request.headers
    encoding = headers.get("Content-Encoding", "identity").strip().lower()
    if encoding not in ("", "identity"):
        return error_response(415, "UNSUPPORTED_MEDIA_TYPE", f"Content-Encoding {encoding} is not supported")
    auto_assign = headers.get("Sforce-Auto-Assign")
    if auto_assign is not None and auto_assign.strip().lower() not in ("true", "false"):
        return error_response(400, BAD_HEADER, f"Sforce-Auto-Assign: no assignment rule {auto_assign} in this org")
    for header, known in _KEYED_HEADERS:
        problem = _header_problem(header, headers.get(header), known)
        if problem is not None:
            return error_response(400, BAD_HEADER, problem)
    return _body_refusal(call)


def _header_problem(header: str, value: str | None, known: frozenset[str]) -> str | None:
    """What is wrong with a `key=value, …` header (`;` also separates, as the duplicate rule header may)."""
    for part in (value or "").replace(";", ",").split(","):
        key, _, setting = (s.strip() for s in part.partition("="))
        if not key:
            continue
        lowered, flag = key.lower(), setting.lower()
        if lowered not in known:
            return f"{header}: unknown option {key}"
        if lowered == "batchsize" and not setting.isdigit():
            return f"{header}: batchSize must be a number, not {setting}"
        if lowered != "batchsize" and flag not in ("true", "false"):
            return f"{header}: {key} must be true or false, not {setting}"
        if lowered == "includerecorddetails" and flag == "true":
            return f"{header}: includeRecordDetails=true is not served: duplicate results name the records' Ids only"
    return None


def _body_refusal(call: ApiCall) -> Response | None:
    allowed = BODY_KEYS.get(call.endpoint)
    if allowed is None or call.request.method not in ("POST", "PATCH", "PUT"):
        return None
    try:
        body = json.loads(call.request.get_data(as_text=True) or "null")
    except (ValueError, RecursionError):
        return None  # the handler answers malformed JSON as it always has
    if not isinstance(body, dict):
        return None
    unknown = next((key for key in body if key not in allowed), None)
    if unknown is not None:
        return error_response(400, "JSON_PARSER_ERROR", f'Unrecognized field "{unknown}"')
    if call.endpoint == "bulk.ingest.create" and body.get("assignmentRuleId"):
        rule = body["assignmentRuleId"]
        return error_response(400, "INVALIDJOB", f"InvalidJob : Invalid assignment rule id: {rule}")
    return None


def pretty(request: Request, response: Response) -> Response:
    """`X-PrettyPrint: 1` answers JSON indented, for people reading it."""
    if request.headers.get("X-PrettyPrint", "").strip() != "1" or not response.is_json:
        return response
    try:
        body = json.loads(response.get_data(as_text=True))
    except ValueError:
        return response
    response.set_data(json.dumps(body, indent=4))
    return response
