"""sObject Tree (`POST composite/tree/{Object}`): records with nested child records, created all or none.

Each record carries `attributes.referenceId`; a child relationship's `{"records": [...]}` creates
children whose foreign key is the new parent's id. At most 200 records in all, nested 5 levels deep,
as Salesforce allows; any failure rolls back the whole request and reports every failed reference.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from werkzeug.wrappers import Response

from sfsync.localorg import describe
from sfsync.localorg.api import ApiCall, ApiError, json_response
from sfsync.localorg.catalog import ObjectSpec
from sfsync.localorg.router import Router

MAX_RECORDS = 200
MAX_DEPTH = 5


def routes(router: Router) -> None:
    router.add("composite/tree/<sobject>", "rest.composite.tree", create_tree, ["POST"])


class _Failed(Exception):
    pass


@dataclass
class _Tree:
    call: ApiCall
    results: list[dict[str, Any]] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)
    count: int = 0

    def create(self, spec: ObjectSpec, record: Any, depth: int, parent: tuple[str, str] | None) -> None:
        if not isinstance(record, dict):
            raise _invalid("Each record must be a JSON object")
        attributes = record.get("attributes")
        if not isinstance(attributes, dict) or not attributes.get("referenceId"):
            raise _invalid("Include a reference ID for each record in the request.")
        if depth > MAX_DEPTH:
            raise _invalid(f"The maximum depth of a tree is {MAX_DEPTH} levels.")
        self.count += 1
        if self.count > MAX_RECORDS:
            raise _invalid(f"The number of records in a request can't exceed {MAX_RECORDS}.")
        reference = str(attributes["referenceId"])
        values = {k: v for k, v in record.items() if k != "attributes" and not _is_children(v)}
        if parent is not None:
            values[parent[0]] = parent[1]
        result = self.call.org.dml.create(self.call.user, spec.name, values, options=self.call.dml_options())
        if not result.success or result.id is None:
            self.errors.append({"referenceId": reference, "errors": [e.collection_item() for e in result.errors]})
            return
        self.results.append({"referenceId": reference, "id": result.id})
        for key, nested in record.items():
            if key != "attributes" and _is_children(nested):
                self._children(spec, key, nested, depth, result.id)

    def _children(self, spec: ObjectSpec, key: str, nested: Mapping[str, Any], depth: int, parent_id: str) -> None:
        relationship = next(
            (r for r in spec.describe.get("childRelationships", [])
             if str(r.get("relationshipName") or "").lower() == key.lower()),
            None,
        )  # fmt: skip
        child = self.call.org.catalog.get(str(relationship["childSObject"])) if relationship else None
        if relationship is None or child is None:
            raise _invalid(f"No such column '{key}' on entity '{spec.name}'.", "INVALID_FIELD")
        for record in nested.get("records") or []:
            self.create(child, record, depth + 1, (str(relationship["field"]), parent_id))


def _is_children(value: Any) -> bool:
    return isinstance(value, dict) and "records" in value


def _invalid(message: str, code: str = "INVALID_INPUT") -> ApiError:
    return ApiError(400, [{"errorCode": code, "message": message}])


def create_tree(call: ApiCall) -> Response:
    spec = describe.readable_spec(call, call.args["sobject"])
    body = call.json_body()
    if not isinstance(body, dict) or not isinstance(body.get("records"), list):
        raise ApiError(400, [{"errorCode": "JSON_PARSER_ERROR", "message": "The request body needs records"}])
    tree = _Tree(call)
    try:
        with call.org.dml.transaction():
            for record in body["records"]:
                tree.create(spec, record, 1, None)
            if tree.errors:
                raise _Failed
    except _Failed:
        return json_response({"hasErrors": True, "results": tree.errors}, 400)
    return json_response({"hasErrors": False, "results": tree.results}, 201)
