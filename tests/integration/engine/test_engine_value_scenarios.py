"""Typed values against the local org: what Salesforce returns is what the next plan compares with.

The org is the example seed plus the Contact checkboxes the recorded describe lacks and a
multi-select picklist, served on its own for this module: `local_org` here overrides the shared one,
and the folder's `org` fixture drives it (and resets it after each test).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import pytest
from engine_support import add_companies, add_people

from sfsync.engine.applying.applier import apply_plan
from sfsync.engine.planning.planner import make_plan
from sfsync.engine.plans.plan import Action, SkipCode
from sfsync.localorg.seed import CustomField, load_seed
from sfsync.localorg.server import start_in_background
from sfsync.localorg.testing import EXAMPLE_SEED, LocalOrgHandle
from sfsync.salesforce.query import Eq, Query

pytestmark = pytest.mark.org

CHANNELS = ("Email", "Phone", "Events")
EXTRA_FIELDS = (
    CustomField("Contact", "HasOptedOutOfEmail", "boolean", label="Email Opt Out"),
    CustomField("Contact", "DoNotCall", "boolean", label="Do Not Call"),
    CustomField("Contact", "Channels__c", "multipicklist", label="Channels", length=4099, values=CHANNELS),
)

CONFIG = """\
sync: {write: true, person_object: contacts_and_accounts}
mappings:
  Account:
    Name: company.name
    Website: {from: company.domain, direction: read_write}
    AnnualRevenue: {from: company.revenue, policy: owned}
  Contact:
    Email: {from: person.email, direction: read_write}
    LastName: person.last_name
    MailingPostalCode: {from: person.postal_code, policy: owned}
    HasOptedOutOfEmail: person.email_opt_out
    DoNotCall: person.do_not_call
    Channels__c: {from: person.attributes.channels, policy: owned}
    ReportsToId: {from: person.attributes.manager, policy: owned}
    EmailBouncedDate: {from: person.attributes.bounced, policy: BOUNCED_POLICY}
plays:
  - name: everyone
    audience: {object: person}
    sync_to_salesforce: {}
"""


@pytest.fixture(scope="module")
def local_org(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalOrgHandle]:
    seed = load_seed(EXAMPLE_SEED)
    seed = dataclasses.replace(seed, custom_fields=seed.custom_fields + EXTRA_FIELDS)
    running = start_in_background(tmp_path_factory.mktemp("typed-org"), seed)
    try:
        yield LocalOrgHandle(running)
    finally:
        running.stop()


def _config(write_config, bounced_policy: str = "owned", extra: str = ""):
    return write_config(CONFIG.replace("BOUNCED_POLICY", bounced_policy) + extra)


def _contact(org, email: str, *fields: str) -> dict:
    (record,) = org.port().query(Query("Contact", ("Id", *fields), Eq("Email", email)))
    return dict(record)


def test_values_in_salesforce_form_are_not_written_again(org, store, write_config):
    manager = org.create("Contact", LastName="Bachman", Email="erlich@aviato.example")
    add_companies(store, {"domain": "aviato.example", "name": "Aviato", "revenue": 1234567.891})
    add_people(
        store,
        {
            "email": "jared@aviato.example",
            "last_name": "Dunn",
            "company_domain": "aviato.example",
            "attributes": {
                "channels": "Events;Email",  # out of the picklist's order
                "manager": manager[:15],  # a 15-character Id
                "bounced": "2024-01-31T11:00:00.123+01:00",
            },
        },
    )
    port, loaded = org.port(), _config(write_config)
    report = apply_plan(port, store, loaded, make_plan(port, store, loaded))
    assert not report.rejected
    jared = _contact(org, "jared@aviato.example", "Channels__c", "ReportsToId", "EmailBouncedDate", "AccountId")
    assert (jared["Channels__c"], jared["ReportsToId"]) == ("Email;Events", manager)
    assert jared["EmailBouncedDate"] == "2024-01-31T10:00:00.000+0000"
    (account,) = port.query(Query("Account", ("Id", "AnnualRevenue"), Eq("Id", jared["AccountId"])))
    assert account["AnnualRevenue"] == 1234567.891  # more decimals than the field's scale of 0, kept as sent
    assert make_plan(port, store, loaded).changes == ()
    org.edit("Account", account["Id"], AnnualRevenue=1234568)  # as the UI rounds it to the scale
    assert make_plan(port, store, loaded).changes == ()


def test_an_if_unchanged_field_salesforce_reformatted_is_still_written(org, store, write_config):
    add_companies(store, {"domain": "piedpiper.example", "name": "Pied Piper"})
    person = {"email": "dinesh@piedpiper.example", "last_name": "Chugtai", "company_domain": "piedpiper.example"}
    add_people(store, {**person, "attributes": {"bounced": "2024-01-31T10:00:00Z"}})
    port, loaded = org.port(), _config(write_config, "if_unchanged")
    apply_plan(port, store, loaded, make_plan(port, store, loaded))
    assert _contact(org, person["email"], "EmailBouncedDate")["EmailBouncedDate"] == "2024-01-31T10:00:00.000+0000"
    add_people(store, {**person, "attributes": {"bounced": "2024-02-01T09:30:00Z"}})
    plan = make_plan(port, store, loaded)
    (change,) = [c for c in plan.changes if c.sobject == "Contact"]
    assert [(f.field, f.reason) for f in change.fields] == [("EmailBouncedDate", "unchanged since sfsync wrote it")]
    apply_plan(port, store, loaded, plan)
    assert _contact(org, person["email"], "EmailBouncedDate")["EmailBouncedDate"] == "2024-02-01T09:30:00.000+0000"


def test_a_zip_code_is_text(org, store, write_config):
    org.create("Contact", LastName="Hendricks", Email="richard@piedpiper.example", MailingPostalCode="2134")
    add_people(store, {"email": "richard@piedpiper.example", "last_name": "Hendricks", "postal_code": "02134"})
    port, loaded = org.port(), _config(write_config)
    plan = make_plan(port, store, loaded)
    (change,) = plan.changes
    assert [(f.field, f.before, f.after) for f in change.fields] == [("MailingPostalCode", "2134", "02134")]
    apply_plan(port, store, loaded, plan)
    assert _contact(org, "richard@piedpiper.example", "MailingPostalCode")["MailingPostalCode"] == "02134"


def test_fill_empty_raises_a_false_checkbox_and_never_clears_a_true_one(org, store, write_config):
    org.create("Contact", LastName="Gilfoyle", Email="bertram@piedpiper.example", DoNotCall=True)
    row = {"email": "bertram@piedpiper.example", "last_name": "Gilfoyle", "email_opt_out": True, "do_not_call": False}
    add_people(store, row)
    port, loaded = org.port(), _config(write_config)
    plan = make_plan(port, store, loaded)
    (change,) = plan.changes
    assert (change.action, [(f.field, f.before, f.after) for f in change.fields]) == (
        Action.UPDATE,
        [("HasOptedOutOfEmail", False, True)],
    )
    assert [(s.field, s.reason) for s in change.skipped_fields] == [
        ("DoNotCall", "if_empty: already set in Salesforce")
    ]
    apply_plan(port, store, loaded, plan)
    saved = _contact(org, "bertram@piedpiper.example", "HasOptedOutOfEmail", "DoNotCall")
    assert (saved["HasOptedOutOfEmail"], saved["DoNotCall"]) == (True, True)


def test_an_owner_exclusion_with_a_15_character_id_matches_the_mirror(org, store, write_config):
    (ada,) = org.port().query(Query("User", ("Id",), Eq("Username", "ada@acme.local")))
    org.create("Contact", LastName="Bighetti", Email="nelson@hooli.example")  # ada owns what ada creates
    add_people(store, {"email": "nelson@hooli.example", "last_name": "Bighetti", "title": "Big Head"})
    exclusion = (
        "exclusions:\n  - name: ada's contacts\n    applies_to: person\n"
        f"    where: {{salesforce: Contact, field: OwnerId, op: eq, value: {ada['Id'][:15]}}}\n"
    )
    port, loaded = org.port(), _config(write_config, extra=exclusion)
    plan = make_plan(port, store, loaded)
    assert plan.changes == ()
    (skip,) = [s for s in plan.skips if s.workspace.label == "nelson@hooli.example"]
    assert (skip.code, skip.reason) == (SkipCode.EXCLUDED, "excluded by ada's contacts")
