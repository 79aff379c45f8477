"""Bulk API 1.0's XML documents: `jobInfo`, `batchInfo`, `batchInfoList`, `result-list` and `error`.

Every document is in the `http://www.force.com/2009/06/asyncapi/dataload` namespace, with its
elements in the order Salesforce writes them. Dates are `2024-01-01T00:00:00.000Z`.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from werkzeug.wrappers import Response

NAMESPACE = "http://www.force.com/2009/06/asyncapi/dataload"
XML_TYPE = "application/xml"


@dataclass
class Batch:
    """One query batch: its SOQL, and once run, its result file (CSV) or why it failed."""

    id: str
    job_id: str
    created: str
    soql: str
    state: str = "Queued"
    state_message: str = ""
    records: int = 0
    result_id: str = ""
    result: bytes = b""
    milliseconds: int = 0


@dataclass
class Job:
    """One Bulk API 1.0 job (the local org serves query and queryAll jobs) and its batches, in order."""

    id: str
    operation: str
    sobject: str
    created_by: str
    created: str
    content_type: str
    api_version: str
    state: str = "Open"
    batches: list[Batch] = field(default_factory=list)

    def count(self, state: str) -> int:
        return sum(1 for batch in self.batches if batch.state == state)


def _document(tag: str, items: Iterable[tuple[str, str]]) -> ET.Element:
    root = ET.Element(tag, {"xmlns": NAMESPACE})
    for name, text in items:
        ET.SubElement(root, name).text = text
    return root


def xml_response(root: ET.Element, status: int = 200) -> Response:
    body = b'<?xml version="1.0" encoding="UTF-8"?>' + ET.tostring(root, encoding="utf-8", xml_declaration=False)
    return Response(body, status, content_type=f"{XML_TYPE}; charset=UTF-8")


def job_info(job: Job) -> Response:
    processed = sum(batch.records for batch in job.batches)
    milliseconds = str(sum(batch.milliseconds for batch in job.batches))
    items = [
        *(("id", job.id), ("operation", job.operation), ("object", job.sobject)),
        *(("createdById", job.created_by), ("createdDate", job.created), ("systemModstamp", job.created)),
        *(("state", job.state), ("concurrencyMode", "Parallel"), ("contentType", job.content_type)),
        ("numberBatchesQueued", str(job.count("Queued"))),
        ("numberBatchesInProgress", str(job.count("InProgress"))),
        ("numberBatchesCompleted", str(job.count("Completed"))),
        ("numberBatchesFailed", str(job.count("Failed"))),
        ("numberBatchesTotal", str(len(job.batches))),
        *(("numberRecordsProcessed", str(processed)), ("numberRetries", "0"), ("apiVersion", job.api_version)),
        *(("numberRecordsFailed", "0"), ("totalProcessingTime", milliseconds)),
        *(("apiActiveProcessingTime", milliseconds), ("apexProcessingTime", "0")),
    ]
    return xml_response(_document("jobInfo", items))


def _batch_items(batch: Batch) -> list[tuple[str, str]]:
    milliseconds = str(batch.milliseconds)
    items = [("id", batch.id), ("jobId", batch.job_id), ("state", batch.state)]
    if batch.state_message:
        items.append(("stateMessage", batch.state_message))
    return [
        *items,
        *(("createdDate", batch.created), ("systemModstamp", batch.created)),
        *(("numberRecordsProcessed", str(batch.records)), ("numberRecordsFailed", "0")),
        *(("totalProcessingTime", milliseconds), ("apiActiveProcessingTime", milliseconds)),
        ("apexProcessingTime", "0"),
    ]


def batch_info(batch: Batch, status: int = 200) -> Response:
    return xml_response(_document("batchInfo", _batch_items(batch)), status)


def batch_info_list(batches: Sequence[Batch]) -> Response:
    root = ET.Element("batchInfoList", {"xmlns": NAMESPACE})
    for batch in batches:
        element = ET.SubElement(root, "batchInfo")
        for name, text in _batch_items(batch):
            ET.SubElement(element, name).text = text
    return xml_response(root)


def result_list(result_ids: Sequence[str]) -> Response:
    return xml_response(_document("result-list", (("result", rid) for rid in result_ids)))


def error(status: int, code: str, message: str) -> Response:
    return xml_response(_document("error", (("exceptionCode", code), ("exceptionMessage", message))), status)


class RequestXmlError(ValueError):
    """A request body that is not a well-formed XML document without a DTD."""


def field_text(body: bytes, name: str) -> str:
    """The text of `<name>` in a request's `jobInfo` (namespaced or not); "" when absent."""
    text = body.decode("utf-8", errors="replace")
    if "<!DOCTYPE" in text.upper():  # no DTD, so no entity can expand: the parse is bounded by the body
        raise RequestXmlError("a DOCTYPE is not allowed")
    try:
        root = ET.fromstring(text)  # noqa: S314 - a DTD was refused above
    except ET.ParseError as problem:
        raise RequestXmlError(str(problem)) from problem
    for element in root.iter():
        if element.tag.rpartition("}")[2] == name:
            return (element.text or "").strip()
    return ""
