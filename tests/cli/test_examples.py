"""Each example config does what its header says: planned and applied as shipped against the local org,
with examples/data loaded and the environment `sfsync localorg env` prints, it writes the objects and
counts the header promises and nothing else, and the next plan has nothing to write."""

from __future__ import annotations

import csv
import shlex
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from sfsync.cli import run
from sfsync.localorg.testing import LocalOrgHandle
from sfsync.store.normalise import normalise_domain

pytestmark = pytest.mark.org
ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
HIGH_INTENT_DESCRIPTION = "High intent at {}; synced from the workspace"
OTHER_DESCRIPTION = "Synced from the workspace for {}"


def rows(name: str) -> list[dict[str, str]]:
    with (EXAMPLES / "data" / name).open(encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


COMPANIES = {normalise_domain(c["Domain"]).value: c for c in rows("companies.csv")}
PEOPLE = rows("people.csv")


def header(example: str) -> str:
    """The comment block the config opens with: what the example promises."""
    lines = (EXAMPLES / example / "sfsync.yaml").read_text(encoding="utf-8").splitlines()
    return " ".join(line.lstrip("# ") for line in lines if line.startswith("#"))


def query(local_org: LocalOrgHandle, soql: str) -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = local_org.simple_salesforce().query_all(soql)["records"]
    return records


def stamps(local_org: LocalOrgHandle) -> dict[str, str]:
    """Every record the seed made, with the stamp that moves on any write to it."""
    found: dict[str, str] = {}
    for sobject in ("Account", "Contact", "Lead"):
        for record in query(local_org, f"SELECT Id, SystemModstamp FROM {sobject}"):  # noqa: S608 - a fixed name
            found[record["Id"]] = record["SystemModstamp"]
    return found


@pytest.fixture
def example_dir(
    request: pytest.FixtureRequest, org_workdir: Path, local_org: LocalOrgHandle, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """A copy of the example, the environment from `sfsync localorg env`, and examples/data loaded."""
    work = org_workdir / request.param
    shutil.copytree(EXAMPLES / request.param, work)
    monkeypatch.chdir(work)
    local_org.reset()
    capsys = request.getfixturevalue("capsys")
    assert run(["localorg", "env", "--data", str(local_org.data_dir)]) == 0
    for line in capsys.readouterr().out.splitlines():
        name, value = shlex.split(line.removeprefix("export "))[0].split("=", 1)
        monkeypatch.setenv(name, value)
    for name, kind in (("companies.csv", "company"), ("people.csv", "person")):
        assert run(["workspace", "load", str(EXAMPLES / "data" / name), "--object", kind]) == 0
    return work


def plan_and_apply(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["validate"]) == 0
    assert "warning" not in capsys.readouterr().err  # nothing in the example is dead config
    assert run(["validate", "--online"]) == 0
    assert run(["plan", "-o", "plan.json"]) == 0
    assert run(["apply", "plan.json"]) == 0
    capsys.readouterr()
    assert run(["plan", "--detailed-exitcode"]) == 0, capsys.readouterr().out
    assert "No changes to write." in capsys.readouterr().out


@pytest.mark.parametrize("example_dir", ["contacts-accounts"], indirect=True)
def test_contacts_accounts_writes_each_person_as_a_contact_under_their_companys_account(
    example_dir: Path, local_org: LocalOrgHandle, capsys: pytest.CaptureFixture[str]
) -> None:
    said = header("contacts-accounts")
    assert "30 Accounts (11 of them AccountSource Web) and 60 Contacts are created" in said
    assert "(19 with the play's Description)" in said
    seeded = stamps(local_org)

    plan_and_apply(capsys)

    accounts = query(local_org, "SELECT Id, Name, Website, AccountSource FROM Account WHERE Sfsync_Id__c != null")
    by_domain = {normalise_domain(a["Website"]).value: a for a in accounts}
    assert len(accounts) == len(by_domain) == len(COMPANIES) == 30
    assert set(by_domain) == set(COMPANIES)
    for domain, account in by_domain.items():
        company = COMPANIES[domain]
        assert account["Name"] == company["Name"]
        assert account["AccountSource"] == ("Web" if company["Intent Level"] == "High" else "Other")
    assert sum(a["AccountSource"] == "Web" for a in accounts) == 11

    contacts = query(local_org, "SELECT Email, AccountId, Description FROM Contact WHERE Sfsync_Id__c != null")
    assert len(contacts) == len(PEOPLE) == 60
    assert {c["Email"] for c in contacts} == {p["Email"].lower() for p in PEOPLE}
    people = {p["Email"].lower(): p for p in PEOPLE}
    for contact in contacts:
        company_domain = normalise_domain(people[contact["Email"]]["Company Domain"]).value
        assert contact["AccountId"] == by_domain[company_domain]["Id"]  # under its company's Account
        company = COMPANIES[company_domain]
        wording = HIGH_INTENT_DESCRIPTION if company["Intent Level"] == "High" else OTHER_DESCRIPTION
        assert contact["Description"] == wording.format(company["Name"])
    assert sum(c["Description"].startswith("High intent") for c in contacts) == 19

    assert {k: v for k, v in stamps(local_org).items() if k in seeded} == seeded  # no seeded record written


@pytest.mark.parametrize("example_dir", ["quickstart"], indirect=True)
def test_quickstart_writes_the_people_of_high_and_medium_intent_companies_as_leads(
    example_dir: Path, local_org: LocalOrgHandle, capsys: pytest.CaptureFixture[str]
) -> None:
    assert "26 Leads are created, no other record is written" in header("quickstart")
    seeded = stamps(local_org)

    plan_and_apply(capsys)

    leads = [
        lead
        for lead in query(
            local_org, "SELECT Id, Email, Company, Website, Sfsync_Intent__c, LeadSource, Status FROM Lead"
        )
        if lead["Id"] not in seeded
    ]
    wanted = {
        p["Email"].lower(): COMPANIES[normalise_domain(p["Company Domain"]).value]
        for p in PEOPLE
        if COMPANIES[normalise_domain(p["Company Domain"]).value]["Intent Level"] in ("High", "Medium")
    }
    assert len(leads) == len(wanted) == 26
    assert {lead["Email"] for lead in leads} == set(wanted)
    for lead in leads:
        company = wanted[lead["Email"]]
        assert lead["Company"] == company["Name"] and lead["Sfsync_Intent__c"] == company["Intent Level"]
        assert normalise_domain(lead["Website"]).value == normalise_domain(company["Domain"]).value
        assert (lead["LeadSource"], lead["Status"]) == ("Web", "Open - Not Contacted")
    now = stamps(local_org)
    assert {k: v for k, v in now.items() if k in seeded} == seeded  # no seeded record written
    assert len(now) == len(seeded) + 26  # and nothing but the Leads created


def _crm_database(path: Path) -> str:
    """examples/data/people.csv as the `contacts` table the sources example reads, in a SQLite file."""
    with sqlite3.connect(path) as conn:
        conn.execute(
            "CREATE TABLE contacts (id INTEGER PRIMARY KEY, email TEXT, given_name TEXT, family_name TEXT, "
            "job_title TEXT, phone TEXT, company_domain TEXT)"
        )
        conn.executemany(
            "INSERT INTO contacts VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                (n, p["Email"], p["First Name"], p["Last Name"], p["Title"], p["Work Phone"], p["Company Domain"])
                for n, p in enumerate(PEOPLE, start=1)
            ],
        )
    conn.close()
    return f"sqlite:///{path}"


def test_the_sources_example_plans_its_declared_records_with_no_load_command(
    org_workdir: Path, local_org: LocalOrgHandle, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert "26 Leads are created, no other record is written" in header("sources")
    work = org_workdir / "sources"
    shutil.copytree(EXAMPLES / "sources", work)
    shutil.copytree(EXAMPLES / "data", org_workdir / "data")  # `../data/companies.csv`, as in the repository
    monkeypatch.chdir(work)
    local_org.reset()
    assert run(["localorg", "env", "--data", str(local_org.data_dir)]) == 0
    for line in capsys.readouterr().out.splitlines():
        name, value = shlex.split(line.removeprefix("export "))[0].split("=", 1)
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("CRM_DATABASE_URL", _crm_database(org_workdir / "crm.db"))
    seeded = stamps(local_org)

    plan_and_apply(capsys)

    leads = [lead for lead in query(local_org, "SELECT Id, Email FROM Lead") if lead["Id"] not in seeded]
    wanted = {
        p["Email"].lower()
        for p in PEOPLE
        if COMPANIES[normalise_domain(p["Company Domain"]).value]["Intent Level"] in ("High", "Medium")
    }
    assert len(leads) == len(wanted) == 26
    assert {lead["Email"] for lead in leads} == wanted
    assert len(stamps(local_org)) == len(seeded) + 26  # and nothing but the Leads created
