"""The metadata checks as a pure function of (loaded config, describes), on recorded describes."""

from __future__ import annotations

import copy
from pathlib import Path

from engine_support import HEADER

from sfsync.config import load_config
from sfsync.engine.planning.metadata import metadata_problems, objects_needed
from sfsync.localorg.catalog import recorded_describe
from sfsync.salesforce.describe import object_describe
from sfsync.salesforce.port import ObjectDescribe


def describes(*names: str, hide: tuple[str, ...] = ()) -> dict[str, ObjectDescribe | None]:
    found: dict[str, ObjectDescribe | None] = {}
    for name in names:
        raw = copy.deepcopy(recorded_describe(name))
        raw["fields"] = [f for f in raw["fields"] if f"{name}.{f['name']}" not in hide]
        found[name] = object_describe(raw)
    return found


def problems(tmp_path: Path, body: str, found: dict[str, ObjectDescribe | None]) -> set[tuple[int, str, str]]:
    path = tmp_path / "sfsync.yaml"
    path.write_text(HEADER + body, encoding="utf-8")
    diagnostics = metadata_problems(load_config(path), found)
    return {(d.position.line if d.position else 0, str(d.severity), d.summary) for d in diagnostics}


def test_objects_needed_follow_mode_mappings_and_filters(tmp_path: Path) -> None:
    path = tmp_path / "sfsync.yaml"
    body = "sync: {person_object: leads}\nexclusions:\n  - name: deals\n    applies_to: company\n"
    body += "    where: {salesforce: Opportunity, all: [{field: IsClosed, op: eq, value: false}]}\n"
    path.write_text(HEADER + body, encoding="utf-8")
    assert objects_needed(load_config(path).config) == ["Lead", "Opportunity"]


def test_a_config_that_fits_has_no_problems(tmp_path: Path) -> None:
    body = """\
sync: {person_object: contacts_and_accounts, write: true}
mappings:
  Account:
    Name: company.name
    Website: {from: company.domain, direction: read_write}
    NumberOfEmployees: company.employee_count
  Contact:
    LastName: person.last_name
    Email: {from: person.email, direction: read_write}
defaults:
  Account: {Industry: Agriculture, Rating: Hot}
plays:
  - {name: everyone, audience: {object: person}, sync_to_salesforce: {}}
"""
    assert problems(tmp_path, body, describes("Account", "Contact")) == set()


def test_writing_without_a_play_that_syncs_is_warned(tmp_path: Path) -> None:
    body = """sync: {person_object: leads, write: true}
mappings:
  Lead: {LastName: person.last_name, Company: company.name, Email: {from: person.email, direction: read_write}}
plays:
  - {name: accounts, audience: {object: company}, sync_to_salesforce: {}}
  - {name: tracked, audience: {object: person}}
"""
    summary = "sync.write is on but only company plays sync to Salesforce, and Leads mode writes no Accounts"
    assert problems(tmp_path, body, describes("Lead")) == {(10, "warning", summary)}  # the `plays:` key
    fixed = body.replace(
        "{name: tracked, audience: {object: person}}", "{name: p, audience: {object: person}, sync_to_salesforce: {}}"
    )
    assert problems(tmp_path, fixed, describes("Lead")) == set()


def test_type_mismatches_and_literal_defaults(tmp_path: Path) -> None:
    body = """\
sync: {person_object: leads}
mappings:
  Lead:
    LastName: person.last_name
    Company: company.name
    NumberOfEmployees: company.name
    OwnerId: person.email
defaults:
  Lead:
    AnnualRevenue: lots
    Description: "{{ company.name }} is a template"
    Title: "%s"
""" % ("x" * 200)
    found = problems(tmp_path, body, describes("Lead"))
    assert found == {
        (12, "error", "type mismatch: company.name is text but NumberOfEmployees is int"),
        (13, "error", "type mismatch: OwnerId is a reference (Group, User): it holds Salesforce Ids"),
        (16, "error", "default for Lead.AnnualRevenue: AnnualRevenue is a number (currency): 'lots' is not one"),
        (18, "error", "default for Lead.Title: 200 characters is longer than Title's maximum of 128"),
        (9, "warning", "Lead creates would carry no match key: nothing writes Lead.Email"),  # sync.write is off
    }


def test_hidden_objects_and_required_fields_without_write(tmp_path: Path) -> None:
    body = "sync: {person_object: contacts_and_accounts}\nmappings:\n  Contact:\n    Email: person.email\n"
    found = problems(tmp_path, body, {"Contact": describes("Contact")["Contact"], "Account": None})
    assert found == {
        (7, "error", "object Account is not accessible to the integration user"),
        (9, "warning", "Contact.LastName is required to create a Contact but nothing fills it"),
        (7, "warning", "Account creates would carry no match key: nothing writes Account.Website"),
    }


def test_external_id_must_be_unique_external_id(tmp_path: Path) -> None:
    body = "sync: {person_object: leads, external_id_field: Legacy_Id__c}\nmappings:\n  Lead:\n"
    body += "    LastName: person.last_name\n"
    body += "    Company: company.name\n"
    lead = copy.deepcopy(recorded_describe("Lead"))
    lead["fields"].append({"name": "Legacy_Id__c", "type": "string", "externalId": True, "unique": False})
    found = problems(tmp_path, body, {"Lead": object_describe(lead)})
    assert found == {(7, "error", "Lead.Legacy_Id__c must be an external id and unique")}


def test_value_options_that_cannot_apply_are_warned_about(tmp_path: Path) -> None:
    body = """\
sync: {person_object: contacts_and_accounts, write: true}
mappings:
  Contact:
    LastName: {from: person.last_name, truncate: true}
    Email: {from: person.email, truncate: true}
    Birthdate: {from: person.last_activity_date, date_as: midnight_utc}
    EmailBouncedDate: person.last_activity_date
plays:
  - {name: everyone, audience: {object: person}, sync_to_salesforce: {}}
"""
    found = problems(tmp_path, body, describes("Contact", "Account"))
    assert {p for p in found if p[1] == "warning"} == {
        (11, "warning", "`truncate` has no effect on Email (email): only text is ever cut"),
        (12, "warning", "`date_as` has no effect on Birthdate (date): it is for date and time"),
        (
            13,
            "warning",
            "person.last_activity_date is a date but EmailBouncedDate is a date and time: each value is an "
            "invalid_value until the mapping says `date_as: midnight_utc`",
        ),
    }
