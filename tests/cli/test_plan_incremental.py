"""Incremental plans end to end against the local org: a plan right after apply derives nothing again."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_org import initech_leads

from sfsync.cli import run
from sfsync.localorg.testing import local_org  # noqa: F401 - the shared fixture

pytestmark = pytest.mark.org

# A dedicated integration user: the read after apply leaves out what sfsync itself wrote.
CONFIG = initech_leads().replace("connection:\n", "connection:\n  integration_user: dedicated\n", 1)
PEOPLE = "email,last_name\npeter@initech.example,Gibbons\nmilton@initech.example,Waddams\nbob@other.example,Slydell\n"


def test_a_plan_after_apply_derives_nothing_again(org_workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (org_workdir / "sfsync.yaml").write_text(CONFIG, encoding="utf-8")
    (org_workdir / "people.csv").write_text(PEOPLE, encoding="utf-8")
    assert run(["workspace", "load", "people.csv", "--object", "person"]) == 0
    assert run(["plan", "-o", "plan.json"]) == 0
    # The org's own records are read into the workspace too: 6 people and 2 companies in all.
    assert "Derived: all 6 people and 2 companies (no derivation cache yet)" in capsys.readouterr().out
    assert run(["apply", "plan.json"]) == 0
    # Nothing was applied yet: that plan kept its read and cache, apply derived again what it wrote.
    assert run(["apply", "--auto-approve"]) == 0
    capsys.readouterr()

    assert run(["plan", "--detailed-exitcode", "-o", "again.json"]) == 0
    out = capsys.readouterr().out
    assert "Derived: 0 of 6 people and 0 of 2 companies again; 6 people and 2 companies unchanged" in out
    assert "No changes to write." in out
    assert run(["show", "again.json", "--format", "json"]) == 0
    derivation = json.loads(capsys.readouterr().out)["derivation"]
    assert (derivation["people"], derivation["people_derived"], derivation["everything"]) == (6, 0, "")

    (org_workdir / "people.csv").write_text(PEOPLE.replace("Waddams", "Waddams-Smith"), encoding="utf-8")
    assert run(["workspace", "load", "people.csv", "--object", "person"]) == 0
    assert run(["plan"]) == 0
    out = capsys.readouterr().out
    assert "Refreshed: Account 0 read, Contact 0 read, Lead 0 read, Opportunity 0 read" in out
    assert "Derived: 1 of 6 people and 0 of 2 companies again" in out
    assert "Lead person milton@initech.example: LastName kept" in out  # derived again: its value moved

    assert run(["plan", "--full-refresh"]) == 0
    assert "Derived: all 6 people and 2 companies (--full-refresh)" in capsys.readouterr().out
