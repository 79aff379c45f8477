"""Shared engine test data and fixtures: config bodies, the Salesforce fields sfsync owns, workspace
loading, a fresh store and configs written to files (unit and integration engine tests alike)."""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fake_port import custom_field

from sfsync.catalogue import Kind
from sfsync.config import LoadedConfig, load_config
from sfsync.config.canonical import canonical_json, digest
from sfsync.store import Store, open_store
from sfsync.store.normalise import normalise_domain, normalise_email
from sfsync.store.workspace import RecordUpdate

HEADER = """\
version: 1
connection:
  instance_url: ${SF_INSTANCE_URL}
  auth:
    method: session
    access_token: ${SF_ACCESS_TOKEN}
"""

CONTACTS = """\
sync: {write: true, person_object: contacts_and_accounts}
mappings:
  Account:
    Name: company.name
    Website: {from: company.domain, direction: read_write}
    Sfsync_Intent__c: company.intent_level
  Contact:
    Email: {from: person.email, direction: read_write}
    FirstName: person.first_name
    LastName: person.last_name
    Title: {from: person.title, policy: if_unchanged}
defaults:
  Contact: {LeadSource: Other}
plays:
  - name: everyone
    audience: {object: person}
    sync_to_salesforce: {defaults: {Contact: {LeadSource: Web}}}
"""

# Contacts mode that also creates Contacts without an Account, for tests whose people have no company.
PRIVATE_CONTACTS = CONTACTS.replace("accounts}", "accounts, contacts_without_account: create}")

LEADS = """\
sync: {write: true, person_object: leads}
mappings:
  Lead:
    Email: {from: person.email, direction: read_write}
    LastName: person.last_name
    Title: person.title
    Company: company.name
    Sfsync_Intent__c: company.intent_level
  Contact:
    Title: person.title
defaults:
  Lead: {Company: "{{ company.name or '[not provided]' }}", Status: Open - Not Contacted}
plays:
  - name: everyone
    audience: {object: person}
    sync_to_salesforce: {}
"""

# Leads with a Phone mapping too: a field the read pass keeps that a test can edit on its own.
PHONE_LEADS = """\
sync: {write: true, person_object: leads}
mappings:
  Lead:
    Email: {from: person.email, direction: read_write}
    LastName: person.last_name
    Title: person.title
    Phone: person.work_phone
    Company: company.name
defaults:
  Lead: {Company: "{{ company.name or '[not provided]' }}"}
plays:
  - name: everyone
    audience: {object: person}
    sync_to_salesforce: {}
"""

SFSYNC_FIELDS = [custom_field("Sfsync_Id__c", external_id=True), custom_field("Sfsync_Intent__c")]


def config_applied(store: Store, loaded: LoadedConfig) -> None:
    """Record `loaded` as the applied config, so planning with it records its read (as after an apply)."""
    store.meta.record_applied_config(digest(loaded.config), canonical_json(loaded.config))


def add_people(store: Store, *rows: dict[str, Any]) -> None:
    updates = []
    for line, row in enumerate(rows, start=2):
        key = normalise_email(row["email"]).value
        values = {k: v for k, v in row.items() if k != "attributes"}
        updates.append(RecordUpdate(Kind.PERSON, line, None, key, values, row.get("attributes", {})))
    outcome = store.workspace.upsert(Kind.PERSON, updates)
    assert not outcome.rejected, outcome.rejected


def add_companies(store: Store, *rows: dict[str, Any]) -> None:
    updates = []
    for line, row in enumerate(rows, start=2):
        key = normalise_domain(row["domain"]).value
        updates.append(RecordUpdate(Kind.COMPANY, line, None, key, {**row, "domain": key}, {}))
    outcome = store.workspace.upsert(Kind.COMPANY, updates)
    assert not outcome.rejected, outcome.rejected


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = open_store(f"sqlite:///{tmp_path / 'sfsync.db'}")
    yield opened
    opened.close()


@pytest.fixture
def write_config(tmp_path: Path) -> Callable[[str], LoadedConfig]:
    def write(body: str) -> LoadedConfig:
        path = tmp_path / "sfsync.yaml"
        path.write_text(HEADER + textwrap.dedent(body), encoding="utf-8")
        return load_config(path)

    return write
