"""Identity follows Salesforce over the fake port: what is kept, held or left ambiguous, and why."""

from __future__ import annotations

from engine_support import CONTACTS, LEADS, add_companies, add_people, config_applied

from sfsync.catalogue import Kind
from sfsync.engine.applying.applier import apply_plan
from sfsync.engine.planning.planner import make_plan
from sfsync.engine.plans.identity import IdentityKind
from sfsync.engine.plans.plan import SkipCode
from sfsync.store.links import Link
from sfsync.store.session import utc_now

ACME = {"domain": "acme.example", "name": "Acme"}


def _person(store, email):
    return store.workspace.find(Kind.PERSON, email)


def _link(store, email, sobject):
    record = _person(store, email)
    return next(item for item in store.links.for_record(Kind.PERSON, record.id) if item.object == sobject)


def _skip(plan, label):
    return next(s for s in plan.skips if s.workspace.label == label)


def _applied(port, store, loaded):
    plan = make_plan(port, store, loaded)
    report = apply_plan(port, store, loaded, plan)
    assert not report.rejected, report.rows
    return plan


def test_a_merge_into_a_record_another_person_holds_writes_neither(store, port, write_config):
    add_companies(store, ACME)
    add_people(store, {"email": "ada@acme.example", "last_name": "Lovelace", "company_domain": "acme.example"})
    loaded = write_config(CONTACTS)
    _applied(port, store, loaded)
    loser = _link(store, "ada@acme.example", "Contact").sf_id
    master = port.seed("Contact", LastName="Byron", Email="byron@acme.example", AccountId=port.live("Account")[0]["Id"])
    add_people(store, {"email": "byron@acme.example", "last_name": "Byron", "company_domain": "acme.example"})
    make_plan(port, store, loaded)  # Byron, a loaded person, is linked to his Contact by reading
    port.merge("Contact", master, loser)
    add_people(
        store, {"email": "ada@acme.example", "title": "Countess"}, {"email": "byron@acme.example", "title": "Lord"}
    )

    plan = make_plan(port, store, loaded)
    (held,) = plan.identity
    assert (held.kind, held.from_sf_id, held.sf_id) == (IdentityKind.HELD, loser, master)
    assert held.other is not None and held.other.label == "byron@acme.example"
    for label in ("ada@acme.example", "byron@acme.example"):
        assert _skip(plan, label).code is SkipCode.AMBIGUOUS
    assert "which is linked to person byron@acme.example" in _skip(plan, "ada@acme.example").reason
    assert not [c for c in plan.changes if c.sobject == "Contact"]
    assert _link(store, "ada@acme.example", "Contact").sf_id == loser  # nothing moved
    assert make_plan(port, store, loaded).identity[0].kind is IdentityKind.HELD  # still held next time


def test_a_converted_lead_whose_contact_a_loaded_person_holds_stays_ambiguous(store, port, write_config):
    add_people(store, {"email": "marie@radium.example", "last_name": "Curie", "title": "Physicist"})
    loaded = write_config(LEADS)
    _applied(port, store, loaded)
    lead = _link(store, "marie@radium.example", "Lead").sf_id
    contact = port.seed("Contact", LastName="Curie", Email="pierre@radium.example")
    add_people(store, {"email": "pierre@radium.example", "last_name": "Curie"})  # loaded, not read
    make_plan(port, store, loaded)
    port.convert(lead, contact)
    add_people(store, {"email": "marie@radium.example", "title": "Professor"})

    plan = make_plan(port, store, loaded)
    skip = _skip(plan, "marie@radium.example")
    assert skip.code is SkipCode.AMBIGUOUS  # not hidden as not_in_play: sfsync wrote this person before
    assert f"converted to Contact {contact}, which is linked to another person" in skip.reason
    assert _person(store, "pierre@radium.example") is not None and plan.identity == ()


def test_a_key_another_person_has_is_kept_and_that_person_gets_no_second_contact(store, port, write_config):
    add_companies(store, ACME)
    add_people(store, {"email": "ada@acme.example", "last_name": "Lovelace", "company_domain": "acme.example"})
    loaded = write_config(CONTACTS)
    _applied(port, store, loaded)
    contact = _link(store, "ada@acme.example", "Contact").sf_id
    add_people(store, {"email": "augusta@acme.example", "last_name": "King", "company_domain": "acme.example"})
    port.edit("Contact", contact, Email="augusta@acme.example")

    plan = make_plan(port, store, loaded)
    (kept,) = plan.identity
    assert (kept.kind, kept.before, kept.after) == (IdentityKind.KEY_KEPT, "ada@acme.example", "ada@acme.example")
    assert kept.other is not None and kept.other.label == "augusta@acme.example"
    assert _person(store, "ada@acme.example") is not None
    skip = _skip(plan, "augusta@acme.example")
    assert skip.code is SkipCode.AMBIGUOUS and f"Contact {contact} has email augusta@acme.example" in skip.reason
    assert not [c for c in plan.changes if c.action == "create"]


def test_a_key_a_load_changed_is_not_undone_by_the_next_read(store, port, write_config):
    add_companies(store, ACME)
    add_people(store, {"email": "ada@acme.example", "last_name": "Lovelace", "company_domain": "acme.example"})
    loaded = write_config(CONTACTS)
    _applied(port, store, loaded)
    person = _person(store, "ada@acme.example")
    contact = _link(store, "ada@acme.example", "Contact").sf_id
    add_people(store, {"email": "ada@analytical.example", "last_name": "Lovelace"} | {"id": person.id})
    port.edit("Contact", contact, Title="Countess")  # someone edits another field: the Contact is read again

    plan = make_plan(port, store, loaded)
    assert plan.identity == ()
    assert store.workspace.get(Kind.PERSON, person.id).key == "ada@analytical.example"
    assert _person(store, "ada@acme.example") is None  # no second person for the Contact's email
    assert store.workspace.count(Kind.PERSON) == 1


def test_a_leads_email_change_moves_nothing_while_the_person_has_a_contact(store, port, write_config):
    contact = port.seed("Contact", LastName="Hopper", Email="grace@navy.example")
    lead = port.seed("Lead", LastName="Hopper", Company="Navy", Email="grace@navy.example")
    add_people(store, {"email": "grace@navy.example", "last_name": "Hopper"})
    loaded = write_config(LEADS)
    config_applied(store, loaded)
    make_plan(port, store, loaded)
    assert {_link(store, "grace@navy.example", o).sf_id for o in ("Contact", "Lead")} == {contact, lead}
    port.edit("Lead", lead, Email="amazing.grace@navy.example")

    plan = make_plan(port, store, loaded)
    assert plan.identity == () and _person(store, "grace@navy.example") is not None  # the Contact drives
    port.edit("Contact", contact, Email="amazing.grace@navy.example")
    (moved,) = make_plan(port, store, loaded).identity
    assert (moved.kind, moved.sobject, moved.after) == (IdentityKind.KEY_MOVED, "Contact", "amazing.grace@navy.example")


def test_a_website_changed_in_salesforce_moves_the_company_and_its_people_follow(store, port, write_config):
    add_companies(store, ACME)
    add_people(store, {"email": "ada@acme.example", "last_name": "Lovelace", "company_domain": "acme.example"})
    loaded = write_config(CONTACTS)
    _applied(port, store, loaded)
    company = store.workspace.find(Kind.COMPANY, "acme.example")
    account = port.live("Account")[0]["Id"]
    port.edit("Account", account, Website="https://www.acme.io")

    plan = make_plan(port, store, loaded)
    (moved,) = plan.identity
    assert (moved.kind, moved.workspace.id, moved.after) == (IdentityKind.KEY_MOVED, company.id, "acme.io")
    assert store.workspace.count(Kind.COMPANY) == 1 and store.workspace.get(Kind.COMPANY, company.id).key == "acme.io"
    assert _person(store, "ada@acme.example").values["company_domain"] == "acme.io"
    assert not [c for c in plan.changes if c.action == "create"]


def test_a_merged_account_moves_the_companys_link_and_keeps_it_in_scope(store, port, write_config):
    add_companies(store, ACME)
    add_people(store, {"email": "ada@acme.example", "last_name": "Lovelace", "company_domain": "acme.example"})
    loaded = write_config(CONTACTS)
    _applied(port, store, loaded)
    company = store.workspace.find(Kind.COMPANY, "acme.example")
    loser = port.live("Account")[0]["Id"]
    master = port.seed("Account", Name="Acme Holdings", Website="acme.example")
    port.merge("Account", master, loser)
    add_companies(store, {"domain": "acme.example", "intent_level": "High"})

    plan = make_plan(port, store, loaded)
    assert [(c.kind, c.from_sf_id, c.sf_id) for c in plan.identity] == [(IdentityKind.LINK_MOVED, loser, master)]
    link = store.links.for_record(Kind.COMPANY, company.id)[0]
    assert (link.sf_id, link.created_by_sfsync, link.written_before) == (master, False, True)
    account = next(c for c in plan.changes if c.sobject == "Account")
    assert (account.sf_id, account.action) == (master, "update")  # in scope though no play entered again


def test_a_read_made_person_with_links_the_loaded_one_cannot_take_is_not_merged(store, port, write_config):
    add_people(store, {"email": "marie@radium.example", "last_name": "Curie", "title": "Physicist"})
    loaded = write_config(LEADS)
    _applied(port, store, loaded)
    lead = _link(store, "marie@radium.example", "Lead").sf_id
    contact = port.seed("Contact", LastName="Curie", Email="m.curie@radium.example")
    port.seed("Lead", LastName="Curie", Company="Radium", Email="m.curie@radium.example")  # a second Lead
    make_plan(port, store, loaded)  # the read makes a person of both, linked to each
    port.convert(lead, contact)

    plan = make_plan(port, store, loaded)
    assert _skip(plan, "marie@radium.example").code is SkipCode.AMBIGUOUS
    assert _person(store, "m.curie@radium.example") is not None and plan.identity == ()


def test_links_made_by_an_apply_are_another_persons(store, port, write_config):
    add_people(store, {"email": "marie@radium.example", "last_name": "Curie"})
    loaded = write_config(LEADS)
    _applied(port, store, loaded)
    lead = _link(store, "marie@radium.example", "Lead").sf_id
    contact = port.seed("Contact", LastName="Curie", Email="pierre@radium.example")
    make_plan(port, store, loaded)
    reader = _person(store, "pierre@radium.example")
    store.links.remove(_link(store, "pierre@radium.example", "Contact"))
    store.links.add([Link(Kind.PERSON, reader.id, "Contact", contact, False, utc_now(), "run-1")])
    port.convert(lead, contact)
    assert _skip(make_plan(port, store, loaded), "marie@radium.example").code is SkipCode.AMBIGUOUS


def test_a_rebuilt_store_reads_a_renamed_record_into_the_person_whose_id_it_carries(store, port, write_config):
    """The link is made by the read's link pass, after the workspace update: without the external id, the
    record's new email would make a second person of it first."""
    add_companies(store, ACME)
    add_people(store, {"email": "ada@acme.example", "last_name": "Lovelace", "company_domain": "acme.example"})
    ada = _person(store, "ada@acme.example")
    port.seed("Contact", LastName="Lovelace", Email="countess@acme.example", Sfsync_Id__c=ada.id)
    loaded = write_config(CONTACTS.replace("write: true,", "write: true, external_id_field: Sfsync_Id__c,"))
    config_applied(store, loaded)
    make_plan(port, store, loaded)
    assert [r.id for r in store.workspace.records(Kind.PERSON)] == [ada.id]
    assert _link(store, "ada@acme.example", "Contact").created_by_sfsync is False
