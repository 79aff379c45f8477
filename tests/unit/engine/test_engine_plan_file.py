"""The plan file: the plan's JSON form, a line per top-level key and per record change, read back whole."""

from __future__ import annotations

import json
from typing import Any

import pytest
from engine_support import CONTACTS, add_companies, add_people

from sfsync.engine.planning.planner import make_plan
from sfsync.engine.plans.file import plan_file_chunks, plan_from_text, plan_to_text
from sfsync.engine.plans.json_form import plan_to_json
from sfsync.engine.plans.plan import Plan
from sfsync.errors import UsageError


@pytest.fixture
def plan(store: Any, port: Any, write_config: Any) -> Plan:
    port.seed("Contact", LastName="Hopper", Email="grace@acme.example", Title="Rear Admiral")
    add_companies(store, {"domain": "acme.example", "name": "Acme", "intent_level": "High"})
    add_people(
        store,
        {"email": "ada@acme.example", "last_name": "Lovelace", "company_domain": "acme.example"},
        {"email": "grace@acme.example", "last_name": "Hopper", "title": "Admiral", "company_domain": "acme.example"},
        {"email": "nobody@acme.example", "last_name": "Nobody \u00e9 [bold]\u2192", "company_domain": "acme.example"},
    )
    return make_plan(port, store, write_config(CONTACTS))


def test_the_file_is_the_json_form(plan: Plan) -> None:
    text = plan_to_text(plan)
    assert json.loads(text) == json.loads(json.dumps(plan_to_json(plan)))
    assert plan_from_text(text) == plan
    assert text.startswith('{\n  "format_version": 1,\n  "tool_version": ') and text.endswith("\n}\n")


def test_a_line_per_top_level_key_and_per_record_change(plan: Plan) -> None:
    document = plan_to_json(plan)
    lines = plan_to_text(plan).splitlines()
    assert [line.split(":")[0].strip() for line in lines if line.startswith('  "')] == [f'"{k}"' for k in document]
    changes = [json.loads(line.strip().rstrip(",")) for line in lines if line.startswith('    {"key": ')]
    assert len(changes) == len(plan.changes) >= 3
    assert changes == json.loads(json.dumps(document["changes"]))


def test_the_layout_of_lists_and_objects() -> None:
    document = {"format_version": 1, "empty": [], "entries": [{"a": 1}, [2]], "object": {"b": [3]}}
    expected = """\
{
  "format_version": 1,
  "empty": [],
  "entries": [
    {"a": 1},
    [2]
  ],
  "object": {"b": [3]}
}
"""
    assert "".join(plan_file_chunks(document)) == expected


def test_unicode_is_written_as_it_is(plan: Plan) -> None:
    assert "Nobody \u00e9 [bold]\u2192" in plan_to_text(plan)


def test_each_piece_holds_at_most_one_record_change(plan: Plan) -> None:
    pieces = list(plan_file_chunks(plan_to_json(plan)))
    assert max(piece.count('{"key": ') for piece in pieces) == 1


def test_a_plan_saved_indented_by_an_older_sfsync_still_reads(plan: Plan) -> None:
    assert plan_from_text(json.dumps(plan_to_json(plan), indent=2)) == plan


def test_text_that_is_not_json_is_not_a_plan_file() -> None:
    with pytest.raises(UsageError, match="not a plan file"):
        plan_from_text('{"format_version": 1,')
