"""A mapping whose source no loaded record fills is never silent: attribute names ignore case, and a
source empty in every record is a warning in `validate --online` and in the plan."""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_org import initech_leads

from sfsync.cli import run
from sfsync.engine.plans.file import plan_document

pytestmark = pytest.mark.org

CONFIG = initech_leads(extra="    Description: {from: SOURCE, truncate: true}\n")
PEOPLE = "email,last_name,Notes\npeter@initech.example,Gibbons,Hates his job\nmilton@initech.example,Waddams,\n"


def _setup(workdir: Path, source: str) -> None:
    (workdir / "sfsync.yaml").write_text(CONFIG.replace("SOURCE", source), encoding="utf-8")
    (workdir / "people.csv").write_text(PEOPLE, encoding="utf-8")
    assert run(["workspace", "load", "people.csv", "--object", "person"]) == 0


def test_an_attribute_is_read_whatever_the_case_of_its_column(
    org_workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _setup(org_workdir, "person.attributes.notes")
    capsys.readouterr()
    assert run(["plan", "-o", "plan.json"]) == 0
    peter = next(
        c for c in plan_document(org_workdir / "plan.json")["changes"]
        if c["workspace"]["label"] == "peter@initech.example"
    )  # fmt: skip
    assert {f["field"]: f["after"] for f in peter["fields"]}["Description"] == "Hates his job"
    assert "no loaded person has a value" not in capsys.readouterr().out
    assert run(["validate", "--online"]) == 0
    assert "no loaded person has a value" not in capsys.readouterr().err


def test_a_source_no_record_fills_is_a_warning_with_the_close_name(
    org_workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _setup(org_workdir, "person.attributes.note")
    capsys.readouterr()
    assert run(["validate", "--online"]) == 0
    err = capsys.readouterr().err
    summary = "no loaded person has a value for person.attributes.note: Lead.Description would never be written"
    assert f"sfsync.yaml:17:25: warning: {summary}" in err
    assert "hint: did you mean person.attributes.Notes?" in err
    assert run(["plan"]) == 0
    out = capsys.readouterr().out
    assert f"sfsync.yaml:17:25: warning: {summary}" in out


def test_validate_online_judges_no_source_before_anything_is_loaded(
    org_workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (org_workdir / "sfsync.yaml").write_text(CONFIG.replace("SOURCE", "person.attributes.note"), encoding="utf-8")
    assert run(["validate", "--online"]) == 0
    assert "no loaded person" not in capsys.readouterr().err
    assert not (org_workdir / "sfsync.db").exists()  # validate never creates the store
