"""The views that show the summary read the plan's changes once for it and for its sensitive fields."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from plan_cases import CASES, ENCRYPTED, case_json, many_changes

from sfsync.engine.plans.records import FileRecords
from sfsync.render.redact import SENSITIVE, redact_plan
from sfsync.render.summary import summarise
from sfsync.render.views import redacted_and_summary


@pytest.mark.parametrize("name", sorted(CASES))
def test_one_pass_gives_the_redacted_plan_and_its_summary(name: str) -> None:
    body = case_json(name)
    redacted, summary = redacted_and_summary(body, encrypted=ENCRYPTED)
    expected = redact_plan(body, encrypted=ENCRYPTED)
    assert redacted == expected
    assert summary == summarise(expected)


def test_a_blank_sensitive_value_counts_as_the_redacted_plan_shows_it() -> None:
    """Spaces only are empty to the summary, but `(sensitive)` once redacted: an overwrite, as shown."""
    body = case_json("sensitive_values")
    body["changes"][0]["fields"][0]["before"] = "   "
    redacted, summary = redacted_and_summary(body, encrypted=ENCRYPTED)
    assert redacted["changes"][0]["fields"][0]["before"] == SENSITIVE
    assert summary == summarise(redact_plan(body, encrypted=ENCRYPTED))
    assert summary.total("overwrites") == summarise(body).total("overwrites") + 1


def test_the_changes_are_read_once() -> None:
    body = many_changes(30)
    changes, reads = body["changes"], []

    def read() -> Iterator[dict[str, Any]]:
        reads.append(1)
        return iter(changes)

    body["changes"] = FileRecords(len(changes), read)
    _, summary = redacted_and_summary(body)
    assert len(reads) == 1
    assert summary.total("records") == 30
