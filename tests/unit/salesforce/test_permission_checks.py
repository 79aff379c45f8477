from __future__ import annotations

from pathlib import Path

from sfsync.config import load_config
from sfsync.salesforce.describe import object_describe
from sfsync.salesforce.permissions import FieldNeed, Grantee, field_checks, field_needs, object_checks

CONFIG = """\
version: 1
connection:
  instance_url: https://acme.my.salesforce.com
  auth:
    method: session
    access_token: ${SF_ACCESS_TOKEN}
mappings:
  Lead:
    Email: {from: person.email, direction: read}
    Title: person.title
defaults:
  Lead: {Email: a@b.example}
exclusions:
  - name: deals
    applies_to: company
    where: {salesforce: Opportunity, not: {field: IsClosed, op: eq, value: true}}
plays:
  - name: p
    audience: {object: person}
    sync_to_salesforce: {defaults: {Contact: {LeadSource: Web}}}
"""


def test_field_needs_merge_mappings_defaults_and_filters(tmp_path: Path) -> None:
    path = tmp_path / "sfsync.yaml"
    path.write_text(CONFIG, encoding="utf-8")
    needs = {(n.sobject, n.field): (n.edit, n.reason) for n in field_needs(load_config(path).config)}
    assert needs == {
        ("Lead", "Email"): (True, "default"),  # read by the mapping, written by the default
        ("Lead", "Title"): (True, "mapping"),
        ("Opportunity", "IsClosed"): (False, "filter"),
        ("Contact", "LeadSource"): (True, "default"),
    }


def _lead(**email: object) -> dict[str, object]:
    fields = [
        {"name": "Email", "type": "email", "permissionable": True, "createable": True, "updateable": True, **email},
        {"name": "Name", "type": "string", "permissionable": False},
    ]
    return {"name": "Lead", "queryable": True, "createable": False, "updateable": True, "fields": fields}


def test_field_checks_tell_hidden_from_read_only_from_inherently_read_only() -> None:
    grantee = Grantee("int@acme", "Integration", "dedicated")
    needs = [
        FieldNeed("Lead", "Email", True, "mapping"),
        FieldNeed("Lead", "Name", True, "mapping"),
        FieldNeed("Lead", "Phone", False, "filter"),
    ]
    read_only = {"Lead": object_describe(_lead(createable=False, updateable=False))}
    checks = {c.name: c for c in field_checks(needs, read_only, grantee)}
    assert checks["Lead.Email: Read and Edit (mapping)"].ok is False
    assert "Edit Access" in checks["Lead.Email: Read and Edit (mapping)"].grant
    assert checks["Lead.Name: Read and Edit (mapping)"].ok is True  # not a permission: validate reports it
    assert checks["Lead.Phone: Read (filter)"].ok is False
    assert field_checks(needs, {"Lead": None}, grantee) == []


def test_object_checks_use_describe_flags_and_absence() -> None:
    grantee = Grantee("int@acme", "", "admin")
    checks = {c.name: c for c in object_checks({"Lead": object_describe(_lead())}, grantee, "leads")}
    assert checks["Lead: Read"].ok and checks["Lead: Edit"].ok and checks["Lead: Create"].ok is False
    assert checks["Account: Read"].ok is False and "admin's the user's profile" not in checks["Account: Read"].grant
    assert "a dedicated integration user is recommended" in checks["Account: Read"].grant
