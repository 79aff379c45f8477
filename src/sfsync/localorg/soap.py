"""The SOAP partner API's data calls beyond `login`: `merge()`.

Requests are partner-WSDL envelopes: a `SessionHeader` with the `sessionId`, then `<merge>` holding up
to 200 `request` elements (clients also send them as `mergeRequest`), each a `masterRecord` sObject
(`type`, `Id` and any fields to set) and its `recordToMergeIds`. The answer is a `mergeResponse` with
one `result` per request; problems of the whole call (session, limits, an object that does not merge)
are SOAP faults, as Salesforce sends them.
"""

from __future__ import annotations

import html
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from typing import Any

from werkzeug.wrappers import Response

from sfsync.localorg.catalog import BOOLEAN_TYPES, INTEGER_TYPES, REAL_TYPES, Catalog, FieldSpec
from sfsync.localorg.merge import MergeRequest, MergeResult

ENVELOPE = "http://schemas.xmlsoap.org/soap/envelope/"
PARTNER = "urn:partner.soap.sforce.com"
SOBJECT = "urn:sobject.partner.soap.sforce.com"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
MAX_REQUESTS = 200
_SOBJECT_KEYS = frozenset({"type", "Id", "fieldsToNull"})
Element = ET.Element


class SoapFault(Exception):
    """A whole call refused: `code` is Salesforce's exception code, `fault_type` its fault element."""

    def __init__(self, code: str, message: str, fault_type: str = "UnexpectedErrorFault") -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.fault_type = fault_type


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def parse(body: str) -> ET.Element:
    """The envelope's root; a body that is not a SOAP envelope is a client fault."""
    if "<!DOCTYPE" in body.upper():  # no DTD, so no entity can expand: the parse is bounded by the body
        raise SoapFault("INVALID_XML", "a DOCTYPE is not allowed in a SOAP request", "UnexpectedErrorFault")
    try:
        root = ET.fromstring(body)  # noqa: S314 - a DTD was refused above
    except ET.ParseError as error:
        raise SoapFault("INVALID_XML", f"the request is not well-formed XML: {error}") from error
    if root.tag != f"{{{ENVELOPE}}}Envelope":
        raise SoapFault("INVALID_XML", "the request is not a SOAP 1.1 envelope")
    return root


def operation(root: ET.Element) -> ET.Element | None:
    """The Body's first element: the call (`login`, `merge`, …)."""
    body = root.find(f"{{{ENVELOPE}}}Body")
    return next(iter(body), None) if body is not None else None


def session_id(root: ET.Element) -> str:
    header = root.find(f"{{{ENVELOPE}}}Header")
    if header is None:
        return ""
    found = next((e for e in header.iter() if _local(e.tag) == "sessionId"), None)
    return (found.text or "").strip() if found is not None else ""


def merge_requests(call: ET.Element, catalog: Catalog) -> list[MergeRequest]:
    """The call's merge requests, field values typed by the object's fields (SOAP sends text)."""
    requests = [e for e in call if _local(e.tag) in ("request", "mergeRequest")]
    if len(requests) > MAX_REQUESTS:
        raise SoapFault("LIMIT_EXCEEDED", f"Too many merge requests: at most {MAX_REQUESTS} in one call")
    return [_typed(_merge_request(e), catalog) for e in requests]


def _typed(request: MergeRequest, catalog: Catalog) -> MergeRequest:
    spec = catalog.get(request.sobject)
    if spec is None:
        return request
    values = {name: _value(spec.field(name), value) for name, value in request.values.items()}
    return MergeRequest(request.sobject, request.master_id, request.victim_ids, values)


def _value(field: FieldSpec | None, text: Any) -> Any:
    if field is None or not isinstance(text, str):
        return text
    try:
        if field.type in BOOLEAN_TYPES:
            return text.strip().lower() == "true"
        if field.type in INTEGER_TYPES:
            return int(text)
        if field.type in REAL_TYPES:
            return float(text)
    except ValueError:
        return text  # refused by the field's own validation, with Salesforce's error
    return text


def _merge_request(element: ET.Element) -> MergeRequest:
    master = next((e for e in element if _local(e.tag) == "masterRecord"), None)
    if master is None:
        raise SoapFault("INVALID_FIELD", "MergeRequest without a masterRecord")
    parts = {_local(e.tag): e for e in master}
    sobject = (parts["type"].text or "").strip() if "type" in parts else ""
    if not sobject:
        raise SoapFault("INVALID_TYPE", "Must send a concrete entity type.", "InvalidSObjectFault")
    values: dict[str, Any] = {}
    for child in master:
        name = _local(child.tag)
        if name not in _SOBJECT_KEYS:
            values[name] = None if child.get(f"{{{XSI}}}nil") == "true" else (child.text or "")
    for child in master:
        if _local(child.tag) == "fieldsToNull" and child.text:
            values[child.text.strip()] = None
    master_id = (parts["Id"].text or "").strip() if "Id" in parts else ""
    victims = tuple((e.text or "").strip() for e in element if _local(e.tag) == "recordToMergeIds")
    return MergeRequest(sobject, master_id, victims, values)


def merge_response(results: Sequence[MergeResult]) -> Response:
    items = "".join(f"<result>{_result(r)}</result>" for r in results)
    return _envelope(f"<mergeResponse>{items}</mergeResponse>")


def _result(result: MergeResult) -> str:
    errors = "".join(
        "<errors>"
        + "".join(f"<fields>{html.escape(f)}</fields>" for f in e.fields)
        + f"<message>{html.escape(e.message)}</message><statusCode>{html.escape(e.status_code)}</statusCode>"
        "</errors>"
        for e in result.errors
    )
    record = f"<id>{result.id}</id>" if result.id else '<id xsi:nil="true"/>'
    merged = "".join(f"<mergedRecordIds>{i}</mergedRecordIds>" for i in result.merged_ids)
    related = "".join(f"<updatedRelatedIds>{i}</updatedRelatedIds>" for i in result.updated_related_ids)
    return f"{errors}{record}{merged}<success>{str(result.success).lower()}</success>{related}"


def _envelope(body: str) -> Response:
    text = (
        f'<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="{ENVELOPE}" '
        f'xmlns="{PARTNER}" xmlns:xsi="{XSI}"><soapenv:Body>{body}</soapenv:Body></soapenv:Envelope>'
    )
    return Response(text, content_type="text/xml;charset=UTF-8")


def fault_response(fault: SoapFault) -> Response:
    """Salesforce's fault: HTTP 500, `sf:CODE` and the exception code and message in the detail."""
    message = html.escape(fault.message)
    body = (
        '<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope '
        f'xmlns:soapenv="{ENVELOPE}" xmlns:sf="urn:fault.partner.soap.sforce.com" xmlns:xsi="{XSI}">'
        f"<soapenv:Body><soapenv:Fault><faultcode>sf:{fault.code}</faultcode>"
        f"<faultstring>{fault.code}: {message}</faultstring><detail>"
        f'<sf:{fault.fault_type} xsi:type="sf:{fault.fault_type}"><sf:exceptionCode>{fault.code}</sf:exceptionCode>'
        f"<sf:exceptionMessage>{message}</sf:exceptionMessage></sf:{fault.fault_type}></detail>"
        "</soapenv:Fault></soapenv:Body></soapenv:Envelope>"
    )
    return Response(body, status=500, content_type="text/xml;charset=UTF-8")
