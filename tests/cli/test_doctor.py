"""`sfsync doctor` against the local org: green for the integration user, every gap for a restricted one."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sfsync.cli import run
from sfsync.localorg.testing import LocalOrgHandle, local_org  # noqa: F401 - the shared fixture

CONFIG = """\
version: 1
connection:
  instance_url: ${SF_INSTANCE_URL}
  ca_bundle: ${SF_CA_BUNDLE}
  auth:
    method: password
    username: ${SF_USERNAME}
    password: ${SF_PASSWORD}
    security_token: ${SF_SECURITY_TOKEN}
  integration_user: INTEGRATION
sync:
  person_object: leads
mappings:
  Lead:
    Email: {from: person.email, direction: read_write}
    LastName: person.last_name
    Company: company.name
    Phone: {from: person.phone, direction: read}
    Website: company.domain
exclusions:
  - name: customers
    applies_to: company
    where: {salesforce: Account, field: Type, op: eq, value: Customer}
"""
USERS = {
    "integration": ("integration@acme.local", "integration-pass", "LOCALTOKEN"),
    "restricted": ("restricted@acme.local", "restricted-pass", "RESTRICTEDTOKEN"),
    "noapi": ("noapi@acme.local", "noapi-pass", ""),
}


def doctor(
    local_org: LocalOrgHandle,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    who: str,
    *args: str,
    kind: str = "dedicated",
) -> int:
    config = tmp_path / "sfsync.yaml"
    config.write_text(CONFIG.replace("INTEGRATION", kind), encoding="utf-8")
    local_org.use_password_login(monkeypatch, *USERS[who])
    monkeypatch.chdir(tmp_path)
    return run(["doctor", "-c", str(config), *args])


def test_integration_user_is_ready(
    local_org: LocalOrgHandle,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert doctor(local_org, tmp_path, monkeypatch, "integration") == 0
    out = capsys.readouterr().out
    assert "✓ connected to" in out and "as integration@acme.local" in out
    assert "✗" not in out and "?" not in out.replace("?q=", "") and "Ready" in out
    assert "✓ View All Users" in out and "✓ View Setup and Configuration" in out
    assert "✓ Lead.Website: Read and Edit (mapping)" in out and "✓ Account.Type: Read (filter)" in out


def test_restricted_user_gets_exactly_its_gaps(
    local_org: LocalOrgHandle,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert doctor(local_org, tmp_path, monkeypatch, "restricted", "--format", "json") == 1
    report = json.loads(capsys.readouterr().out)
    missing = sorted(c["name"] for c in report["checks"] if c["ok"] is False)
    assert missing == [  # Leads mode never writes an Account or a Contact: their Create and Edit are not asked
        "Lead.Phone: Read (mapping)",
        "Lead.Website: Read and Edit (mapping)",
        "Lead: Create",
        "Opportunity: Read",
        "View All Users",
        "View Setup and Configuration",
    ]
    assert report["connection"]["username"] == "restricted@acme.local" and report["missing"] == 6
    grants = {c["name"]: c["grant"] for c in report["checks"] if c["ok"] is False}
    assert 'profile "Restricted API"' in grants["Lead: Create"]
    assert "Field Permissions → Website → Edit Access" in grants["Lead.Website: Read and Edit (mapping)"]


def test_contacts_mode_asks_for_account_and_contact_writes_and_only_reads_leads(
    local_org: LocalOrgHandle,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    config = tmp_path / "sfsync.yaml"
    contacts = CONFIG.replace("person_object: leads", "person_object: contacts_and_accounts").replace(
        "  Lead:", "  Contact:"
    )
    config.write_text(
        contacts.replace("INTEGRATION", "dedicated").replace("    Website: company.domain\n", ""), "utf-8"
    )
    local_org.use_password_login(monkeypatch, *USERS["restricted"])
    monkeypatch.chdir(tmp_path)
    assert run(["doctor", "-c", str(config), "--format", "json"]) == 1
    checks = {c["name"]: c["ok"] for c in json.loads(capsys.readouterr().out)["checks"] if c["kind"] == "object"}
    assert {name: ok for name, ok in checks.items() if not ok} == {
        "Account: Create": False, "Account: Edit": False, "Contact: Create": False, "Contact: Edit": False,
        "Opportunity: Read": False,
    }  # fmt: skip
    assert "Lead: Read" in checks and "Lead: Create" not in checks and "Lead: Edit" not in checks


def test_advice_follows_the_kind_of_integration_user(
    local_org: LocalOrgHandle,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert doctor(local_org, tmp_path, monkeypatch, "restricted", kind="shared") == 1
    out = capsys.readouterr().out
    assert "✗ Opportunity: Read" in out and "permission set assigned to restricted@acme.local" in out
    assert "changing the shared profile" in out and "3 required" not in out
    assert "6 required permissions are missing." in out
    assert "✗ View All Users" in out and "✗ View Setup and Configuration" in out


def test_a_user_without_api_access(
    local_org: LocalOrgHandle,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert doctor(local_org, tmp_path, monkeypatch, "noapi") == 1
    out = capsys.readouterr().out
    assert "✗ could not connect (API_CURRENTLY_DISABLED)" in out
    assert "✗ API Enabled" in out and "System Permissions → API Enabled" in out


BLOCKING_LEAD = {"object": "Lead", "name": "Lead_Email_Block", "field": "Email", "action": "block"}
INACTIVE_ACCOUNT = {
    "object": "Account",
    "name": "Account_Website",
    "field": "Website",
    "action": "block",
    "active": False,
}


@pytest.fixture
def rules_restored(local_org: LocalOrgHandle) -> Iterator[LocalOrgHandle]:  # noqa: F811
    """The shared org, its seeded duplicate rules and fault plan back afterwards."""
    yield local_org
    local_org.reset()


def _guards(out: str) -> dict[str, dict[str, Any]]:
    return {g["object"]: g for g in json.loads(out)["duplicate_rules"]}


def test_a_lead_rule_that_only_alerts_is_a_warning_not_an_error(
    rules_restored: LocalOrgHandle, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert doctor(rules_restored, tmp_path, monkeypatch, "integration") == 0  # warnings never fail doctor
    out = capsys.readouterr().out
    warning = out.split("Duplicate rules")[1]
    assert (
        '! Lead: active: "Standard Lead Duplicate Rule", but none blocks on create (Action On Create: Allow)' in warning
    )
    assert "→ in Setup → Duplicate Management → Duplicate Rules, set Action On Create to Block" in warning
    assert "1 object sfsync creates is not confirmed guarded by a blocking duplicate rule" in out
    rules_restored.control("duplicate-rules", "PUT", [BLOCKING_LEAD])
    assert doctor(rules_restored, tmp_path, monkeypatch, "integration", "--format", "json") == 0
    report = json.loads(capsys.readouterr().out)
    assert report["duplicate_rules"] == [
        {"object": "Lead", "ok": True, "active_rules": ["Lead Email Block"],
         "detail": "blocks a duplicate on create: Lead_Email_Block", "fix": None},
    ]  # fmt: skip
    assert report["warnings"] == 0 and report["ready"] is True


def test_no_active_rule_is_named_with_where_to_add_one(
    rules_restored: LocalOrgHandle, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    rules_restored.control("duplicate-rules", "PUT", [])
    assert doctor(rules_restored, tmp_path, monkeypatch, "integration") == 0
    out = capsys.readouterr().out
    assert "! Lead: no active duplicate rule: a person creating the same record at the moment sfsync does" in out
    assert "activate a rule on Lead matching on Email, Action On Create: Block" in out
    assert "✗" not in out and "Ready: every required permission is granted." in out


def test_contacts_mode_checks_contact_and_account_rules(
    rules_restored: LocalOrgHandle, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    seeded = [r for r in rules_restored.control("duplicate-rules") if r["object"] == "Contact"]
    rules_restored.control("duplicate-rules", "PUT", [*seeded, INACTIVE_ACCOUNT])
    config = tmp_path / "sfsync.yaml"
    contacts = CONFIG.replace("person_object: leads", "person_object: contacts_and_accounts").replace(
        "  Lead:", "  Contact:"
    )
    config.write_text(
        contacts.replace("INTEGRATION", "dedicated").replace("    Website: company.domain\n", ""), "utf-8"
    )
    rules_restored.use_password_login(monkeypatch, *USERS["integration"])
    run(["doctor", "-c", str(config), "--format", "json"])  # (Contact has no Company field: a missing one)
    guards = _guards(capsys.readouterr().out)
    assert list(guards) == ["Contact", "Account"]
    assert guards["Contact"]["ok"] is True and guards["Contact"]["active_rules"] == ["Standard Contact Duplicate Rule"]
    assert guards["Account"]["ok"] is False and guards["Account"]["active_rules"] == []  # the inactive rule counts not
    assert "matching on Website or Name" in guards["Account"]["fix"]


def test_what_cannot_be_read_is_said_as_not_confirmed(
    rules_restored: LocalOrgHandle, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert doctor(rules_restored, tmp_path, monkeypatch, "restricted", "--format", "json") == 1  # for its permissions
    lead = _guards(capsys.readouterr().out)["Lead"]
    assert lead["ok"] is None and "could not read the org's duplicate rules (INVALID_TYPE)" in lead["detail"]
    assert "needs View Setup and Configuration" in lead["detail"]
    rules_restored.control("faults", "PUT", [{"match": {"endpoint": "rest\\.ui_api\\..*"}, "action": "http_500"}])
    assert doctor(rules_restored, tmp_path, monkeypatch, "integration") == 0
    out = capsys.readouterr().out
    assert '? Lead: active: "Standard Lead Duplicate Rule"; whether one blocks on create could not be read' in out
    assert (
        "check in Setup → Duplicate Management → Duplicate Rules that a rule on Lead has Action On Create: Block" in out
    )


def test_email_writes_name_their_object_and_every_permission_they_need(
    local_org: LocalOrgHandle,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    emailing = CONFIG.replace("  person_object: leads\n", "  person_object: leads\n  email: {write: true}\n")
    config = tmp_path / "sfsync.yaml"
    config.write_text(emailing.replace("INTEGRATION", "dedicated"), encoding="utf-8")
    local_org.use_password_login(monkeypatch, *USERS["integration"])
    monkeypatch.chdir(tmp_path)
    assert run(["doctor", "-c", str(config)]) == 0
    out = capsys.readouterr().out
    assert "✓ Emails are written as EmailMessage (auto: the integration user can create EmailMessage" in out
    assert "✓ Edit Tasks" in out and "✓ EmailMessageRelation: Create (emails)" in out
    assert "✓ EmailMessage.HtmlBody: Read and Edit (email mapping)" in out and "✓ Task: Create (emails)" in out
    assert not (tmp_path / ".sfsync").exists()  # doctor reads a store when there is one, never makes one
    local_org.use_password_login(monkeypatch, *USERS["restricted"])
    assert run(["doctor", "-c", str(config), "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    missing = sorted(c["name"] for c in report["checks"] if c["ok"] is False)
    assert "EmailMessage: Create (emails)" in missing and "Task: Create (emails)" in missing
    grants = {c["name"]: c["grant"] for c in report["checks"] if c["ok"] is False}
    assert "Object Settings → EmailMessage → Object Permissions → Create" in grants["EmailMessage: Create (emails)"]
