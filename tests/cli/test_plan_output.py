"""`sfsync plan`'s text view sized for people: long lists folded by default, no advice that cannot work."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_org import initech_leads

from sfsync.cli import run
from sfsync.localorg.testing import LocalOrgHandle

pytestmark = pytest.mark.org

CONFIG = initech_leads()


def _load(workdir: Path, config: str, people: int) -> None:
    (workdir / "sfsync.yaml").write_text(config, encoding="utf-8")
    rows = "".join(f"person{n:02}@initech.example,Person{n:02}\n" for n in range(people))
    (workdir / "people.csv").write_text("email,last_name\n" + rows, encoding="utf-8")
    assert run(["workspace", "load", "people.csv", "--object", "person"]) == 0


def test_the_text_plan_folds_record_lists_by_default(org_workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _load(org_workdir, CONFIG, 30)
    capsys.readouterr()
    assert run(["plan"]) == 0
    out = capsys.readouterr().out
    assert "Record changes (30):" in out
    assert "… 10 more record changes not shown (--max-records 20): Lead 10" in out
    assert "`--max-records all` shows every one." in out
    assert out.count("+ Lead (new) for person") == 20
    assert run(["plan", "--max-records", "all"]) == 0
    everything = capsys.readouterr().out
    assert everything.count("+ Lead (new) for person") == 30 and "not shown" not in everything


def test_max_records_takes_a_count_or_all(org_workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _load(org_workdir, CONFIG, 1)
    capsys.readouterr()
    assert run(["plan", "--max-records", "some"]) == 1
    assert "'some' is not a count of records or `all`" in capsys.readouterr().err


def test_a_plan_with_errors_never_says_apply_it(org_workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    broken = CONFIG.replace(
        "    LastName: person.last_name\n", "    LastName: person.last_name\n    Fax__c: person.phone\n"
    )
    _load(org_workdir, broken, 1)
    capsys.readouterr()
    assert run(["plan", "-o", "plan.json"]) == 1
    out = capsys.readouterr().out
    assert "this plan cannot be applied" in out
    assert "apply it with" not in out and "sfsync apply" not in out
    assert "Saved the plan to plan.json; it has errors and cannot be applied: fix them and plan again." in out


def test_a_bulk_write_says_its_updates_are_not_guarded(
    org_workdir: Path, local_org: LocalOrgHandle, capsys: pytest.CaptureFixture[str]
) -> None:
    config = initech_leads(extra="    Title: person.title\n").replace(
        "person_object: leads}", "person_object: leads, bulk_threshold: 2}"
    )
    for n, who in enumerate(("integration@acme.local", "integration@acme.local", "ada@acme.local")):
        values = {"LastName": f"Person{n:02}", "Company": "Initech", "Email": f"person{n:02}@initech.example"}
        local_org.control("records/Lead", "POST", {"as": who, "values": values})
    (org_workdir / "sfsync.yaml").write_text(config, encoding="utf-8")
    rows = "".join(f"person{n:02}@initech.example,Person{n:02},Engineer\n" for n in range(3))
    (org_workdir / "people.csv").write_text("email,last_name,title\n" + rows, encoding="utf-8")
    assert run(["workspace", "load", "people.csv", "--object", "person"]) == 0
    capsys.readouterr()
    assert run(["plan"]) == 0
    out = capsys.readouterr().out
    assert "warning: Lead: 2 Bulk updates are not guarded" in out
    assert "1 of its 3 updates, of records a person edited in the 7 days before the read, goes over REST" in out
    assert "Lead BULK ~13 calls (updates unguarded: Bulk cannot refuse an edit made after its check)" in out
    assert run(["plan", "-o", "plan.json"]) == 0
    capsys.readouterr()
    assert run(["show", "plan.json", "--format", "json"]) == 0
    plan = json.loads(capsys.readouterr().out)
    (note,) = [d for d in plan["diagnostics"] if d["path"] == "sync.api"]
    assert (note["severity"], note["summary"]) == ("warning", "Lead: 2 Bulk updates are not guarded")
    assert [(e["api"], e["updates"], e["guard"], e["calls"]) for e in plan["estimates"]] == [("bulk", 3, "none", 13)]
