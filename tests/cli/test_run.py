"""`sfsync run --once`, `pause`/`resume` and `status` against the local org over HTTPS."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from cli_org import initech_leads

from sfsync.cli import run
from sfsync.errors import ExitCode
from sfsync.localorg.testing import LocalOrgHandle, local_org  # noqa: F401 - the shared fixture
from sfsync.store import open_store

pytestmark = pytest.mark.org

PEOPLE = "email,last_name,Notes\npeter@initech.example,Gibbons,Hates his job\nmilton@initech.example,Waddams,Stapler\n"
NOTES = "    Description: {from: person.attributes.Notes, policy: owned}\n"


def _project(workdir: Path, auto_apply: str, extra: str = "") -> None:
    config = initech_leads(extra=extra).replace(
        "sync: {write: true, person_object: leads}",
        f"sync: {{write: true, person_object: leads, auto_apply: {auto_apply}}}",
    )
    (workdir / "sfsync.yaml").write_text(config, encoding="utf-8")
    (workdir / "people.csv").write_text(PEOPLE, encoding="utf-8")
    assert run(["workspace", "load", "people.csv", "--object", "person"]) == 0


def _leads(org: LocalOrgHandle) -> dict[str, dict[str, Any]]:
    found = org.simple_salesforce().query_all("SELECT Id, Email, Description FROM Lead")["records"]
    return {r["Email"]: r for r in found if r["Email"] and r["Email"].endswith("initech.example")}


def _cycle(capsys: pytest.CaptureFixture[str], *args: str, code: int = 0) -> dict[str, Any]:
    capsys.readouterr()
    assert run(["run", "--once", "--format", "json", *args]) == code
    (line,) = capsys.readouterr().out.splitlines()
    event: dict[str, Any] = json.loads(line)
    return event


def test_one_cycle_with_auto_apply_all_converges_and_the_next_writes_nothing(
    org_workdir: Path,
    local_org: LocalOrgHandle,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
) -> None:
    _project(org_workdir, "all")
    first = _cycle(capsys)
    assert (first["outcome"], first["planned"], first["pending"], first["rows"]) == ("applied", 2, 0, {"written": 2})
    assert set(_leads(local_org)) == {"peter@initech.example", "milton@initech.example"}
    with open_store("sqlite:///sfsync.db") as store:
        applied = store.runs.last("apply")
    second = _cycle(capsys)
    assert (second["outcome"], second["planned"], second["rows"]) == ("in_sync", 0, {})
    with open_store("sqlite:///sfsync.db") as store:
        assert store.runs.last("apply") == applied  # nothing to apply: no apply ran
        assert [c.status for c in store.runs.recent("cycle", 5)] == ["in_sync", "applied"]
    assert len(_leads(local_org)) == 2


def test_auto_apply_none_only_plans_saves_the_plan_and_reports_drift(
    org_workdir: Path,
    local_org: LocalOrgHandle,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
) -> None:
    _project(org_workdir, "none")
    event = _cycle(capsys)
    assert (event["outcome"], event["pending"], event["rows"]) == ("planned", 2, {})
    assert _leads(local_org) == {}
    plan_file = org_workdir / ".sfsync" / "run-plan.json"
    assert Path(event["plan_file"]).resolve() == plan_file.resolve() and plan_file.is_file()
    assert run(["status", "--format", "json"]) == 0
    status = json.loads(capsys.readouterr().out)
    assert status["drift"] == 2 and status["last_cycle"]["outcome"] == "planned" and status["paused"] is None
    assert status["api"]["max"] > 0 and status["api"]["used"] > 0
    assert run(["apply", str(plan_file)]) == 0  # the saved plan is a person's to apply
    assert len(_leads(local_org)) == 2


def test_fill_empty_fills_an_empty_field_and_leaves_a_human_set_value(
    org_workdir: Path,
    local_org: LocalOrgHandle,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
) -> None:
    sf = local_org.simple_salesforce()
    sf.Lead.create(
        {"LastName": "Gibbons", "Company": "Initech", "Email": "peter@initech.example", "Description": "Ask Bill"}
    )
    sf.Lead.create({"LastName": "Waddams", "Company": "Initech", "Email": "milton@initech.example"})
    _project(org_workdir, "fill_empty", NOTES)
    event = _cycle(capsys)
    assert (event["outcome"], event["planned"], event["pending"], event["rows"]) == ("applied", 2, 1, {"written": 1})
    leads = _leads(local_org)
    assert leads["peter@initech.example"]["Description"] == "Ask Bill"  # an update of a set value: held back
    assert leads["milton@initech.example"]["Description"] == "Stapler"  # an empty field: filled
    again = _cycle(capsys)
    assert (again["outcome"], again["pending"]) == ("planned", 1)


def test_a_paused_store_is_planned_not_written_and_every_view_says_so(
    org_workdir: Path,
    local_org: LocalOrgHandle,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _project(org_workdir, "all")
    monkeypatch.setenv("GITHUB_ACTOR", "octocat")
    assert run(["pause", "--reason", "quarter-end freeze"]) == 0
    capsys.readouterr()
    assert run(["apply", "--auto-approve"]) == ExitCode.PAUSED
    err = capsys.readouterr().err
    assert "writes are paused by octocat (GitHub Actions) at " in err and "quarter-end freeze" in err
    event = _cycle(capsys)
    assert (event["outcome"], event["pending"], event["rows"]) == ("paused", 2, {})
    assert _leads(local_org) == {}
    assert run(["plan", "-o", "plan.json"]) == 0
    assert "warning: store paused by octocat (GitHub Actions) at " in capsys.readouterr().out
    assert run(["show", "plan.json", "--format", "markdown"]) == 0
    assert "store paused by octocat (GitHub Actions)" in capsys.readouterr().out
    assert run(["show", "plan.json", "--format", "json"]) == 0
    diagnostics = json.loads(capsys.readouterr().out)["diagnostics"]
    assert any(d["summary"].startswith("store paused by octocat") for d in diagnostics)
    for command in (["status"], ["state", "show"]):
        assert run(command) == 0
        assert "PAUSED by octocat (GitHub Actions)" in capsys.readouterr().out
    assert run(["resume"]) == 0
    assert "resumed by octocat (GitHub Actions)" in capsys.readouterr().out
    assert run(["apply", "plan.json"]) == 0  # made while paused, applied once resumed
    assert len(_leads(local_org)) == 2


def test_a_cycle_past_the_api_share_does_not_start(
    org_workdir: Path,
    local_org: LocalOrgHandle,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
) -> None:
    _project(org_workdir, "all")
    was = local_org.control("api-limit", "PUT", {})
    local_org.control("api-limit", "PUT", {"max": 1000, "used": 600})  # past the default share of 0.5
    try:
        event = _cycle(capsys)
    finally:
        local_org.control("api-limit", "PUT", was)
    assert (event["outcome"], event["planned"], event["rows"]) == ("over_budget", 0, {})
    assert event["api_max"] == 1000 and event["api_used"] >= 600 and "max_api_share 0.5" in event["message"]
    assert _leads(local_org) == {}
    assert run(["status"]) == 0
    assert "API budget: " in capsys.readouterr().out


def test_a_config_error_is_shown_at_its_place_and_ends_the_run(
    org_workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (org_workdir / "sfsync.yaml").write_text(initech_leads().replace("leads}", "leads, auto_apply: sometimes}"))
    capsys.readouterr()
    assert run(["run", "--once"]) == 1
    err = capsys.readouterr().err
    assert "sfsync.yaml:" in err and "auto_apply" in err and "Traceback" not in err
