"""`sfsync validate --online`: the config's mistakes against the org's metadata, each at its line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sfsync.cli import run
from sfsync.localorg.testing import LocalOrgHandle, local_org  # noqa: F401 - the shared fixture

CONNECTION = """\
version: 1
connection:
  instance_url: ${SF_INSTANCE_URL}
  ca_bundle: ${SF_CA_BUNDLE}
  auth:
    method: session
    access_token: ${SF_ACCESS_TOKEN}
"""
MISTAKES = (
    CONNECTION
    + """\
sync:
  person_object: leads
  write: true
  external_id_field: Sfsync_Id__c
mappings:
  Lead:
    Email: {from: person.email, direction: read_write}
    Company: company.name
    Fax_Number__c: person.phone
    Name: person.first_name
    IsConverted: person.do_not_call
defaults:
  Lead:
    Sfsync_Intent__c: Extreme
    Email: not-an-email
exclusions:
  - name: customers
    applies_to: company
    where: {salesforce: Account, field: Typ, op: eq, value: Customer}
"""
)


def validate(
    local_org: LocalOrgHandle,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    text: str,
    *args: str,
    user: str = "",
) -> tuple[int, Path]:
    config = tmp_path / "sfsync.yaml"
    config.write_text(text, encoding="utf-8")
    monkeypatch.setenv("SF_INSTANCE_URL", local_org.instance_url)
    monkeypatch.setenv("SF_CA_BUNDLE", str(local_org.ca_file))
    monkeypatch.setenv(
        "SF_ACCESS_TOKEN", local_org.control("sessions", "POST", {"as": user or local_org.username})["access_token"]
    )
    monkeypatch.chdir(tmp_path)
    return run(["validate", "--online", "--format", "json", *args, str(config)]), config


def test_each_mistake_is_reported_at_its_line(
    local_org: LocalOrgHandle,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, config = validate(local_org, tmp_path, monkeypatch, MISTAKES)
    assert code == 1
    report = json.loads(capsys.readouterr().out)
    found = {(d["line"], d["severity"], d["summary"]) for d in report["diagnostics"]}
    assert found == {
        (13, "error", "Lead.LastName is required to create a Lead but nothing fills it"),
        (16, "error", "Lead has no field Fax_Number__c visible to the integration user"),
        (17, "error", "Lead.Name is read-only: it cannot be written"),
        (18, "warning", "Lead.IsConverted can only be set on create"),
        (
            21,
            "error",
            "default for Lead.Sfsync_Intent__c: 'Extreme' is not a value of the restricted picklist "
            "Sfsync_Intent__c (High, Medium, Low, None)",
        ),
        (22, "error", "default for Lead.Email: 'not-an-email' is not an email address"),
        (26, "error", "Account has no field Typ visible to the integration user"),
        # said offline and by the metadata checks, reported once
        (
            10,
            "warning",
            "sync.write is on but no play syncs to Salesforce: apply creates nothing (it only updates records "
            "sfsync wrote before)",
        ),
    }
    assert report["warning_count"] == 2


def test_a_config_that_fits_the_org_is_valid(
    local_org: LocalOrgHandle,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    good = CONNECTION + "sync: {person_object: leads}\nmappings:\n  Lead:\n    LastName: person.last_name\n"
    good += "    Company: company.name\n    Email: {from: person.email, direction: read_write}\n"
    code, _ = validate(local_org, tmp_path, monkeypatch, good)
    assert code == 0
    assert json.loads(capsys.readouterr().out)["diagnostics"] == []


HIDDEN = (
    CONNECTION
    + """\
sync: {person_object: leads, write: true}
mappings:
  Lead:
    Email: {from: person.email, direction: read_write}
    LastName: person.last_name
    Company: company.name
    Phone: person.phone
    Titel: person.title
"""
)


def test_a_field_hidden_by_field_level_security_is_not_answered_with_another_field(
    local_org: LocalOrgHandle,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The restricted user's profile hides Lead.Phone: it exists, and is not a typo of MobilePhone."""
    code, config = validate(local_org, tmp_path, monkeypatch, HIDDEN, user="restricted@acme.local")
    assert code == 1
    capsys.readouterr()
    assert run(["validate", "--online", str(config)]) == 1
    err = capsys.readouterr().err
    phone, titel = err.split("error: Lead has no field ")[1:3]
    assert phone.startswith("Phone visible") and titel.startswith("Titel visible")
    assert "Lead.Phone exists, but field-level security hides it from the integration user" in phone
    assert "did you mean" not in phone and "MobilePhone" not in phone
    assert "hint: did you mean Title?" in titel


def test_the_email_message_section_is_checked_against_the_org(
    local_org: LocalOrgHandle,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    text = CONNECTION + "sync: {person_object: leads}\nmappings:\n  Lead:\n    LastName: person.last_name\n"
    text += "    Company: company.name\n    Email: {from: person.email, direction: read_write}\n"
    text += "  EmailMessage:\n    No_Such_Field__c: email.subject\n"
    code, _ = validate(local_org, tmp_path, monkeypatch, text)
    assert code == 1
    [problem] = json.loads(capsys.readouterr().out)["diagnostics"]
    # an org without the object says so; one with it has no such field: either way, at the field's line
    assert (problem["line"], problem["severity"]) == (text.count("\n"), "error")
    assert problem["path"] == "mappings.EmailMessage.No_Such_Field__c" and "EmailMessage" in problem["summary"]


def test_email_writes_the_integration_user_cannot_make_are_errors_with_where_to_grant(
    local_org: LocalOrgHandle,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    text = CONNECTION + "sync:\n  person_object: leads\n  write: true\n  email: {write: true, object: task}\n"
    text += "mappings:\n  Lead:\n    LastName: person.last_name\n    Company: company.name\n"
    text += "    Email: {from: person.email, direction: read_write}\n"
    code, _ = validate(local_org, tmp_path, monkeypatch, text)
    assert code == 0, capsys.readouterr().out
    assert [d for d in json.loads(capsys.readouterr().out)["diagnostics"] if d["severity"] == "error"] == []
    code, config = validate(local_org, tmp_path, monkeypatch, text, user="restricted@acme.local")
    assert code == 1
    problems = [d for d in json.loads(capsys.readouterr().out)["diagnostics"] if d["path"] == "sync.email.write"]
    assert "writing emails needs Task: Create (emails)" in {d["summary"] for d in problems}
    assert {d["line"] for d in problems} == {text.count("\n", 0, text.index("  email:")) + 1}
    assert run(["validate", "--online", str(config)]) == 1
    err = capsys.readouterr().err
    assert "error: writing emails needs Task: Create (emails)" in err
    assert "Object Settings → Task → Object Permissions → Create" in err
