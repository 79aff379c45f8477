"""The plan value: JSON round trip, format_version, and its JSON and text forms under snapshots."""

from __future__ import annotations

import json

import pytest
from engine_support import CONTACTS, add_companies, add_people

from sfsync.engine.planning.planner import make_plan
from sfsync.engine.plans.file import plan_from_file, save_plan
from sfsync.engine.plans.json_form import plan_from_json, plan_to_json
from sfsync.errors import UsageError
from sfsync.render.views import render_plan_view


@pytest.fixture
def plan(store, port, write_config):
    port.seed("Contact", LastName="Hopper", Email="grace@acme.example", Title="Rear Admiral")
    add_companies(store, {"domain": "acme.example", "name": "Acme", "intent_level": "High"})
    add_people(
        store,
        {"email": "ada@acme.example", "last_name": "Lovelace", "company_domain": "acme.example"},
        {
            "email": "grace@acme.example",
            "first_name": "Grace",
            "last_name": "Hopper",
            "title": "Admiral",
            "company_domain": "acme.example",
        },
        {"email": "nobody@acme.example"},
    )
    return make_plan(port, store, write_config(CONTACTS))


def _stable(document: dict) -> dict:
    document["fingerprint"]["lineage"] = "<lineage>"
    return document


def test_json_round_trip_is_lossless(plan, tmp_path):
    save_plan(plan, tmp_path / "plan.json")
    assert plan_from_file(tmp_path / "plan.json") == plan
    assert plan_from_json(json.loads(json.dumps(plan_to_json(plan)))) == plan


def test_plan_json_snapshot(plan, snapshot):
    assert _stable(plan_to_json(plan)) == snapshot


def test_plan_text_snapshot(plan, snapshot):
    text = render_plan_view(plan_to_json(plan), "text", color=False)
    assert "Lovelace" in text and "\x1b[" not in text
    assert text == snapshot


def test_unknown_format_version_is_refused(plan, tmp_path):
    document = plan_to_json(plan)
    document["format_version"] = 99
    with pytest.raises(UsageError, match="format_version 99"):
        plan_from_json(document)
    with pytest.raises(UsageError, match="not a plan file"):
        (tmp_path / "plan.json").write_text("{not json", encoding="utf-8")
        plan_from_file(tmp_path / "plan.json")


def test_a_plan_saved_before_identity_changes_existed_still_reads(plan):
    from sfsync.render.plan_schema import plan_problems

    document = json.loads(json.dumps(plan_to_json(plan)))
    del document["identity"]
    assert plan_problems(document) == []
    assert plan_from_json(document) == plan
