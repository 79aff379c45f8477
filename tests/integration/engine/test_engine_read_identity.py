"""Identity follows Salesforce's own changes, over HTTPS against the local org: an email a person changes,
a merge, a Lead a person converts. Every write to the org that is not sfsync's is made as ada."""

from __future__ import annotations

import pytest
from engine_support import CONTACTS, LEADS, add_companies, add_people

from sfsync.catalogue import Kind
from sfsync.engine.applying.applier import apply_plan
from sfsync.engine.planning.planner import make_plan
from sfsync.engine.plans.identity import IdentityKind
from sfsync.engine.plans.json_form import plan_to_json
from sfsync.engine.plans.plan import Plan, SkipCode
from sfsync.render.views import render_plan_view
from sfsync.salesforce.query import Eq, Query

pytestmark = pytest.mark.org

EXT_CONTACTS = CONTACTS.replace("person_object:", "external_id_field: Sfsync_Id__c, person_object:")


def _peter(store, **values) -> None:
    """Peter and his company: in Contacts mode a person is written with an Account."""
    add_companies(store, {"domain": "initech.example", "name": "Initech"})
    add_people(store, {"email": "peter@initech.example", "last_name": "Gibbons", "title": "Engineer",
                       "company_domain": "initech.example", **values})  # fmt: skip


def _applied(org, store, loaded) -> Plan:
    port = org.port()
    plan = make_plan(port, store, loaded)
    report = apply_plan(port, store, loaded, plan)
    assert not report.rejected, report.rows
    return plan


def _people(store, domain: str) -> list[tuple[str, str | None]]:
    """The workspace people on `domain` (the seeded org's own people are read into the workspace too)."""
    records = store.workspace.records(Kind.PERSON)
    return sorted((r.id, r.key) for r in records if str(r.key).endswith(f"@{domain}"))


def _contact(org, store, email: str) -> str:
    person = store.workspace.find(Kind.PERSON, email)
    (link,) = [item for item in store.links.for_record(Kind.PERSON, person.id) if item.object == "Contact"]
    return link.sf_id


@pytest.mark.parametrize("config", [CONTACTS, EXT_CONTACTS], ids=["keys", "external_id"])
def test_an_email_changed_in_salesforce_moves_the_person_and_the_plan_says_so(org, store, write_config, config):
    _peter(store)
    loaded = write_config(config)
    _applied(org, store, loaded)
    ((person_id, _key),) = _people(store, "initech.example")
    contact = _contact(org, store, "peter@initech.example")
    org.edit("Contact", contact, Email="peter.gibbons@initech.example")

    plan = _applied(org, store, loaded)  # plan, then apply what it holds
    assert _people(store, "initech.example") == [
        (person_id, "peter.gibbons@initech.example")
    ]  # one person, the new email
    (moved,) = plan.identity
    assert (moved.kind, moved.workspace.id, moved.sobject, moved.sf_id) == (
        IdentityKind.KEY_MOVED,
        person_id,
        "Contact",
        contact,
    )
    assert (moved.before, moved.after) == ("peter@initech.example", "peter.gibbons@initech.example")
    assert not [c for c in plan.changes if c.action == "create"]
    text = render_plan_view(plan_to_json(plan), "text")
    assert "peter@initech.example → peter.gibbons@initech.example" in text
    assert "email changed in Salesforce" in text

    again = make_plan(org.port(), store, loaded)
    assert again.changes == () and again.identity == ()  # nothing left to write, nothing fights
    assert len(org.records("Contact", "peter.gibbons@initech.example")) == 1
    assert org.records("Contact", "peter@initech.example") == []
    if config is EXT_CONTACTS:
        rows = list(org.port().query(Query("Contact", ("Sfsync_Id__c",), Eq("Id", contact))))
        assert rows[0]["Sfsync_Id__c"] == person_id


def test_a_merged_contact_moves_the_link_to_the_master_and_the_next_write_goes_there(org, store, write_config):
    _peter(store)
    loaded = write_config(CONTACTS)
    _applied(org, store, loaded)
    ((person_id, _key),) = _people(store, "initech.example")
    loser = _contact(org, store, "peter@initech.example")
    account = org.records("Contact", "peter@initech.example")[0]["AccountId"]
    master = org.create("Contact", LastName="Gibbons", Email="p.gibbons@initech.example", AccountId=account)
    merged = org.handle.control(f"records/Contact/{master}/merge", "POST", {"as": "ada@acme.local", "records": [loser]})
    assert merged["success"], merged

    plan = make_plan(org.port(), store, loaded)
    assert _people(store, "initech.example") == [
        (person_id, "p.gibbons@initech.example")
    ]  # no second person for the master
    assert [(c.kind, c.from_sf_id, c.sf_id) for c in plan.identity] == [(IdentityKind.MERGED, loser, master)]
    assert not [s for s in plan.skips if s.code is SkipCode.DELETED]
    assert not [c for c in plan.changes if c.action == "create"]
    assert _contact(org, store, "p.gibbons@initech.example") == master

    add_people(store, {"email": "p.gibbons@initech.example", "title": "Manager"})
    plan = _applied(org, store, loaded)
    (change,) = plan.changes
    assert (change.sobject, change.sf_id, change.action) == ("Contact", master, "update")
    assert org.records("Contact", "p.gibbons@initech.example")[0]["Title"] == "Manager"


def test_a_converted_lead_is_followed_when_its_contacts_email_changed(org, store, write_config):
    add_people(store, {"email": "marie@radium.example", "last_name": "Curie", "title": "Physicist"})
    loaded = write_config(LEADS)
    _applied(org, store, loaded)
    ((person_id, _key),) = _people(store, "radium.example")
    (lead,) = org.records("Lead", "marie@radium.example")
    converted = org.handle.control(f"leads/{lead['Id']}/convert", "POST", {"as": "ada@acme.local"})
    assert converted["success"], converted
    contact = org.records("Contact", "marie@radium.example")[0]["Id"]
    org.edit("Contact", contact, Email="marie.curie@radium.example")
    add_people(store, {"email": "marie@radium.example", "last_name": "Curie", "title": "Professor"})

    plan = make_plan(org.port(), store, loaded)
    assert not [s for s in plan.skips if s.code is SkipCode.AMBIGUOUS], plan.skips
    (change,) = [c for c in plan.changes if c.workspace.id == person_id]
    assert (change.sobject, change.sf_id, change.action) == ("Contact", contact, "update")
    assert [f.after for f in change.fields if f.field == "Title"] == ["Professor"]
    assert _people(store, "radium.example") == [
        (person_id, "marie.curie@radium.example")
    ]  # the read-made person merged in
    (merged,) = plan.identity
    assert (merged.kind, merged.sf_id, merged.from_sf_id) == (IdentityKind.MERGED, contact, lead["Id"])
    apply_plan(org.port(), store, loaded, plan)
    assert org.records("Contact", "marie.curie@radium.example")[0]["Title"] == "Professor"
