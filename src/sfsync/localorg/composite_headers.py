"""A composite subrequest's headers: the outer request's, then its own `httpHeaders` over them.

Salesforce lets each subrequest carry "any header supported by the requested resource" (a conditional
header such as `If-Unmodified-Since`, the duplicate rule header); a subrequest's own value wins over
the outer request's. Headers that describe the outer body are not passed on: the subrequest has its own.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sfsync.localorg.api import ApiError


def subrequest_headers(
    outer: Iterable[tuple[str, str]], own: Any, body_headers: frozenset[str]
) -> list[tuple[str, str]]:
    """The headers one subrequest runs with; `own` is its `httpHeaders` (an object of strings, or absent)."""
    if own is not None and not (isinstance(own, Mapping) and all(isinstance(v, str) for v in own.values())):
        message = "httpHeaders must be an object whose values are strings"
        raise ApiError(400, [{"errorCode": "JSON_PARSER_ERROR", "message": message}])
    mine = {str(k): v for k, v in (own or {}).items() if str(k).lower() not in body_headers}
    overridden = {k.lower() for k in mine}
    kept = [(k, v) for k, v in outer if k.lower() not in body_headers and k.lower() not in overridden]
    return [*kept, *mine.items()]
