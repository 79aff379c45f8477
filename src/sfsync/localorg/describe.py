"""Describe endpoints: global describe, sObject describe (with If-Modified-Since) and metadata."""

from __future__ import annotations

import json
import re
from functools import lru_cache
from typing import Any

from werkzeug.http import http_date, parse_date
from werkzeug.wrappers import Response

from sfsync.localorg.api import ApiCall, ApiError, json_response
from sfsync.localorg.catalog import ObjectSpec
from sfsync.localorg.objects import global_entries
from sfsync.localorg.permissions import describe_for

_VERSION = re.compile(r"/services/data/v(?:\d+\.\d|xx\.0)/")
_UI_HOST = re.compile(r"https://[a-z0-9.-]+\.salesforce\.com/")
NOT_FOUND = [{"errorCode": "NOT_FOUND", "message": "The requested resource does not exist"}]


@lru_cache(maxsize=256)
def _rewrite(text: str, api_version: str, host: str) -> str:
    text = _VERSION.sub(f"/services/data/v{api_version}/", text)
    return _UI_HOST.sub(f"https://{host}/", text)


def localised(body: Any, call: ApiCall) -> Any:
    """Recorded URLs point at the request's API version and host."""
    return json.loads(_rewrite(json.dumps(body), call.api_version, call.request.host))


def readable_spec(call: ApiCall, sobject: str) -> ObjectSpec:
    spec = call.org.catalog.get(sobject)
    if spec is None or not call.access.can_read_object(spec.name):
        raise ApiError(404, NOT_FOUND)
    return spec


def global_describe(call: ApiCall) -> Response:
    entries = [e for e in global_entries(call.org.catalog) if call.access.can_read_object(e["name"])]
    for entry in entries:
        entry["createable"] = entry["createable"] and call.access.allows(entry["name"], "create")
        entry["updateable"] = entry["updateable"] and call.access.allows(entry["name"], "edit")
        entry["deletable"] = entry["deletable"] and call.access.allows(entry["name"], "delete")
    return json_response(localised({"encoding": "UTF-8", "maxBatchSize": 200, "sobjects": entries}, call))


def sobject_describe(call: ApiCall) -> Response:
    spec = readable_spec(call, call.args["sobject"])
    since = parse_date(call.request.headers.get("If-Modified-Since"))
    built = call.org.built_at
    if since is not None and since.timestamp() >= int(built):
        return Response(status=304)
    body = localised(describe_for(call.access, spec.describe), call)
    return json_response(body, headers={"Last-Modified": http_date(built)})


def sobject_metadata(call: ApiCall) -> Response:
    spec = readable_spec(call, call.args["sobject"])
    entry = next(e for e in global_entries(call.org.catalog) if e["name"] == spec.name)
    return json_response(localised({"objectDescribe": entry, "recentItems": []}, call))
