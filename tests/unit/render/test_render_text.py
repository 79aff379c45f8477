"""The text view: summary first, then config changes, diagnostics and record changes, folded on request."""

from __future__ import annotations

import io

import pytest
from plan_cases import CASES, ENCRYPTED, case_json, many_changes
from syrupy.assertion import SnapshotAssertion

from sfsync.render.redact import redact_plan
from sfsync.render.text import render_text, wants_color, write_text


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


class Writes(io.StringIO):
    """A stream that keeps the size of each write."""

    def __init__(self) -> None:
        super().__init__()
        self.sizes: list[int] = []

    def write(self, text: str, /) -> int:
        self.sizes.append(len(text))
        return super().write(text)


@pytest.mark.parametrize("name", ["updates_and_kept_fields", "errors_and_warnings", "sensitive_values"])
def test_colour_view_snapshot(name: str, snapshot: SnapshotAssertion) -> None:
    assert text(name, color=True) == snapshot


def test_colour_styles_are_rich_ansi_codes_around_the_styled_text_only() -> None:
    out = text("updates_and_kept_fields", color=True)
    assert "\x1b[1mPlan:\x1b[0m 0 to create" in out
    assert "\x1b[33m~\x1b[0m Contact" in out
    assert "\x1b[2m(owned: owned by sfsync)\x1b[0m" in out
    assert out.replace("\x1b[0m", "").count("\x1b[") == out.count("\x1b[0m")


def test_a_large_view_streams_in_pieces_that_add_up_to_the_whole() -> None:
    body = many_changes(3_000)
    stream = Writes()
    write_text(body, stream, max_records=None, color=False)
    whole = render_text(body, max_records=None, color=False)
    assert stream.getvalue() == whole
    assert len(stream.sizes) > 5 and max(stream.sizes) < len(whole) / 5


def test_values_print_as_they_are_with_no_markup_read_from_them() -> None:
    body = case_json("first_apply")
    body["changes"][0]["workspace"]["label"] = "C:\\shares\\"
    body["changes"][0]["sobject"] = "[bold]Odd[/]"
    body["changes"][0]["match"] = "ends in [/]"
    for color in (False, True):
        assert "for company C:\\shares\\\n" in render_text(body, max_records=None, color=color)
        folded = render_text(body, max_records=0, color=color)
        assert "not shown (--max-records 0): Contact 1, [bold]Odd[/] 1" in folded


def test_control_codes_tabs_and_line_breaks_in_values_print_as_rich_prints_them() -> None:
    body = case_json("first_apply")
    body["changes"][1]["workspace"]["label"] = "ada\r\x07\tlovelace"
    body["changes"][1]["match"] = "two\nlines   "
    out = render_text(body, max_records=None, color=False)
    assert "for person ada        lovelace\n" in out  # carriage return and bell dropped, the tab to column 40
    assert "      two\nlines\n" in out  # each line loses its trailing blanks
