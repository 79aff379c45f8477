"""`/composite` (subrequests with references, optionally all-or-none) and `/composite/batch`.

Subrequests run through the same handlers as top-level requests, in this thread, so an
all-or-none composite is one database transaction: any failure rolls every subrequest back. They run
in the order given (what `collateSubrequests: false` asks; collated ones may run in any order, so this
order is one Salesforce could choose too). As Salesforce does, a composite holds at most 25
subrequests, at most 5 of them sObject Collections or query operations (Query, QueryAll, and the
next page of a query); a request past either limit runs none of them.
"""

from __future__ import annotations

import dataclasses
import json
import re
from typing import Any
from urllib.parse import unquote, urlsplit

from werkzeug.exceptions import HTTPException
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request, Response

from sfsync.localorg import options
from sfsync.localorg.api import ApiCall, ApiError, json_response
from sfsync.localorg.collections import FORCE_ALL_OR_NONE
from sfsync.localorg.composite_headers import subrequest_headers
from sfsync.localorg.router import Router

MAX_SUBREQUESTS = 25
MAX_COLLECTION_OR_QUERY = 5
# The resources that count towards `MAX_COLLECTION_OR_QUERY`: sObject Collections, Query and QueryAll.
_COLLECTION_OR_QUERY = re.compile(r"^/services/data/v[\d.]+/(composite/sobjects|query|queryAll)(/|\?|$)")
_REFERENCE = re.compile(r"@\{([^}]+)\}")
HALTED = [
    {
        "errorCode": "PROCESSING_HALTED",
        "message": "The transaction was rolled back since another operation in the same transaction failed.",
    }
]


_BODY_HEADERS = frozenset({"content-length", "content-type", "transfer-encoding"})
_ANSWER_HEADERS = ("Location", "ETag", "Last-Modified")  # what a subresponse's httpHeaders carry


class _RolledBack(Exception):
    pass


def routes(router: Router) -> None:
    router.add("composite", "rest.composite", lambda call: composite(router, call), ["POST"])
    router.add("composite/batch", "rest.composite.batch", lambda call: batch(router, call), ["POST"])


def _run_subrequest(
    router: Router,
    call: ApiCall,
    method: str,
    url: str,
    body: Any,
    *,
    all_or_none: bool = False,
    own_headers: Any = None,
) -> tuple[int, Any, dict[str, str]]:
    """One subrequest through its handler; `own_headers` (its `httpHeaders`) override the outer request's."""
    parts = urlsplit(url if url.startswith("/") else f"/services/data/{url}")
    builder = EnvironBuilder(
        path=parts.path,
        query_string=parts.query,
        method=method.upper(),
        data=None if body is None else json.dumps(body),
        content_type="application/json",
        headers=subrequest_headers(call.request.headers.items(), own_headers, _BODY_HEADERS),
    )
    environ = builder.get_environ()
    environ[FORCE_ALL_OR_NONE] = all_or_none
    request = Request(environ)
    try:
        endpoint, raw_args = router.url_map().bind("").match(parts.path.rstrip("/"), method=method.upper())
    except HTTPException:
        return 404, [{"errorCode": "NOT_FOUND", "message": "The requested resource does not exist"}], {}
    args = {k: unquote(str(v)) for k, v in raw_args.items()}
    version = args.pop("api_version")
    sub = dataclasses.replace(call, request=request, api_version=version, endpoint=str(endpoint), args=args)
    try:
        # A subrequest's own headers and body are checked as a top-level request's are: never silently ignored.
        response: Response = options.refusal(sub) or router.handlers[str(endpoint)](sub)
    except ApiError as error:
        return error.status, error.errors, {}
    data = response.get_data(as_text=True)
    headers = {name: response.headers[name] for name in _ANSWER_HEADERS if name in response.headers}
    return response.status_code, json.loads(data) if data else None, headers


def _resolve(value: Any, results: dict[str, Any]) -> Any:
    if isinstance(value, str):
        return _REFERENCE.sub(lambda m: str(_lookup(m.group(1), results)), value)
    if isinstance(value, dict):
        return {k: _resolve(v, results) for k, v in value.items()}
    if isinstance(value, list):
        return [_resolve(v, results) for v in value]
    return value


def _lookup(expression: str, results: dict[str, Any]) -> Any:
    tokens = re.findall(r"[^.\[\]]+|\[\d+\]", expression)
    if not tokens or tokens[0] not in results:
        raise ApiError(
            400,
            [
                {
                    "errorCode": "INVALID_REFERENCE",
                    "message": f"Invalid reference specified. No value for {expression} found",
                }
            ],
        )
    value = results[tokens[0]]
    for token in tokens[1:]:
        try:
            value = value[int(token[1:-1])] if token.startswith("[") else value[token]
        except (KeyError, IndexError, TypeError):
            message = f"Invalid reference specified. No value for {expression} found"
            raise ApiError(400, [{"errorCode": "INVALID_REFERENCE", "message": message}]) from None
    return value


def _failed(status: int, body: Any) -> bool:
    if status >= 400:
        return True
    return isinstance(body, list) and any(isinstance(i, dict) and i.get("success") is False for i in body)


def composite(router: Router, call: ApiCall) -> Response:
    body = call.json_body() or {}
    subrequests = body.get("compositeRequest") or []
    refused = _over_limits(subrequests)
    if refused is not None:
        return refused
    all_or_none = bool(body.get("allOrNone"))
    outcomes: list[dict[str, Any]] = []
    bodies: dict[str, Any] = {}
    try:
        with call.org.dml.transaction():
            for sub in subrequests:
                reference = str(sub.get("referenceId", ""))
                try:
                    url = _resolve(str(sub["url"]), bodies)
                    status, result, headers = _run_subrequest(
                        router,
                        call,
                        str(sub["method"]),
                        url,
                        _resolve(sub.get("body"), bodies),
                        all_or_none=all_or_none,
                        own_headers=sub.get("httpHeaders"),
                    )
                except ApiError as error:
                    status, result, headers = error.status, error.errors, {}
                outcomes.append(
                    {"body": result, "httpHeaders": headers, "httpStatusCode": status, "referenceId": reference}
                )
                bodies[reference] = result
                if all_or_none and _failed(status, result):
                    raise _RolledBack
    except _RolledBack:
        failed = len(outcomes) - 1
        outcomes = [
            o
            if i == failed
            else {"body": HALTED, "httpHeaders": {}, "httpStatusCode": 400, "referenceId": o["referenceId"]}
            for i, o in enumerate(outcomes)
        ]
        outcomes += [
            {"body": HALTED, "httpHeaders": {}, "httpStatusCode": 400, "referenceId": str(s.get("referenceId", ""))}
            for s in subrequests[len(outcomes) :]
        ]
    return json_response({"compositeResponse": outcomes})


def _over_limits(subrequests: list[Any]) -> Response | None:
    """Salesforce's answer to a composite past its limits (none of its subrequests run), or None.

    The 25 limit's answer is the one Salesforce gives (`LIMIT_EXCEEDED`, one subresponse without a
    reference); the collections-or-query limit is answered the same way.
    """
    if len(subrequests) > MAX_SUBREQUESTS:
        message = f"The request can\u2019t contain more than {MAX_SUBREQUESTS} operations."
    elif sum(1 for sub in subrequests if _collection_or_query(sub)) > MAX_COLLECTION_OR_QUERY:
        limit = MAX_COLLECTION_OR_QUERY
        message = f"The request can\u2019t contain more than {limit} sObject Collections or query operations."
    else:
        return None
    item = {"body": [{"errorCode": "LIMIT_EXCEEDED", "message": message}], "httpHeaders": {}}
    return json_response({"compositeResponse": [{**item, "httpStatusCode": 400, "referenceId": None}]}, 400)


def _collection_or_query(sub: Any) -> bool:
    url = str(sub.get("url", "")) if isinstance(sub, dict) else ""
    return bool(_COLLECTION_OR_QUERY.match(url if url.startswith("/") else f"/services/data/{url}"))


def batch(router: Router, call: ApiCall) -> Response:
    body = call.json_body() or {}
    requests = body.get("batchRequests") or []
    if len(requests) > MAX_SUBREQUESTS:
        raise ApiError(400, [{"errorCode": "INVALID_BATCH_REQUEST", "message": "Batch request limit of 25 exceeded"}])
    halt = bool(body.get("haltOnError"))
    results: list[dict[str, Any]] = []
    halted = False
    for sub in requests:
        if halted:
            halted_body = [{"errorCode": "BATCH_PROCESSING_HALTED", "message": "Batch processing halted per request"}]
            results.append({"statusCode": 412, "result": halted_body})
            continue
        status, result, _ = _run_subrequest(router, call, str(sub["method"]), str(sub["url"]), sub.get("richInput"))
        results.append({"statusCode": status, "result": result})
        halted = halt and status >= 400
    return json_response({"hasErrors": any(r["statusCode"] >= 400 for r in results), "results": results})
