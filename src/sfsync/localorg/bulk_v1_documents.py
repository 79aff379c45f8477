"""Bulk API 1.0's documents, in XML or JSON: `jobInfo`, `batchInfo`, `batchInfoList`, `result-list`,
`error`, and the `jobInfo` a client sends.

XML is in the `http://www.force.com/2009/06/asyncapi/dataload` namespace, elements in Salesforce's
order; JSON has the same names, with numbers and booleans as JSON values (the Bulk API 1.0 guide's
JSON examples). The request's Content-Type picks the form of these documents (`answers_json`); a
batch's data and results are in its job's content type whatever the request. JSON answers are
`application/json` with no charset: `salesforce-bulk` (CumulusCI's client) recognises a JSON answer
only by that exact header. Dates are `2024-01-01T00:00:00.000+0000`.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Sequence
from typing import Any

from werkzeug.wrappers import Response

from sfsync.localorg.bulk_v1_jobs import Batch, Job, Value, batch_items, job_items

_XML_REQUESTS = frozenset({"application/xml", "text/xml", "text/csv"})

NAMESPACE = "http://www.force.com/2009/06/asyncapi/dataload"
XML_TYPE = "application/xml; charset=UTF-8"
JSON_TYPE = "application/json"
JOB_FIELDS = frozenset(
    {"operation", "object", "contentType", "concurrencyMode", "externalIdFieldName", "assignmentRuleId", "state"}
)
_CONCURRENCY = {0: "Parallel", 1: "Serial"}  # simple-salesforce sends the mode's ordinal


def _text(value: Value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def _xml(root: ET.Element, status: int) -> Response:
    body = b'<?xml version="1.0" encoding="UTF-8"?>' + ET.tostring(root, encoding="utf-8", xml_declaration=False)
    return Response(body, status, content_type=XML_TYPE)


def _json(body: Any, status: int) -> Response:
    return Response(json.dumps(body), status, content_type=JSON_TYPE)


def json_answer(body: Any) -> Response:
    return _json(body, 200)


def _element(parent: ET.Element | None, tag: str, items: Iterable[tuple[str, Value]]) -> ET.Element:
    element = ET.Element(tag, {"xmlns": NAMESPACE}) if parent is None else ET.SubElement(parent, tag)
    for name, value in items:
        ET.SubElement(element, name).text = _text(value)
    return element


def _document(tag: str, items: list[tuple[str, Value]], as_json: bool, status: int) -> Response:
    return _json(dict(items), status) if as_json else _xml(_element(None, tag, items), status)


def job_info(job: Job, as_json: bool, status: int = 200) -> Response:
    return _document("jobInfo", job_items(job), as_json, status)


def batch_info(batch: Batch, as_json: bool, status: int = 200) -> Response:
    return _document("batchInfo", batch_items(batch), as_json, status)


def batch_info_list(batches: Sequence[Batch], as_json: bool) -> Response:
    if as_json:
        return _json({"batchInfo": [dict(batch_items(batch)) for batch in batches]}, 200)
    root = ET.Element("batchInfoList", {"xmlns": NAMESPACE})
    for batch in batches:
        _element(root, "batchInfo", batch_items(batch))
    return _xml(root, 200)


def result_list(result_ids: Sequence[str], as_json: bool) -> Response:
    if as_json:
        return _json(list(result_ids), 200)
    return _xml(_element(None, "result-list", (("result", rid) for rid in result_ids)), 200)


def answers_json(request_type: str, job: Job | None = None) -> bool:
    """Whether an answer is JSON: a request's Content-Type decides (salesforce-bulk sends `application/xml`
    for a JSON job's info and reads XML back); without one, the job's content type does."""
    if request_type == "application/json":
        return True
    return request_type not in _XML_REQUESTS and job is not None and job.content_type == "JSON"


def error(status: int, code: str, message: str, *, as_json: bool = False) -> Response:
    return _document("error", [("exceptionCode", code), ("exceptionMessage", message)], as_json, status)


class RequestError(ValueError):
    """A `jobInfo` request body that cannot be read (not well-formed, or with a field Salesforce does not know)."""


def job_request(body: bytes, *, as_json: bool) -> dict[str, str]:
    """The fields of a client's `jobInfo` (XML, namespaced or not, or JSON), as text."""
    return _json_request(body) if as_json else _xml_request(body)


def _xml_request(body: bytes) -> dict[str, str]:
    text = body.decode("utf-8", errors="replace")
    if "<!DOCTYPE" in text.upper():  # no DTD, so no entity can expand: the parse is bounded by the body
        raise RequestError("a DOCTYPE is not allowed")
    try:
        root = ET.fromstring(text)  # noqa: S314 - a DTD was refused above
    except ET.ParseError as problem:
        raise RequestError(f"The request is not well-formed XML: {problem}") from problem
    return {element.tag.rpartition("}")[2]: (element.text or "").strip() for element in root}


def _json_request(body: bytes) -> dict[str, str]:
    try:
        fields = json.loads(body.decode("utf-8", errors="replace") or "null")
    except (ValueError, RecursionError) as problem:
        raise RequestError(f"The request is not well-formed JSON: {problem}") from problem
    if not isinstance(fields, dict):
        raise RequestError("The request is not a JSON object")
    unknown = sorted(set(fields) - JOB_FIELDS)
    if unknown:
        raise RequestError(f'Unrecognized field "{unknown[0]}"')
    mode = fields.get("concurrencyMode")
    if isinstance(mode, int) and not isinstance(mode, bool):
        fields["concurrencyMode"] = _CONCURRENCY.get(mode, str(mode))
    return {name: _text(value) for name, value in fields.items()}
