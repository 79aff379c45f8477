"""A sensitive mapped field through `sfsync plan -o` and `apply` against the local org.

The saved plan holds neither the value sfsync writes nor the one Salesforce held (only their keyed
digests), is readable by its owner only, and applies the right value, taken from the store again. A
workspace value that moved between plan and apply makes apply refuse that record, naming it and the
field, never the value.
"""

from __future__ import annotations

import gzip
import sqlite3
import stat
from pathlib import Path
from typing import Any

import pytest
from cli_org import PASSWORD_LOGIN

from sfsync.cli import run
from sfsync.engine.plans.file import plan_document
from sfsync.localorg.testing import LocalOrgHandle, local_org  # noqa: F401 - the shared fixture
from sfsync.salesforce.query import Ne
from sfsync.salesforce.soql import select

pytestmark = pytest.mark.org

CONFIG = (
    PASSWORD_LOGIN
    + """\
sync: {write: true, person_object: leads}
mappings:
  Lead:
    Email: {from: person.email, direction: read_write}
    LastName: person.last_name
    Company: company.name
    MobilePhone: {from: person.mobile_phone, sensitive: true, policy: owned}
defaults:
  Lead: {Company: "[not provided]"}
plays:
  - name: everyone
    audience: {object: person, where: {field: person.email, op: ends_with, value: initech.example}}
    sync_to_salesforce: {}
"""
)
PETER_MOBILE = "+1 555 0142 x7301"  # a new Lead's value
MILTON_MOBILE = "+1 555 0177 x9904"  # overwrites (owned) the value below
MILTON_BEFORE = "+1 555 0199 x4410"  # what Salesforce holds before the apply
PEOPLE = (
    "email,last_name,mobile_phone\n"
    f"peter@initech.example,Gibbons,{PETER_MOBILE}\n"
    f"milton@initech.example,Waddams,{MILTON_MOBILE}\n"
)
SECRETS = [PETER_MOBILE, MILTON_MOBILE, MILTON_BEFORE]


@pytest.fixture
def workdir(org_workdir: Path, local_org: LocalOrgHandle) -> Path:  # noqa: F811
    """Milton's Lead is in Salesforce with a mobile number a person typed; both people are loaded."""
    values = {"LastName": "Waddams", "Company": "Initech", "Email": "milton@initech.example"}
    created = local_org.control("records/Lead", "POST", {"as": "ada@acme.local", "values": values})
    local_org.control(f"records/Lead/{created['id']}", "PATCH", {"as": "ada@acme.local", "values": _before()})
    (org_workdir / "sfsync.yaml").write_text(CONFIG, encoding="utf-8")
    (org_workdir / "people.csv").write_text(PEOPLE, encoding="utf-8")
    assert run(["workspace", "load", "people.csv", "--object", "person"]) == 0
    return org_workdir


def _before() -> dict[str, str]:
    return {"MobilePhone": MILTON_BEFORE}


def _mobiles(org: LocalOrgHandle) -> dict[str, Any]:
    rows = org.simple_salesforce().query(select(["Email", "MobilePhone"], "Lead", Ne("Company", "x")))
    return {row["Email"]: row["MobilePhone"] for row in rows["records"]}


def _field(plan: dict[str, Any], key: str, name: str) -> dict[str, Any]:
    change = next(c for c in plan["changes"] if c["workspace"]["label"] == key)
    return next(f for f in change["fields"] if f["field"] == name)


def test_a_saved_plan_holds_digests_only_is_private_and_applies_the_values(
    workdir: Path,
    local_org: LocalOrgHandle,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
) -> None:
    (workdir / "plan.json").write_text("an older plan\n", encoding="utf-8")
    (workdir / "plan.json").chmod(0o644)  # a file already there is made private too
    assert run(["plan", "-o", "plan.json"]) == 0
    printed = capsys.readouterr().out
    saved = gzip.decompress((workdir / "plan.json").read_bytes())
    assert [s for s in SECRETS if s.encode() in saved or s in printed] == []
    assert stat.S_IMODE((workdir / "plan.json").stat().st_mode) == 0o600
    plan = plan_document(workdir / "plan.json")
    created, updated = (
        _field(plan, "peter@initech.example", "MobilePhone"),
        _field(plan, "milton@initech.example", "MobilePhone"),
    )
    assert created["sensitive"] and created["before"] is None and created["after"]["digest"].startswith("hmac-sha256:")
    assert updated["before"]["digest"].startswith("hmac-sha256:") and updated["after"] != updated["before"]

    assert run(["show", "plan.json"]) == 0
    shown = capsys.readouterr().out
    assert "(sensitive)" in shown and "digest" not in shown and "hmac" not in shown

    assert run(["apply", "plan.json"]) == 0
    assert "Apply complete: 2 written." in capsys.readouterr().out
    mobiles = _mobiles(local_org)
    assert mobiles["peter@initech.example"] == PETER_MOBILE and mobiles["milton@initech.example"] == MILTON_MOBILE
    assert run(["plan", "--detailed-exitcode"]) == 0  # what was written is exactly what the workspace holds


def test_a_workspace_value_moved_since_the_plan_refuses_that_record(
    workdir: Path,
    local_org: LocalOrgHandle,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert run(["plan", "-o", "plan.json"]) == 0
    moved = "+1 555 0123 x5555"
    # The workspace moves without the store's serial (as a value the plan read, then rolled back, does).
    with sqlite3.connect(workdir / "sfsync.db") as db:
        db.execute("UPDATE person SET mobile_phone = ? WHERE email_norm = ?", (moved, "peter@initech.example"))
    capsys.readouterr()
    assert run(["apply", "plan.json"]) == 0
    out = capsys.readouterr().out
    assert "conflict Lead" in out and "(person peter@initech.example)" in out
    assert "MobilePhone (from person.mobile_phone): its value is no longer the one planned" in out
    assert "Apply complete: 1 conflict, 1 written." in out and moved not in out and PETER_MOBILE not in out
    mobiles = _mobiles(local_org)
    assert "peter@initech.example" not in mobiles and mobiles["milton@initech.example"] == MILTON_MOBILE
    assert run(["plan", "-o", "again.json"]) == 0  # the record waits for a new plan, which plans the new value
    assert run(["apply", "again.json"]) == 0
    assert _mobiles(local_org)["peter@initech.example"] == moved
