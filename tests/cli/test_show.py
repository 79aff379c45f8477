"""`sfsync show plan.json`: a saved plan in each view, coloured only on a terminal without NO_COLOR."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

from sfsync.cli import run
from sfsync.engine.plans.file import save_plan
from sfsync.engine.plans.json_form import plan_to_json
from sfsync.engine.plans.plan import Action, FieldChange, Fingerprint, Plan, RecordChange, Skip, SkipCode, WorkspaceRef
from sfsync.render.redact import redact_plan
from sfsync.render.text import render_text

ANSI = "\x1b["


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def saved_plan(label: str = "ada@acme.example") -> Plan:
    ada = WorkspaceRef("person", "pe-1", label)
    change = RecordChange(
        key="Contact:person:pe-1",
        sobject="Contact",
        action=Action.UPDATE,
        workspace=ada,
        sf_id="003000000000001AAA",
        match="matched by email [b]",
        fields=(FieldChange("Title", "Engineer", "CTO", "person.title", "owned", "owned by sfsync"),),
    )
    return Plan(
        fingerprint=Fingerprint("lineage", 1, "00D000000000001EAA", {"Contact": "c"}, "d" * 64),
        mode="contacts_and_accounts",
        write_enabled=True,
        config_diff=(),
        diagnostics=(),
        changes=(change,),
        skips=(Skip(WorkspaceRef("person", "pe-2", "nobody"), None, SkipCode.NO_EMAIL, "no email"),),
        play_entries=(),
        estimates=(),
        tool_version="0.1.0",
    )


@pytest.fixture
def plan_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("NO_COLOR", raising=False)
    path = tmp_path / "plan.json"
    save_plan(saved_plan(), path)
    return path


def show_on_terminal(monkeypatch: pytest.MonkeyPatch, *args: str) -> str:
    terminal = Terminal()
    monkeypatch.setattr(sys, "stdout", terminal)
    assert run(["show", *args]) == 0
    return terminal.getvalue()


def test_a_terminal_gets_the_coloured_view(plan_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = show_on_terminal(monkeypatch, str(plan_file))
    assert "\x1b[1mPlan:\x1b[0m" in out and "\x1b[33m~\x1b[0m Contact" in out
    assert out == render_text(redact_plan(plan_to_json(saved_plan())), max_records=None, color=True)


def test_no_color_keeps_a_terminal_plain(plan_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    out = show_on_terminal(monkeypatch, str(plan_file))
    assert ANSI not in out and "matched by email [b]" in out
    assert out == render_text(redact_plan(plan_to_json(saved_plan())), max_records=None, color=False)


def test_a_file_or_pipe_gets_plain_text_even_from_escape_codes_in_values(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    path = tmp_path / "plan.json"
    save_plan(saved_plan(label="\x1b[31mada@acme.example"), path)
    assert run(["show", str(path)]) == 0
    out = capsys.readouterr().out
    assert ANSI not in out and "for person ada@acme.example\n" in out


def test_a_plan_of_format_1_saved_indented_by_an_older_sfsync_shows_the_same(
    plan_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    indented = tmp_path / "indented.json"
    document = {**plan_to_json(saved_plan()), "format_version": 1}
    indented.write_text(json.dumps(document, indent=2), encoding="utf-8")
    for output in ("text", "json", "markdown"):
        assert run(["show", str(plan_file), "--format", output]) == 0
        saved = capsys.readouterr().out
        assert run(["show", str(indented), "--format", output]) == 0
        assert capsys.readouterr().out == saved


def test_the_json_view_is_the_redacted_document_indented(plan_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["show", str(plan_file), "--format", "json"]) == 0
    document = redact_plan(plan_to_json(saved_plan()))
    assert capsys.readouterr().out == json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def test_the_text_view_folds(plan_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["show", str(plan_file), "--max-records", "0"]) == 0
    out = capsys.readouterr().out
    assert "… 1 more record change not shown (--max-records 0): Contact 1" in out and "CTO" not in out
