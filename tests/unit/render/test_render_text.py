"""The text view: summary first, then config changes, diagnostics and record changes, folded on request."""

from __future__ import annotations

import io

import pytest
from plan_cases import CASES, ENCRYPTED, case_json
from syrupy.assertion import SnapshotAssertion

from sfsync.render.redact import redact_plan
from sfsync.render.text import render_text, wants_color


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def text(name: str, max_records: int | None = None, *, color: bool = False) -> str:
    return render_text(redact_plan(case_json(name), encrypted=ENCRYPTED), max_records=max_records, color=color)


@pytest.mark.parametrize("name", sorted(CASES))
def test_text_view(name: str, snapshot: SnapshotAssertion) -> None:
    assert text(name) == snapshot


def test_sections_come_in_order_summary_config_diagnostics_records() -> None:
    out = text("errors_and_warnings")
    markers = ("Plan:", "Config:", "Metadata checks:", "Record changes", "Skipped records")
    positions = [out.index(marker) for marker in markers]
    assert positions == sorted(positions)


def test_records_fold_after_max_records_with_a_count_of_what_is_hidden() -> None:
    out = text("first_apply", max_records=1)
    assert "+ Account (new)" in out
    assert "Lovelace" not in out
    assert "… 1 more record change not shown (--max-records 1): Contact 1" in out


def test_skipped_records_fold_too() -> None:
    body = case_json("every_skip")
    body["skips"] = body["skips"] * 3
    out = render_text(body, max_records=2, color=False)
    assert out.count("- Contact person person9@example.com") == 2
    assert "… 1 more not shown" in out


def test_every_field_shows_before_after_and_why() -> None:
    out = text("updates_and_kept_fields")
    assert '"Low" → "High"   (owned: owned by sfsync)' in out
    assert 'kept "Retail", wanted "Software"   (conflict: changed in Salesforce since the read)' in out
    assert "Overwrites 2 existing Salesforce values" in out


def test_colour_only_when_asked() -> None:
    assert "\x1b[" in text("updates_and_kept_fields", color=True)
    assert "\x1b[" not in text("updates_and_kept_fields", color=False)


def test_markup_in_values_is_printed_literally() -> None:
    body = case_json("first_apply")
    body["changes"][0]["workspace"]["label"] = "[bold red]Acme[/]"
    assert "[bold red]Acme[/]" in render_text(body, max_records=None, color=True)


@pytest.mark.parametrize(
    ("tty", "environ", "expected"),
    [(True, {}, True), (True, {"NO_COLOR": "1"}, False), (False, {}, False), (True, {"NO_COLOR": ""}, True)],
)
def test_colour_needs_a_terminal_and_no_no_color(tty: bool, environ: dict[str, str], expected: bool) -> None:
    stream = Terminal() if tty else io.StringIO()
    assert wants_color(stream, environ) is expected
