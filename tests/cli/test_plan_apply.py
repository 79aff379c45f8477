"""`sfsync plan`, `show` and `apply` end to end against the local org: exit codes and what they say."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from cli_org import PASSWORD_LOGIN, initech_leads

from sfsync.cli import run
from sfsync.engine.plans.file import plan_document
from sfsync.localorg import seeding
from sfsync.localorg.testing import LocalOrgHandle, local_org  # noqa: F401 - the shared fixture

pytestmark = pytest.mark.org

CONFIG = initech_leads(write="WRITE")
PEOPLE = "email,last_name\npeter@initech.example,Gibbons\nmilton@initech.example,Waddams\n"


@pytest.fixture
def workdir(
    local_org: LocalOrgHandle,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[Path]:
    local_org.use_password_login(monkeypatch)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.chdir(tmp_path)
    (tmp_path / "sfsync.yaml").write_text(CONFIG.replace("WRITE", "true"), encoding="utf-8")
    (tmp_path / "people.csv").write_text(PEOPLE, encoding="utf-8")
    assert run(["workspace", "load", "people.csv", "--object", "person"]) == 0
    yield tmp_path
    seeding.reset(local_org.running.app.org)


def test_plan_apply_plan_round(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["plan", "-o", "plan.json", "--detailed-exitcode"]) == 2
    out = capsys.readouterr().out
    assert "+ Lead (new) for person peter@initech.example" in out
    assert "Plan: 2 to create, 0 to update" in out
    assert run(["show", "plan.json", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["counts"]["Lead"]["create"] == 2
    assert run(["apply", "plan.json"]) == 0
    assert "Apply complete: 2 written." in capsys.readouterr().out
    assert run(["plan", "--detailed-exitcode"]) == 0
    assert "No changes to write." in capsys.readouterr().out


def test_a_used_plan_is_stale(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["plan", "-o", "plan.json"]) == 0
    assert run(["apply", "--auto-approve"]) == 0
    capsys.readouterr()
    assert run(["apply", "plan.json"]) == 1
    assert "the plan is stale: the store changed since the plan (serial" in capsys.readouterr().err


def test_write_disabled_says_so(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (workdir / "sfsync.yaml").write_text(CONFIG.replace("WRITE", "false"), encoding="utf-8")
    assert run(["plan", "--detailed-exitcode"]) == 0
    out = capsys.readouterr().out
    assert "writing disabled (sync.write: false)" in out and "sync.write is false" in out
    assert run(["apply", "--auto-approve"]) == 0
    assert "nothing was written to Salesforce" in capsys.readouterr().out


def test_refresh_reads_incrementally(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["refresh"]) == 0
    assert "Lead: 3 read (full, REST), 0 deleted" in capsys.readouterr().out
    assert run(["refresh"]) == 0
    assert "Lead: 0 read (incremental, REST)" in capsys.readouterr().out


def test_show_markdown_is_a_comment_for_the_pull_request(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["plan", "-o", "plan.json"]) == 0
    capsys.readouterr()
    assert run(["show", "plan.json", "--format", "markdown"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("### sfsync plan: 2 to create, 0 to update") and "not a new entrant" in out


def _events(text: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in text.splitlines()]


def test_json_format_streams_ndjson_events(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["plan", "--format", "json", "-o", "plan.json"]) == 0
    planned = _events(capsys.readouterr().out)
    assert planned[0]["type"] == "started" and planned[-1]["type"] == "summary"
    assert any(e["type"] == "progress" and e["phase"] == "refresh" and e["sobject"] == "Lead" for e in planned)
    counts = planned[-1]["counts"]
    assert isinstance(counts, dict) and counts["Lead"]["create"] == 2 and counts["Lead"]["update"] == 0

    assert run(["apply", "plan.json", "--format", "json"]) == 0
    applied = _events(capsys.readouterr().out)
    kinds = [e["type"] for e in applied]
    assert kinds[0] == "started" and kinds[-1] == "summary" and kinds.count("row_result") == 2
    assert {"phase": "apply", "sobject": "Lead", "done": 2, "total": 2}.items() <= next(
        e for e in reversed(applied) if e["type"] == "progress"
    ).items()
    assert applied[-1]["ok"] is True and applied[-1]["counts"] == {"written": 2}


def test_apply_json_refuses_to_prompt(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["apply", "--format", "json"]) == 1
    assert "give a plan file or --auto-approve" in capsys.readouterr().err


def test_a_create_a_duplicate_rule_refused_is_not_resent_and_apply_exits_0_the_second_time(
    workdir: Path,
    local_org: LocalOrgHandle,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
) -> None:
    rule = {"object": "Lead", "name": "Lead_Name_Company", "fields": ["LastName", "Company"], "action": "block"}
    local_org.control("duplicate-rules", "PUT", [rule])
    values = {"LastName": "Gibbons", "Company": "[not provided]", "Email": "lumbergh@initech.example"}
    other = local_org.control("records/Lead", "POST", {"as": "ada@acme.local", "values": values})["id"]
    capsys.readouterr()
    assert run(["apply", "--auto-approve"]) == 1
    out = capsys.readouterr().out
    assert "DUPLICATES_DETECTED" in out and "ambiguous" in out
    assert run(["plan", "--detailed-exitcode"]) == 0
    out = capsys.readouterr().out
    assert "peter@initech.example" in out and "not resent until" in out
    assert run(["apply", "--auto-approve"]) == 0
    assert "Apply complete: nothing to write." in capsys.readouterr().out
    sf = local_org.simple_salesforce()
    assert sf.Lead.get(other)["Email"] == "lumbergh@initech.example"
    assert sf.query("SELECT Id FROM Lead WHERE Email = 'peter@initech.example'")["totalSize"] == 0


DATED = (
    PASSWORD_LOGIN
    + """\
sync: {write: true, person_object: contacts_and_accounts, contacts_without_account: create}
mappings:
  Account:
    Name: company.name
    Website: company.domain
  Contact:
    Email: {from: person.email, direction: read_write}
    LastName: person.last_name
    Birthdate: person.last_activity_date
    EmailBouncedDate: {from: person.last_activity_date, date_as: midnight_utc}
plays:
  - name: everyone
    audience: {object: person, where: {field: person.email, op: ends_with, value: hooli.example}}
    sync_to_salesforce: {}
"""
)


def test_a_workspace_date_goes_out_as_an_iso_date(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (workdir / "sfsync.yaml").write_text(DATED, encoding="utf-8")
    (workdir / "dated.csv").write_text("email,last_name,last_activity_date\ngavin@hooli.example,Belson,2024-01-31\n")
    assert run(["workspace", "load", "dated.csv", "--object", "person"]) == 0
    capsys.readouterr()
    assert run(["plan", "-o", "plan.json", "--detailed-exitcode"]) == 2
    (change,) = plan_document(workdir / "plan.json")["changes"]
    after = {f["field"]: f["after"] for f in change["fields"]}
    assert after["Birthdate"] == "2024-01-31" and after["EmailBouncedDate"] == "2024-01-31T00:00:00.000+0000"
    assert run(["apply", "plan.json"]) == 0
    capsys.readouterr()
    assert run(["plan", "--detailed-exitcode"]) == 0  # Salesforce's form of both is what was sent
    assert "No changes to write." in capsys.readouterr().out


def test_a_date_for_a_datetime_field_without_date_as_is_an_invalid_value(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (workdir / "sfsync.yaml").write_text(DATED.replace(", date_as: midnight_utc", ""), encoding="utf-8")
    (workdir / "dated.csv").write_text("email,last_name,last_activity_date\ngavin@hooli.example,Belson,2024-01-31\n")
    assert run(["workspace", "load", "dated.csv", "--object", "person"]) == 0
    capsys.readouterr()
    assert run(["plan", "-o", "plan.json", "--detailed-exitcode"]) == 0
    (skip,) = [s for s in plan_document(workdir / "plan.json")["skips"] if s["code"] == "invalid_value"]
    assert skip["reason"] == (
        "invalid value: EmailBouncedDate (from person.last_activity_date): 2024-01-31 is a date without a time "
        "(`date_as: midnight_utc` on the mapping sends it as midnight UTC)"
    )


def test_refresh_says_how_a_person_followed_an_email_changed_in_salesforce(
    workdir: Path,
    local_org: LocalOrgHandle,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert run(["apply", "--auto-approve"]) == 0
    sf = local_org.simple_salesforce()
    (lead,) = sf.query("SELECT Id FROM Lead WHERE Email = 'peter@initech.example'")["records"]
    edit = {"as": "ada@acme.local", "values": {"Email": "peter.gibbons@initech.example"}}
    assert local_org.control(f"records/Lead/{lead['Id']}", "PATCH", edit)["success"]
    capsys.readouterr()
    assert run(["refresh"]) == 0
    out = capsys.readouterr().out
    assert "key moved: person peter@initech.example: Lead" in out and "email changed in Salesforce" in out


def test_writing_without_a_play_that_syncs_is_warned_at_its_line(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = CONFIG.replace("WRITE", "true")
    (workdir / "sfsync.yaml").write_text(config[: config.index("plays:")], encoding="utf-8")
    assert run(["plan", "--detailed-exitcode"]) == 0
    out = capsys.readouterr().out
    line = CONFIG[: CONFIG.index("WRITE")].count("\n") + 1
    assert f"sfsync.yaml:{line}:15: warning: sync.write is on but no play syncs to Salesforce" in out
    assert "Plan: 0 to create, 0 to update" in out or "No changes to write." in out
