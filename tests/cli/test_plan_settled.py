"""The plan right after an apply is incremental from the first run on, and after a config change.

A store that never applied a config keeps its first plan's read and cache; a config not applied yet
that reads as the applied one keeps its read and its cache aside, for its apply to adopt. Either way
the plan right after the apply derives nothing again and reads one query per object.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_org import initech_leads

from sfsync.cli import run
from sfsync.localorg.testing import LocalOrgHandle, local_org  # noqa: F401 - the shared fixture

pytestmark = pytest.mark.org

CONFIG = initech_leads().replace("connection:\n", "connection:\n  integration_user: dedicated\n", 1)
PEOPLE = "email,last_name\npeter@initech.example,Gibbons\nmilton@initech.example,Waddams\nbob@other.example,Slydell\n"
READ_OBJECTS = 4  # Account, Contact, Lead, Opportunity


def _queries(org: LocalOrgHandle) -> int:
    calls = org.control("calls")
    return sum(int(n) for name, n in calls.items() if "query" in name and name != "api_usage")


def _plan_after_apply(org: LocalOrgHandle, capsys: pytest.CaptureFixture[str]) -> str:
    assert run(["apply", "plan.json"]) == 0
    capsys.readouterr()
    org.control("calls", "DELETE")
    assert run(["plan", "--detailed-exitcode"]) == 0
    out = capsys.readouterr().out
    assert _queries(org) == READ_OBJECTS  # one query per object: nothing read again in full
    return out


def test_the_first_plan_after_the_first_apply_derives_nothing_again(
    org_workdir: Path,
    local_org: LocalOrgHandle,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
) -> None:
    (org_workdir / "sfsync.yaml").write_text(CONFIG, encoding="utf-8")
    (org_workdir / "people.csv").write_text(PEOPLE, encoding="utf-8")
    assert run(["workspace", "load", "people.csv", "--object", "person"]) == 0
    assert run(["plan", "-o", "plan.json"]) == 0
    assert "Derived: all 6 people and 2 companies (no derivation cache yet)" in capsys.readouterr().out
    out = _plan_after_apply(local_org, capsys)
    assert "Derived: 0 of 6 people and 0 of 2 companies again; 6 people and 2 companies unchanged" in out
    assert "No changes to write." in out


def test_a_config_change_that_reads_alike_is_adopted_by_its_apply(
    org_workdir: Path,
    local_org: LocalOrgHandle,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
) -> None:
    (org_workdir / "sfsync.yaml").write_text(CONFIG, encoding="utf-8")
    (org_workdir / "people.csv").write_text(PEOPLE, encoding="utf-8")
    assert run(["workspace", "load", "people.csv", "--object", "person"]) == 0
    assert run(["apply", "--auto-approve"]) == 0
    # A default's value changed, not what is read: the plan keeps its read and its cache aside.
    changed = CONFIG.replace("'[not provided]'", "'[unknown]'")
    (org_workdir / "sfsync.yaml").write_text(changed, encoding="utf-8")
    capsys.readouterr()
    assert run(["plan", "-o", "plan.json"]) == 0
    out = capsys.readouterr().out
    assert "Derived: all 6 people and 2 companies" in out  # a config part derivations read changed
    again = _plan_after_apply(local_org, capsys)
    assert "Derived: 0 of 6 people and 0 of 2 companies again; 6 people and 2 companies unchanged" in again


def test_a_config_change_that_reads_otherwise_keeps_nothing(
    org_workdir: Path,
    local_org: LocalOrgHandle,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
) -> None:
    (org_workdir / "sfsync.yaml").write_text(CONFIG, encoding="utf-8")
    (org_workdir / "people.csv").write_text(PEOPLE, encoding="utf-8")
    assert run(["workspace", "load", "people.csv", "--object", "person"]) == 0
    assert run(["apply", "--auto-approve"]) == 0
    # A mapping added: Leads are read otherwise, so the plan is rolled back and the next one reads them again.
    changed = initech_leads(extra="    Title: {from: person.title, direction: read}\n").replace(
        "connection:\n", "connection:\n  integration_user: dedicated\n", 1
    )
    (org_workdir / "sfsync.yaml").write_text(changed, encoding="utf-8")
    assert run(["plan", "-o", "plan.json"]) == 0
    assert run(["apply", "plan.json"]) == 0
    capsys.readouterr()
    local_org.control("calls", "DELETE")
    assert run(["plan", "--detailed-exitcode"]) in (0, 2)
    out = capsys.readouterr().out
    assert "Derived: all 6 people and 2 companies" in out
    assert _queries(local_org) >= READ_OBJECTS
