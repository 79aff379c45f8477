"""Contacts mode never creates a Contact without an Account unless the config opts in.

A Contact without an Account is private to its owner in Salesforce: nobody else sees it. End to end
through the CLI against the local org.
"""

from __future__ import annotations

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
sync: {write: true, person_object: contacts_and_accounts SYNC}
mappings:
  Account:
    Name: company.name
    Website: {from: company.domain, direction: read_write}
  Contact:
    Email: {from: person.email, direction: read_write}
    LastName: person.last_name
plays:
  - name: everyone
    audience: {object: person}
    sync_to_salesforce: {}
"""
)
PEOPLE = (
    "email,last_name,company_domain\n"
    "peter@initech.example,Gibbons,initech.example\n"
    "lone@nowhere.example,Lone,\n"
    "nameless@unnamed.example,Nameless,unnamed.example\n"
)
COMPANIES = "domain,name\ninitech.example,Initech\nunnamed.example,\n"


@pytest.fixture
def workdir(org_workdir: Path) -> Path:
    _configure("")
    (org_workdir / "people.csv").write_text(PEOPLE, encoding="utf-8")
    (org_workdir / "companies.csv").write_text(COMPANIES, encoding="utf-8")
    assert run(["workspace", "load", "companies.csv", "--object", "company"]) == 0
    assert run(["workspace", "load", "people.csv", "--object", "person"]) == 0
    return org_workdir


def _configure(sync: str) -> None:
    Path("sfsync.yaml").write_text(CONFIG.replace(" SYNC", sync), encoding="utf-8")


def _plan(sync: str, capsys: pytest.CaptureFixture[str]) -> dict[str, object]:
    _configure(sync)
    assert run(["plan", "-o", "plan.json"]) == 0
    capsys.readouterr()
    return dict(plan_document(Path("plan.json")))


def _contacts(org: LocalOrgHandle, email: str) -> list[tuple[str | None]]:
    connection = org.running.app.org.connect()
    query = 'SELECT "AccountId" FROM "Contact" WHERE "Email" = ? AND "IsDeleted" = 0'
    return [tuple(row) for row in connection.execute(query, (email,)).fetchall()]


def test_a_person_without_an_account_is_skipped(
    workdir: Path,
    local_org: LocalOrgHandle,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
) -> None:
    plan = _plan("", capsys)
    skips = {s["workspace"]["label"]: s for s in plan["skips"]}  # type: ignore[index, union-attr]
    assert skips["lone@nowhere.example"]["code"] == "no_account"
    assert "no company" in skips["lone@nowhere.example"]["reason"]
    assert skips["nameless@unnamed.example"]["code"] == "no_account"
    assert "unnamed.example" in skips["nameless@unnamed.example"]["reason"]
    assert run(["apply", "plan.json"]) == 0
    assert _contacts(local_org, "lone@nowhere.example") == []
    assert _contacts(local_org, "nameless@unnamed.example") == []
    ((account_id,),) = _contacts(local_org, "peter@initech.example")
    assert account_id is not None


def test_the_config_can_opt_in_to_contacts_without_an_account(
    workdir: Path,
    local_org: LocalOrgHandle,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
) -> None:
    plan = _plan(", contacts_without_account: create", capsys)
    created = {c["workspace"]["label"] for c in plan["changes"] if c["sobject"] == "Contact"}  # type: ignore[index, union-attr]
    assert {"lone@nowhere.example", "nameless@unnamed.example", "peter@initech.example"} <= created
    assert run(["apply", "plan.json"]) == 0
    assert _contacts(local_org, "lone@nowhere.example") == [(None,)]
