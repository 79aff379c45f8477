"""Salesforce's error shapes → our typed errors.

REST, query and describe errors are a JSON array of `{errorCode, message, fields}`; sObject
Collections rows use `statusCode` instead of `errorCode`; OAuth answers `{error, error_description}`;
Bulk API 2.0 packs `CODE:message:fields --` into the `sf__Error` column.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit

import requests

from sfsync.errors import RemoteError
from sfsync.salesforce.port import ErrorDetail

RETRYABLE_CODES = frozenset({"UNABLE_TO_LOCK_ROW", "SERVER_UNAVAILABLE"})


class SalesforceRequestError(RemoteError):
    """Salesforce answered a request with an error status; `status` is the HTTP status."""

    def __init__(
        self, message: str, code: str = "", record: str = "", fields: tuple[str, ...] = (), status: int = 0
    ) -> None:
        super().__init__(message, code=code, record=record, fields=fields)
        self.status = status

    @property
    def rejected_whole_request(self) -> bool:
        """True when Salesforce refused the request before committing anything and it may be sent again."""
        return self.status >= 500 or self.code in RETRYABLE_CODES


class TransportError(RemoteError):
    """No answer came back (timeout, dropped or refused connection): the outcome is unknown."""


class AuthenticationError(RemoteError):
    """Logging in failed, or a session token was refused."""


def error_details(items: Sequence[Mapping[str, Any]] | None) -> tuple[ErrorDetail, ...]:
    """The errors of one Collections row (or of a REST error body), in order."""
    return tuple(detail(item) for item in items or ())


def detail(item: Mapping[str, Any]) -> ErrorDetail:
    code = str(item.get("statusCode") or item.get("errorCode") or "UNKNOWN_EXCEPTION")
    fields = tuple(str(f) for f in item.get("fields") or ())
    matched = duplicate_matches(item)
    ids, types = tuple(m[0] for m in matched), tuple(m[1] for m in matched)
    return ErrorDetail(code, str(item.get("message") or ""), fields, ids, types, _duplicate_rule(item))


def _duplicate_result(item: Mapping[str, Any]) -> Mapping[str, Any]:
    """A DUPLICATES_DETECTED error's match result (Salesforce spells the key `duplicateResut`)."""
    result = item.get("duplicateResut") or item.get("duplicateResult") or {}
    return result if isinstance(result, Mapping) else {}


def _duplicate_rule(item: Mapping[str, Any]) -> str:
    return str(_duplicate_result(item).get("duplicateRule") or "")


def duplicate_ids(item: Mapping[str, Any]) -> tuple[str, ...]:
    """The matched record ids of a DUPLICATES_DETECTED error."""
    return tuple(found for found, _type in duplicate_matches(item))


def duplicate_matches(item: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    """(Id, object) of each record a duplicate rule matched, in order, each once.

    The object is the record's `attributes.type`, else its match result's `entityType`.
    """
    found: dict[str, str] = {}
    for match in _duplicate_result(item).get("matchResults") or ():
        entity = str(match.get("entityType") or "")
        for record in match.get("matchRecords") or ():
            body = record.get("record") or {}
            record_id = body.get("Id")
            if record_id and str(record_id) not in found:
                found[str(record_id)] = str((body.get("attributes") or {}).get("type") or entity)
    return tuple(found.items())


def request_error(status: int, content: Any, resource: str = "", record: str = "") -> SalesforceRequestError:
    """The error for a non-2xx answer; `content` is the parsed body (or its text)."""
    first = _first_error(content)
    if first is None:
        text = str(content).strip()[:300] if content else f"HTTP {status}"
        return SalesforceRequestError(_where(resource, text), code=f"HTTP_{status}", record=record, status=status)
    found = detail(first)
    return SalesforceRequestError(
        _where(resource, found.message or found.code),
        code=found.code,
        record=record,
        fields=found.fields,
        status=status,
    )


def _first_error(content: Any) -> Mapping[str, Any] | None:
    if isinstance(content, list) and content and isinstance(content[0], Mapping):
        return content[0]
    if isinstance(content, Mapping):
        if "errorCode" in content or "statusCode" in content:
            return content
        if "error" in content:
            return {"errorCode": content["error"], "message": content.get("error_description") or content["error"]}
    return None


def _where(resource: str, message: str) -> str:
    return f"{resource}: {message}" if resource else message


def bulk_error(text: str) -> ErrorDetail:
    """`REQUIRED_FIELD_MISSING:Required fields are missing: [Company]:Company --` → ErrorDetail."""
    body = text.strip()
    body = body.removesuffix("--").rstrip()
    code, _, rest = body.partition(":")
    message, sep, fields_text = rest.rpartition(":")
    if not sep:
        message, fields_text = rest, ""
    fields = tuple(f.strip() for f in fields_text.split(",") if f.strip())
    return ErrorDetail(code.strip() or "UNKNOWN_EXCEPTION", message.strip(), fields)


def transport_error(error: requests.RequestException, kind: str) -> RemoteError:
    """Our error for a request that got no answer: a trust problem, or no answer at all from the URL it named."""
    if isinstance(error, requests.exceptions.SSLError):  # a trust problem: retrying cannot help
        return RemoteError(
            f"{kind}: the server's certificate is not trusted; set connection.ca_bundle to its CA file",
            code="SSL_ERROR",
        )
    code = "TIMEOUT" if isinstance(error, requests.Timeout) else "CONNECTION_ERROR"
    where = _server(error)
    at = f" at {where}" if where else ""
    hint = "; check connection.instance_url (or connection.domain) and that the org is reachable"
    return TransportError(f"{kind}: no answer from Salesforce{at} ({type(error).__name__}){hint}", code=code)


def _server(error: requests.RequestException) -> str:
    """The URL the failed request went to, without its query or fragment (they may carry credentials)."""
    url = getattr(getattr(error, "request", None), "url", None)
    if not url:
        return ""
    parts = urlsplit(str(url))
    return f"{parts.scheme}://{parts.hostname or ''}{f':{parts.port}' if parts.port else ''}{parts.path}"
