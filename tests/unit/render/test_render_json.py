"""The JSON view is the plan's own serialised form (redacted), so it reads back into the same plan."""

from __future__ import annotations

import json
from types import SimpleNamespace
from typing import Any

import pytest
from plan_cases import CASES, ENCRYPTED, case_json, many_changes
from syrupy.assertion import SnapshotAssertion

from sfsync.engine.plans.json_form import plan_from_json
from sfsync.render.redact import redact_plan
from sfsync.render.views import FORMATS, json_chunks, render_json, render_plan_view, write_plan_view


@pytest.mark.parametrize("name", sorted(CASES))
def test_json_view(name: str, snapshot: SnapshotAssertion) -> None:
    assert render_json(redact_plan(case_json(name), encrypted=ENCRYPTED)) == snapshot


@pytest.mark.parametrize("name", sorted(set(CASES) - {"sensitive_values"}))
def test_json_view_reads_back_as_the_same_plan(name: str) -> None:
    text = render_plan_view(case_json(name), "json")
    assert plan_from_json(json.loads(text)) == CASES[name]()


def test_every_format_comes_from_the_same_plan_value() -> None:
    body = case_json("updates_and_kept_fields")
    views = {output: render_plan_view(body, output) for output in FORMATS}
    for view in views.values():
        assert "001000000000001AAA" in view
        assert "Sfsync_Intent__c" in view


def test_an_unknown_format_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown plan format 'yaml'"):
        render_plan_view(case_json("nothing_to_do"), "yaml")


@pytest.mark.parametrize(
    "document",
    [{}, {"changes": []}, {"a": [1, {"b": [[], {}]}], "c": {"d": [None, "x\n\u00e9"]}, "e": ()}, many_changes(30)],
)
def test_the_json_view_is_json_dumps_indented_by_two(document: dict[str, Any]) -> None:
    assert "".join(json_chunks(document)) == json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def test_a_large_json_view_is_written_in_pieces() -> None:
    writes: list[str] = []
    stream = SimpleNamespace(write=writes.append)
    write_plan_view(many_changes(3_000), "json", stream)
    whole = "".join(writes)
    assert json.loads(whole)["changes"][2_999]["workspace"]["id"] == "pe-2999"
    assert len(writes) > 2 and max(map(len, writes)) < len(whole) / 2


def test_an_unknown_format_writes_nothing() -> None:
    writes: list[str] = []
    with pytest.raises(ValueError, match="unknown plan format"):
        write_plan_view(case_json("first_apply"), "yaml", SimpleNamespace(write=writes.append))
    assert writes == []
