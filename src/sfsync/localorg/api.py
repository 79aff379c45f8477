"""What every API handler receives and returns: the call, JSON responses and Salesforce errors."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from werkzeug.wrappers import Request, Response

from sfsync.localorg.outcomes import DmlError, DmlOptions
from sfsync.localorg.permissions import User, UserAccess

if TYPE_CHECKING:
    from sfsync.localorg.org import Org

JSON_TYPE = "application/json;charset=UTF-8"


@dataclass(frozen=True)
class ApiCall:
    """One authenticated request under `/services/data/v{api_version}/`; `args` are the decoded path values."""

    org: Org
    request: Request
    user: User
    token: str
    api_version: str
    endpoint: str
    args: Mapping[str, str]

    @property
    def access(self) -> UserAccess:
        return self.org.access_for(self.user)

    def json_body(self) -> Any:
        try:
            return json.loads(self.request.get_data(as_text=True) or "null")
        except ValueError as error:
            raise ApiError(400, [{"errorCode": "JSON_PARSER_ERROR", "message": str(error)}]) from error
        except RecursionError as error:  # nested deeper than the decoder follows: still the client's bad JSON
            message = "The JSON is nested too deeply to parse"
            raise ApiError(400, [{"errorCode": "JSON_PARSER_ERROR", "message": message}]) from error

    def dml_options(self, *, all_or_none: bool = False) -> DmlOptions:
        header = self.request.headers.get("Sforce-Duplicate-Rule-Header", "")
        allow = "allowsave=true" in header.replace(" ", "").lower()
        return DmlOptions(allow_save_duplicates=allow, all_or_none=all_or_none)

    def url(self, path: str) -> str:
        return f"/services/data/v{self.api_version}/{path}"


Handler = Callable[[ApiCall], Response]


class ApiError(Exception):
    """A request refused with an HTTP status and Salesforce's JSON error array."""

    def __init__(self, status: int, errors: list[Any]) -> None:
        super().__init__(str(errors[0]) if errors else "")
        self.status = status
        self.errors = errors


def json_response(body: Any, status: int = 200, headers: Mapping[str, str] | None = None) -> Response:
    return Response(json.dumps(body), status=status, content_type=JSON_TYPE, headers=dict(headers or {}))


def error_response(status: int, code: str, message: str) -> Response:
    return json_response([{"message": message, "errorCode": code}], status)


_NOT_FOUND_CODES = frozenset({"NOT_FOUND", "ENTITY_IS_DELETED", "INVALID_TYPE"})


def dml_status(error: DmlError) -> int:
    if error.status_code in _NOT_FOUND_CODES:
        return 404
    if error.status_code == "DUPLICATE_EXTERNAL_ID":
        return 300
    return 400


def dml_error(errors: Sequence[DmlError], api_version: str, sobject: str) -> ApiError:
    """The single-record REST failure for `errors` (300 lists the matching records' URLs)."""
    first = errors[0]
    if first.status_code == "DUPLICATE_EXTERNAL_ID" and first.extra:
        urls = [f"/services/data/v{api_version}/sobjects/{sobject}/{i}" for i in first.extra["ids"]]
        return ApiError(300, urls)
    if first.status_code == "INVALID_TYPE":
        return ApiError(404, [{"errorCode": "NOT_FOUND", "message": "The requested resource does not exist"}])
    return ApiError(dml_status(first), [e.rest_item() for e in errors])
