"""NDJSON events: one JSON object a line, each with `type`, `timestamp` and its documented keys."""

from __future__ import annotations

import datetime as dt
import io
import json
from typing import Any

import pytest
from plan_cases import CASES, case_json

from sfsync.engine.row_report import RowReport
from sfsync.render.events import EVENT_KEYS, OPTIONAL_KEYS, NdjsonSink, emit_plan

NOW = dt.datetime(2026, 5, 1, 12, 30, tzinfo=dt.UTC)


def sink(stream: io.StringIO, operation: str = "apply") -> NdjsonSink:
    return NdjsonSink(stream, operation, tool_version="0.1.0", clock=lambda: NOW)


def events(stream: io.StringIO) -> list[dict[str, Any]]:
    lines = stream.getvalue().splitlines()
    assert stream.getvalue().endswith("\n")
    return [json.loads(line) for line in lines]


def assert_documented(event: dict[str, Any]) -> None:
    required = EVENT_KEYS[event["type"]]
    assert required <= set(event), f"{event['type']} lacks {sorted(required - set(event))}"
    assert set(event) <= required | OPTIONAL_KEYS[event["type"]]
    assert event["timestamp"] == "2026-05-01T12:30:00Z"


def test_an_apply_stream() -> None:
    stream = io.StringIO()
    out = sink(stream)
    out.started("apply")
    out.progress("apply", "Contact", 200, 1000)
    out.row_result(RowReport("Contact:person:pe-1", "Contact", "create", "written", "003X", "person", "pe-1"))
    out.row_result(
        RowReport(
            "Contact:person:pe-2", "Contact", "update", "conflict", "003Y", "person", "pe-2",
            dropped=("Title",), fields=("Email",), workspace_label="ada@acme.example",
        )
    )  # fmt: skip
    out.summary({"written": 1, "conflict": 1}, ok=True, run_id="run-1", interrupted=False)
    found = events(stream)
    assert [e["type"] for e in found] == ["started", "progress", "row_result", "row_result", "summary"]
    for event in found:
        assert_documented(event)
    assert found[2]["workspace"] == {"kind": "person", "id": "pe-1"}
    assert found[3]["workspace"] == {"kind": "person", "id": "pe-2", "label": "ada@acme.example"}
    assert found[3]["dropped"] == ["Title"]
    assert found[4]["counts"] == {"written": 1, "conflict": 1}


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_plan_stream_ends_with_a_summary_holding_the_plan(name: str) -> None:
    stream = io.StringIO()
    out = sink(stream, "plan")
    out.started("plan")
    body = json.loads(json.dumps(case_json(name)))  # as JSON: tuples become lists
    emit_plan(out, body, plan_file="plan.json")
    found = events(stream)
    for event in found:
        assert_documented(event)
    assert [e for e in found if e["type"] == "diagnostic"] == [
        {"type": "diagnostic", "timestamp": "2026-05-01T12:30:00Z", **d} for d in body["diagnostics"]
    ]
    summary = found[-1]
    assert summary["type"] == "summary"
    assert summary["plan"] == body
    assert summary["ok"] is body["appliable"]
    assert summary["has_changes"] is bool(body["changes"])


def test_a_diagnostic_without_a_position_has_every_key() -> None:
    stream = io.StringIO()
    sink(stream).diagnostic({"severity": "warning", "summary": "Lead.Rating is restricted"})
    (event,) = events(stream)
    assert_documented(event)
    assert (event["file"], event["line"], event["detail"]) == (None, None, "")


def test_an_undocumented_summary_key_is_refused() -> None:
    with pytest.raises(ValueError, match="undocumented summary keys"):
        sink(io.StringIO()).summary({}, ok=True, surprise=1)


def test_messages_are_scrubbed() -> None:
    stream = io.StringIO()
    NdjsonSink(stream, "apply", scrub=lambda text: text.replace("hunter2", "(sensitive)")).row_result(
        {"key": "k", "sobject": "Lead", "action": "create", "outcome": "rejected", "message": "hunter2 is invalid"}
    )
    (event,) = events(stream)
    assert event["message"] == "(sensitive) is invalid"
