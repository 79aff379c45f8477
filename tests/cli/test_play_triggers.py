"""A play's trigger is spent only on what apply did: skips that a later plan can undo leave entrants.

End to end through the CLI against the local org: the store records a person as a play member only
once their record was written (or linked), or their skip is final by rule.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_org import PASSWORD_LOGIN

from sfsync.cli import run
from sfsync.engine.plans.file import plan_document
from sfsync.localorg.testing import LocalOrgHandle, local_org  # noqa: F401 - the shared fixture

pytestmark = pytest.mark.org
BOB = "bob@initech.example"

CONFIG = (
    PASSWORD_LOGIN
    + """\
sync: {write: WRITE, person_object: leads}
mappings:
  Lead:
    Email: {from: person.email, direction: read_write}
    LastName: person.last_name
    Company: company.name
defaults:
  Lead: {Company: "[not provided]"}
plays:
  - name: everyone
    audience: {object: person}
    sync_to_salesforce: {}
"""
)


@pytest.fixture
def workdir(org_workdir: Path) -> Path:
    return org_workdir


def _config(write: bool) -> None:
    Path("sfsync.yaml").write_text(CONFIG.replace("WRITE", "true" if write else "false"), encoding="utf-8")


def _load(rows: str) -> None:
    Path("people.csv").write_text("email,last_name\n" + rows, encoding="utf-8")
    assert run(["workspace", "load", "people.csv", "--object", "person"]) == 0


def _planned(capsys: pytest.CaptureFixture[str]) -> dict[str, list[str]]:
    """What `plan` would do to the people at initech.example: the actions of its changes, the codes of its skips.

    (The seeded org's own people, read into the workspace, are left out.)"""
    capsys.readouterr()
    assert run(["plan", "-o", "plan.json"]) == 0
    capsys.readouterr()
    document = plan_document(Path("plan.json"))
    found: dict[str, list[str]] = {}
    for change in document["changes"]:
        found.setdefault(change["workspace"]["label"], []).append(change["action"])
    for skip in document["skips"]:
        found.setdefault(skip["workspace"]["label"], []).append(skip["code"])
    return {email: codes for email, codes in found.items() if email.endswith("@initech.example")}


def _leads(org: LocalOrgHandle, email: str) -> int:
    connection = org.running.app.org.connect()
    row = connection.execute('SELECT COUNT(*) FROM "Lead" WHERE "Email" = ? AND "IsDeleted" = 0', (email,)).fetchone()
    return int(row[0])


def test_entrants_skipped_while_writing_is_off_are_written_once_it_is_on(
    workdir: Path,
    local_org: LocalOrgHandle,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
) -> None:
    _config(write=False)
    _load("peter@initech.example,Gibbons\n")
    assert _planned(capsys) == {"peter@initech.example": ["write_disabled"]}
    assert run(["apply", "plan.json"]) == 0
    _config(write=True)
    assert _planned(capsys) == {"peter@initech.example": ["create"]}
    assert run(["apply", "plan.json"]) == 0
    assert _leads(local_org, "peter@initech.example") == 1


def test_a_person_skipped_for_missing_data_is_created_once_fixed(
    workdir: Path,
    local_org: LocalOrgHandle,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
) -> None:
    _config(write=True)
    _load("milton@initech.example,\npeter@initech.example,Gibbons\n")
    planned = _planned(capsys)
    assert planned["milton@initech.example"] == ["missing_required"]
    assert run(["apply", "plan.json"]) == 0
    _load("milton@initech.example,Waddams\n")
    assert _planned(capsys) == {"milton@initech.example": ["create"]}
    assert run(["apply", "plan.json"]) == 0
    assert _leads(local_org, "milton@initech.example") == 1


def test_a_final_skip_spends_the_trigger(
    workdir: Path,
    local_org: LocalOrgHandle,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A person whose every field is kept by policy was acted on: the next plan does not list them again."""
    local_org.control(
        "records/Lead",
        "POST",
        {"as": "ada@acme.local", "values": {"LastName": "Bolton", "Company": "Initech", "Email": BOB}},
    )
    _config(write=True)
    _load("bob@initech.example,Slydell\n")
    assert _planned(capsys) == {"bob@initech.example": ["policy"]}
    assert run(["apply", "plan.json"]) == 0
    assert _planned(capsys) == {"bob@initech.example": ["not_in_play"]}
