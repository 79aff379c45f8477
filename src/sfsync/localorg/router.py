"""The API's routes: each has an endpoint name, which is also its call counter and fault-matching name."""

from __future__ import annotations

from collections.abc import Sequence

from werkzeug.routing import Map, Rule

from sfsync.localorg.api import Handler

API_PREFIX = "/services/data/v<api_version>/"


class Router:
    """Routes under `/services/data/vXX.X/`; `path` is relative to that prefix, e.g. `jobs/ingest/<job_id>`."""

    def __init__(self) -> None:
        self.rules: list[Rule] = []
        self.handlers: dict[str, Handler] = {}
        self._map: Map | None = None

    def add(self, path: str, endpoint: str, handler: Handler, methods: Sequence[str]) -> None:
        if self._map is not None:
            raise RuntimeError("routes are added before the first request")
        rule = (API_PREFIX + path.strip("/")).rstrip("/")
        self.rules.append(Rule(rule, endpoint=endpoint, methods=list(methods)))
        self.handlers[endpoint] = handler

    def url_map(self) -> Map:
        if self._map is None:
            self._map = Map(self.rules, strict_slashes=False, merge_slashes=False)
        return self._map
