"""NDJSON events for machines: `plan` and `apply` with `--format json` stream one JSON object a line.

Every event has `type` and `timestamp` (UTC, ISO 8601) and the keys `EVENT_KEYS` lists for its type
(`OPTIONAL_KEYS` may also appear). Free text (`message`, `summary`, `detail`) passes through the
sink's `scrub` so a sensitive value quoted by Salesforce in an error never reaches the stream.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Callable, Iterator, Mapping
from typing import Any, Protocol, TextIO

from sfsync.engine.plans.records import FileRecords
from sfsync.render.lines import write_batched
from sfsync.render.summary import PlanSummary, summarise

EVENT_KEYS: Mapping[str, frozenset[str]] = {
    "started": frozenset({"type", "timestamp", "operation", "tool_version"}),
    "progress": frozenset({"type", "timestamp", "operation", "phase", "sobject", "done", "total"}),
    "row_result": frozenset(
        {"type", "timestamp", "key", "sobject", "action", "outcome", "sf_id", "workspace", "error_code", "message"}
    ),
    "diagnostic": frozenset({"type", "timestamp", "severity", "summary", "detail", "file", "line", "column", "path"}),
    "summary": frozenset({"type", "timestamp", "operation", "counts", "ok"}),
}
OPTIONAL_KEYS: Mapping[str, frozenset[str]] = {
    "started": frozenset(),
    "progress": frozenset(),
    "row_result": frozenset({"fields", "dropped"}),
    "diagnostic": frozenset(),
    "summary": frozenset({"plan", "plan_file", "run_id", "interrupted", "error", "has_changes"}),
}
_FREE_TEXT = frozenset({"message", "summary", "detail", "error"})


class EventSink(Protocol):
    """What the engine and the commands call while they work; one method per event type."""

    def started(self, operation: str) -> None: ...

    def progress(self, phase: str, sobject: str, done: int, total: int | None) -> None: ...

    def row_result(self, row: Mapping[str, Any] | object) -> None: ...

    def diagnostic(self, diagnostic: Mapping[str, Any]) -> None: ...

    def summary(self, counts: Mapping[str, Any], *, ok: bool, **extra: Any) -> None: ...


class NoEvents:
    """The sink for people: the text view says everything, so events go nowhere."""

    def started(self, operation: str) -> None:
        return None

    def progress(self, phase: str, sobject: str, done: int, total: int | None) -> None:
        return None

    def row_result(self, row: Mapping[str, Any] | object) -> None:
        return None

    def diagnostic(self, diagnostic: Mapping[str, Any]) -> None:
        return None

    def summary(self, counts: Mapping[str, Any], *, ok: bool, **extra: Any) -> None:
        return None


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class NdjsonSink:
    """Writes each event as one line of JSON to `stream` and flushes, so a reader sees it at once."""

    def __init__(
        self,
        stream: TextIO,
        operation: str,
        *,
        tool_version: str = "",
        scrub: Callable[[str], str] = str,
        clock: Callable[[], dt.datetime] = utc_now,
    ) -> None:
        self.stream = stream
        self.operation = operation
        self.tool_version = tool_version
        self.scrub = scrub
        self.clock = clock

    def started(self, operation: str) -> None:
        self.operation = operation
        self.emit("started", operation=operation, tool_version=self.tool_version)

    def progress(self, phase: str, sobject: str, done: int, total: int | None) -> None:
        self.emit("progress", operation=self.operation, phase=phase, sobject=sobject, done=done, total=total)

    def row_result(self, row: Mapping[str, Any] | object) -> None:
        values = _as_mapping(row)
        workspace = values.get("workspace") or {
            "kind": values.get("workspace_kind", ""),
            "id": values.get("workspace_id", ""),
            **({"label": values["workspace_label"]} if values.get("workspace_label") else {}),
        }
        self.emit(
            "row_result",
            key=values.get("key", ""),
            sobject=values.get("sobject", ""),
            action=values.get("action", ""),
            outcome=values.get("outcome", ""),
            sf_id=values.get("sf_id"),
            workspace=workspace,
            error_code=values.get("error_code", ""),
            message=values.get("message", ""),
            **{key: list(values[key]) for key in OPTIONAL_KEYS["row_result"] if key in values},
        )

    def diagnostic(self, diagnostic: Mapping[str, Any]) -> None:
        keys = EVENT_KEYS["diagnostic"] - {"type", "timestamp"}
        self.emit("diagnostic", **{key: diagnostic.get(key, "" if key in ("detail", "path") else None) for key in keys})

    def summary(self, counts: Mapping[str, Any], *, ok: bool, **extra: Any) -> None:
        unknown = set(extra) - OPTIONAL_KEYS["summary"]
        if unknown:
            raise ValueError(f"undocumented summary keys: {sorted(unknown)}")
        self.emit("summary", operation=self.operation, counts=dict(counts), ok=ok, **extra)

    def emit(self, kind: str, **keys: Any) -> None:
        event = {"type": kind, "timestamp": self.clock().isoformat().replace("+00:00", "Z")}
        event.update(
            {
                key: self.scrub(value) if key in _FREE_TEXT and isinstance(value, str) else value
                for key, value in keys.items()
            }
        )
        write_batched(_chunks(event, 3), self.stream)  # a plan's records are read and written one at a time
        self.stream.write("\n")
        self.stream.flush()


_ENCODE = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=str).encode


def _chunks(value: Any, depth: int) -> Iterator[str]:
    """`value` as compact JSON, in pieces: objects `depth` levels deep are opened, lists there streamed."""
    if depth and isinstance(value, Mapping):
        yield "{"
        for index, (key, item) in enumerate(value.items()):
            yield f"{',' if index else ''}{_ENCODE(str(key))}:"
            yield from _chunks(item, depth - 1)
        yield "}"
    elif depth and isinstance(value, list | tuple | FileRecords):
        yield "["
        yield from (f"{',' if index else ''}{_ENCODE(item)}" for index, item in enumerate(value))
        yield "]"
    else:
        yield _ENCODE(value)


def emit_plan(
    sink: EventSink, plan_json: Mapping[str, Any], *, plan_file: str | None = None, summary: PlanSummary | None = None
) -> None:
    """A finished plan as events: each diagnostic, then the summary carrying the (redacted) plan itself.

    `summary` is the plan's `summarise`, when the caller counted it already (`views.redacted_and_summary`)."""
    for diagnostic in plan_json.get("diagnostics", []):
        sink.diagnostic(diagnostic)
    summary = summarise(plan_json) if summary is None else summary
    counts = {
        item.name: {"create": item.creates, "update": item.updates, "skip": item.skipped, "conflict": item.conflicts}
        for item in summary.objects
    }
    extra: dict[str, Any] = {"plan": plan_json, "has_changes": bool(plan_json.get("changes"))}
    if plan_file is not None:
        extra["plan_file"] = plan_file
    sink.summary(counts, ok=summary.errors == 0, **extra)


def _as_mapping(row: Mapping[str, Any] | object) -> Mapping[str, Any]:
    if isinstance(row, Mapping):
        return row
    if dataclasses.is_dataclass(row) and not isinstance(row, type):
        return dataclasses.asdict(row)
    raise TypeError(f"a row result must be a mapping or a dataclass, not {type(row).__name__}")
