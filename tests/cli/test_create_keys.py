"""A config whose creates carry no match key is refused by `validate --online` and `plan`, and warned offline."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_org import PASSWORD_LOGIN

from sfsync.cli import run
from sfsync.engine.plans.file import plan_document
from sfsync.localorg.testing import LocalOrgHandle, local_org  # noqa: F401 - the shared fixture

pytestmark = pytest.mark.org

CONFIG = (
    PASSWORD_LOGIN
    + """\
sync: {write: true, person_object: contacts_and_accounts}
mappings:
  Account:
    Name: company.name
  Contact:
    Email: {from: person.email, direction: read}
    LastName: person.last_name
plays:
  - name: everyone
    audience: {object: person}
    sync_to_salesforce: {}
"""
)
EXPECTED = {
    (13, "error", "Account creates would carry no match key: nothing writes Account.Website"),
    (16, "error", "Contact creates would carry no match key: nothing writes Contact.Email"),
}


@pytest.fixture
def workdir(org_workdir: Path) -> Path:
    (org_workdir / "sfsync.yaml").write_text(CONFIG, encoding="utf-8")
    return org_workdir


def _found(report: dict[str, list[dict[str, object]]]) -> set[tuple[object, object, object]]:
    return {(d["line"], d["severity"], d["summary"]) for d in report["diagnostics"] if "match key" in str(d["summary"])}


def test_validate_online_refuses_creates_without_their_key(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["validate", "--online", "--format", "json", "sfsync.yaml"]) == 1
    assert _found(json.loads(capsys.readouterr().out)) == EXPECTED


def test_plan_refuses_creates_without_their_key(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["plan", "--format", "json", "--out", "plan.json"]) == 1
    capsys.readouterr()
    plan = plan_document(workdir / "plan.json")
    assert _found(plan) == EXPECTED


def test_offline_validate_warns_and_an_external_id_lifts_the_rule(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["validate", "--format", "json", "sfsync.yaml"]) == 0
    assert _found(json.loads(capsys.readouterr().out)) == {(line, "warning", s) for line, _, s in EXPECTED}
    text = CONFIG.replace(
        "person_object: contacts_and_accounts}",
        "person_object: contacts_and_accounts,\n  external_id_field: Sfsync_Id__c}",
    )
    (workdir / "sfsync.yaml").write_text(text, encoding="utf-8")
    assert run(["validate", "--online", "--format", "json", "sfsync.yaml"]) == 0
    assert _found(json.loads(capsys.readouterr().out)) == set()
