"""The HTTP session under simple-salesforce: certificate trust, a default timeout, limit tracking.

Every response passes through `UsageTracker`, so `Sforce-Limit-Info` is read from all of them
(REST, Bulk 2.0, errors included), not only from those simple-salesforce parses itself.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any

import requests

from sfsync.errors import UsageError
from sfsync.salesforce.port import CallCounts, Limits

_API_USAGE = re.compile(r"(?:^|[^-])api-usage=(\d+)/(\d+)")


class TimeoutSession(requests.Session):
    """A `requests.Session` whose requests time out after `timeout` seconds unless told otherwise."""

    def __init__(self, timeout: float) -> None:
        super().__init__()
        self.timeout = timeout

    def request(self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any) -> requests.Response:
        kwargs.setdefault("timeout", self.timeout)
        # Per request, so that REQUESTS_CA_BUNDLE in the environment cannot replace connection.ca_bundle.
        kwargs.setdefault("verify", self.verify)
        return super().request(method, url, *args, **kwargs)


def build_session(ca_bundle: str | None, timeout: float) -> TimeoutSession:
    """A session that verifies certificates: against `ca_bundle` when given, the system store otherwise."""
    session = TimeoutSession(timeout)
    if ca_bundle:
        if not Path(ca_bundle).is_file():
            raise UsageError(f"connection.ca_bundle: no such file: {ca_bundle}")
        session.verify = ca_bundle
    return session


class UsageTracker:
    """API budget seen in responses, and calls made per kind."""

    def __init__(self) -> None:
        self.limits: Limits | None = None
        self.counts: Counter[str] = Counter()
        self.last_headers: dict[str, str] = {}

    def attach(self, session: requests.Session) -> None:
        session.hooks["response"].append(self._on_response)

    def _on_response(self, response: requests.Response, *args: Any, **kwargs: Any) -> None:
        self.last_headers = {k: response.headers[k] for k in ("Last-Modified", "Date") if k in response.headers}
        found = _API_USAGE.search(response.headers.get("Sforce-Limit-Info", ""))
        if found:
            self.limits = Limits(used=int(found.group(1)), maximum=int(found.group(2)))

    def count(self, kind: str, n: int = 1) -> None:
        self.counts[kind] += n

    def call_counts(self) -> CallCounts:
        return CallCounts(dict(self.counts))
