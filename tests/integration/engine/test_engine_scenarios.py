"""Scenarios of DESIGN §3 and §4 against the local org over HTTPS, in both modes."""

from __future__ import annotations

import pytest
from engine_support import CONTACTS, LEADS, PRIVATE_CONTACTS, add_companies, add_people, config_applied

from sfsync.engine.applying.applier import apply_plan
from sfsync.engine.planning.planner import make_plan
from sfsync.engine.plans.plan import SkipCode
from sfsync.errors import StalePlanError
from sfsync.salesforce.query import Eq, Query

pytestmark = pytest.mark.org


def _workspace(store):
    add_companies(
        store,
        {"domain": "acme.example", "name": "Acme Corp", "intent_level": "High"},
        {"domain": "initech.example", "name": "Initech", "intent_level": "Medium"},
    )
    add_people(
        store,
        {"email": "grace@acme.example", "last_name": "Hopper", "title": "Admiral", "company_domain": "acme.example"},
        {
            "email": "peter@initech.example",
            "last_name": "Gibbons",
            "title": "Engineer",
            "company_domain": "initech.example",
        },
    )


@pytest.mark.parametrize("config", [CONTACTS, LEADS], ids=["contacts", "leads"])
def test_apply_then_plan_writes_nothing(org, store, write_config, config):
    _workspace(store)
    port, loaded = org.port(), write_config(config)
    report = apply_plan(port, store, loaded, make_plan(port, store, loaded))
    assert report.counts().get("written", 0) >= 2 and not report.rejected
    again = make_plan(port, store, loaded)
    assert again.changes == ()


def test_contacts_mode_links_new_contact_to_new_account(org, store, write_config):
    _workspace(store)
    port, loaded = org.port(), write_config(CONTACTS)
    apply_plan(port, store, loaded, make_plan(port, store, loaded))
    (peter,) = org.records("Contact", "peter@initech.example")
    (initech,) = list(port.query(Query("Account", ("Id",), Eq("Website", "initech.example"))))
    assert peter["AccountId"] == initech["Id"]


def test_leads_mode_existing_contact_wins_and_converted_lead_is_never_written(org, store, write_config):
    _workspace(store)
    port, loaded = org.port(), write_config(LEADS)
    plan = make_plan(port, store, loaded)
    grace = next(c for c in plan.changes if c.workspace.label == "grace@acme.example")
    assert grace.sobject == "Contact"
    apply_plan(port, store, loaded, plan)
    (converted,) = org.records("Lead", "grace@acme.example")
    assert converted["Title"] is None  # the converted Lead is untouched
    assert org.records("Contact", "grace@acme.example")[0]["Title"] == "Admiral"


def test_human_set_value_is_untouched(org, store, write_config):
    org.create("Lead", LastName="Curie", Company="Radium", Email="marie@radium.example", Title="Head of Research")
    add_people(store, {"email": "marie@radium.example", "last_name": "Curie", "title": "Physicist"})
    port, loaded = org.port(), write_config(LEADS)
    plan = make_plan(port, store, loaded)
    apply_plan(port, store, loaded, plan)
    assert org.records("Lead", "marie@radium.example")[0]["Title"] == "Head of Research"


def test_human_edit_between_plan_and_apply_is_a_conflict(org, store, write_config):
    lead = org.create("Lead", LastName="Curie", Company="Radium", Email="marie@radium.example")
    add_people(store, {"email": "marie@radium.example", "last_name": "Curie", "title": "Physicist"})
    port, loaded = org.port(), write_config(LEADS)
    plan = make_plan(port, store, loaded)
    org.edit("Lead", lead, Title="Director")
    report = apply_plan(port, store, loaded, plan)
    assert "Title" in report.rows[0].dropped
    assert org.records("Lead", "marie@radium.example")[0]["Title"] == "Director"


def test_stale_plan_is_refused(org, store, write_config):
    _workspace(store)
    port, loaded = org.port(), write_config(LEADS)
    stale = make_plan(port, store, loaded)
    apply_plan(port, store, loaded, make_plan(port, store, loaded))
    with pytest.raises(StalePlanError, match="serial"):
        apply_plan(port, store, loaded, stale)


def _person_id(store):
    return store.workspace.find("person", "new@initech.example").id


@pytest.mark.parametrize("config", [PRIVATE_CONTACTS, LEADS], ids=["contacts", "leads"])
def test_lost_create_response_is_linked_on_rerun_not_duplicated(org, store, write_config, config):
    add_people(store, {"email": "new@initech.example", "last_name": "New", "title": "Boss"})
    port, loaded = org.port(), write_config(config)
    # A create goes as a Collections request, or as a composite one when it carries the next group's check.
    org.faults({"match": {"endpoint": r"rest\.(collections\.create|composite)"}, "action": "commit_then_drop"})
    report = apply_plan(port, store, loaded, make_plan(port, store, loaded))
    assert [r.outcome for r in report.rows if r.workspace_id == _person_id(store)] == ["unknown"]
    org.faults()
    apply_plan(port, store, loaded, make_plan(port, store, loaded))
    sobject = "Contact" if config is PRIVATE_CONTACTS else "Lead"
    assert len(org.records(sobject, "new@initech.example")) == 1


def test_rest_and_bulk_write_the_same(org, store, write_config, tmp_path):
    from sfsync.localorg import seeding
    from sfsync.store import open_store

    def written(target_store, config: str) -> list[tuple]:
        _workspace(target_store)
        port, loaded = org.port(), write_config(config)
        apply_plan(port, target_store, loaded, make_plan(port, target_store, loaded))
        assert make_plan(port, target_store, loaded).changes == ()
        rows = port.query(Query("Lead", ("Email", "LastName", "Title", "Company", "LeadSource", "Sfsync_Intent__c")))
        return sorted(tuple(sorted(dict(r).items())) for r in rows), port.call_counts().by_kind

    rest, rest_calls = written(store, LEADS)
    seeding.reset(org.handle.running.app.org)
    bulk_store = open_store(f"sqlite:///{tmp_path / 'bulk.db'}")
    bulk, bulk_calls = written(bulk_store, LEADS.replace("write: true,", "write: true, api: bulk,"))
    bulk_store.close()
    assert rest == bulk
    assert bulk_calls.get("bulk_insert", 0) >= 1 and rest_calls.get("bulk_insert", 0) == 0


def test_company_exclusion_covers_its_people(org, store, write_config):
    org.create("Account", Name="Umbrella", Website="https://www.umbrella.example", Type="Customer - Direct")
    add_companies(store, {"domain": "umbrella.example", "name": "Umbrella", "intent_level": "High"})
    add_people(store, {"email": "al@umbrella.example", "last_name": "Wesker", "company_domain": "umbrella.example"})
    exclusion = (
        "exclusions:\n  - name: customers\n    applies_to: company\n"
        "    where: {salesforce: Account, field: Type, op: eq, value: Customer - Direct}\n"
    )
    port, loaded = org.port(), write_config(LEADS + exclusion)
    plan = make_plan(port, store, loaded)
    skip = next(s for s in plan.skips if s.workspace.label == "al@umbrella.example")
    assert (skip.code, skip.reason) == (SkipCode.EXCLUDED, "excluded by customers")
    assert plan.changes == ()


def test_create_whose_process_was_killed_is_linked_on_rerun(org, store, write_config):
    from sfsync.catalogue import Kind
    from sfsync.store.intents import IntentState

    add_people(store, {"email": "new@initech.example", "last_name": "New", "title": "Boss"})
    person = _person_id(store)
    intent = store.intents.open(Kind.PERSON, person, "Lead", "digest")  # written, then the process died…
    org.create("Lead", LastName="New", Company="Initech", Email="new@initech.example")  # …after Salesforce saved it
    port, loaded = org.port(), write_config(LEADS)
    plan = make_plan(port, store, loaded)
    assert all(c.action != "create" for c in plan.changes)
    # Nothing applied yet, so the plan keeps its read: it re-matched the Lead and settled the intent.
    assert store.intents.get(intent.id).state is IntentState.CREATED
    apply_plan(port, store, loaded, plan)
    (lead,) = org.records("Lead", "new@initech.example")
    settled = store.intents.get(intent.id)
    assert (settled.state, settled.sf_id) == (IntentState.CREATED, lead["Id"])


def test_create_whose_process_was_killed_is_linked_by_a_plan_with_the_applied_config(org, store, write_config):
    from sfsync.catalogue import Kind
    from sfsync.store.intents import IntentState

    add_people(store, {"email": "new@initech.example", "last_name": "New", "title": "Boss"})
    intent = store.intents.open(Kind.PERSON, _person_id(store), "Lead", "digest")
    org.create("Lead", LastName="New", Company="Initech", Email="new@initech.example")
    port, loaded = org.port(), write_config(LEADS)
    config_applied(store, loaded)
    make_plan(port, store, loaded)
    assert store.intents.get(intent.id).state is IntentState.CREATED


def test_a_create_the_plan_did_not_find_settles_the_earlier_intent_as_failed(org, store, write_config):
    from sfsync.catalogue import Kind
    from sfsync.store.intents import IntentState

    add_people(store, {"email": "new@initech.example", "last_name": "New", "title": "Boss"})
    intent = store.intents.open(Kind.PERSON, _person_id(store), "Lead", "digest")  # the create never arrived
    port, loaded = org.port(), write_config(LEADS)
    plan = make_plan(port, store, loaded)
    (change,) = plan.changes
    assert change.action == "create" and change.match.startswith("an earlier create's outcome was unknown")
    assert store.intents.get(intent.id).state is IntentState.FAILED  # the plan's read is kept: nothing applied yet
    apply_plan(port, store, loaded, plan)
    assert len(org.records("Lead", "new@initech.example")) == 1
    assert store.intents.get(intent.id).state is IntentState.FAILED


def test_mode_switch_changes_future_creates_only(org, store, write_config):
    add_people(store, {"email": "new@initech.example", "last_name": "New", "title": "Boss"})
    port = org.port()
    leads = write_config(LEADS)
    apply_plan(port, store, leads, make_plan(port, store, leads))
    add_people(store, {"email": "late@initech.example", "last_name": "Late"})
    contacts = write_config(PRIVATE_CONTACTS)
    plan = make_plan(port, store, contacts)
    assert ("sync_changed", "sync.person_object") in {(c.kind, c.path) for c in plan.config_diff}
    late = [c for c in plan.changes if c.workspace.label == "late@initech.example"]
    assert [(c.sobject, c.action) for c in late] == [("Contact", "create")]
    assert not [c for c in plan.changes if c.sobject == "Lead"]


def test_plays_are_edge_triggered(org, store, write_config):
    audience = "audience: {object: person, where: {field: person.title, op: eq, value: CTO}}"
    port, loaded = org.port(), write_config(LEADS.replace("audience: {object: person}", audience))
    add_people(store, {"email": "new@initech.example", "last_name": "New", "title": "CTO"})
    first = make_plan(port, store, loaded)
    assert [e.workspace_id for e in first.play_entries] == [_person_id(store)]
    apply_plan(port, store, loaded, first)
    assert make_plan(port, store, loaded).play_entries == ()
