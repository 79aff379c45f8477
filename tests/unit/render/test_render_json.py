"""The JSON view is the plan's own serialised form (redacted), so it reads back into the same plan."""

from __future__ import annotations

import json

import pytest
from plan_cases import CASES, ENCRYPTED, case_json
from syrupy.assertion import SnapshotAssertion

from sfsync.engine.plan import plan_from_json
from sfsync.render.redact import redact_plan
from sfsync.render.views import FORMATS, render_json, render_plan_view


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
