"""Apply accepts only changes sfsync plans from the config and the links; each other one is named and refused."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest
from engine_support import CONTACTS, LEADS, add_companies, add_people

from sfsync.catalogue import Kind
from sfsync.engine.applying import plan_checks
from sfsync.engine.applying.applier import apply_plan
from sfsync.engine.applying.plan_checks import check_changes
from sfsync.engine.planning.planner import make_plan
from sfsync.engine.plans.plan import Action, FieldChange, Plan, RecordChange
from sfsync.errors import ForeignPlanError
from sfsync.store.ledger import LedgerEntry
from sfsync.store.links import Link

T0 = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


@pytest.fixture
def contacts_plan(store, port, write_config):
    """Contacts mode: an Account to create and a Contact referring to it, and ada's Contact to update."""
    add_companies(store, {"domain": "acme.example", "name": "Acme", "intent_level": "High"})
    port.seed("Contact", LastName="Lovelace", Email="ada@acme.example")
    add_people(
        store,
        {"email": "ada@acme.example", "last_name": "Lovelace", "title": "CTO"},
        {"email": "bob@acme.example", "last_name": "Builder", "company_domain": "acme.example"},
    )
    loaded = write_config(CONTACTS)
    with store.speculative():  # the links the tests add are the store's only ones: the plan's read is not kept
        plan = make_plan(port, store, loaded)
    assert sorted((c.sobject, c.action) for c in plan.changes) == [
        ("Account", Action.CREATE), ("Contact", Action.CREATE), ("Contact", Action.UPDATE),
    ]  # fmt: skip
    return loaded, plan


def _change(plan: Plan, sobject: str, action: Action) -> RecordChange:
    return next(c for c in plan.changes if c.sobject == sobject and c.action is action)


def _with(plan: Plan, old: RecordChange, new: RecordChange) -> Plan:
    return replace(plan, changes=tuple(new if c is old else c for c in plan.changes))


def _field(change: RecordChange, name: str) -> FieldChange:
    return next(f for f in change.fields if f.field == name)


def _set_field(change: RecordChange, name: str, **values: Any) -> RecordChange:
    fields = tuple(replace(f, **values) if f.field == name else f for f in change.fields)
    return replace(change, fields=fields)


def _add_field(change: RecordChange, item: FieldChange) -> RecordChange:
    return replace(change, fields=(*change.fields, item))


def test_what_sfsync_planned_passes_and_applies(store, port, contacts_plan):
    loaded, plan = contacts_plan
    check_changes(store, loaded.config, plan)
    assert apply_plan(port, store, loaded, plan).counts() == {"written": 3}


Edit = Callable[[RecordChange], RecordChange]
UPDATE_CASES: list[tuple[str, Edit, str]] = [
    (
        "policy_widened",
        lambda c: _set_field(c, "Title", policy="owned"),
        "field Title: its policy is owned, the config gives if_unchanged",
    ),
    (
        "unmapped_field",
        lambda c: _add_field(c, FieldChange("Description", None, "x", "person.title", "owned", "")),
        "field Description: the config does not map or default it for writing on Contact",
    ),
    (
        "unknown_source",
        lambda c: _set_field(c, "Title", source="person.notes"),
        "field Title: the config does not write it from 'person.notes'",
    ),
    (
        "owner",
        lambda c: _add_field(c, FieldChange("OwnerId", None, "005x", "default", "if_empty", "")),
        "field OwnerId: the config does not map or default it",
    ),
    ("empty_value", lambda c: _set_field(c, "Title", after=None), "field Title: sfsync never writes an empty value"),
    (
        "if_unchanged_over_a_value_sfsync_did_not_write",
        lambda c: _set_field(c, "Title", before="Countess"),
        "field Title: if_unchanged, but Salesforce held a value sfsync did not write",
    ),
    (
        "play_default_of_a_play_not_entered",
        lambda c: replace(c, plays=()),
        "field LeadSource: the config does not write it from 'play:everyone'",
    ),
    ("twice_the_same_field", lambda c: _add_field(c, _field(c, "Title")), "field Title: the field is written twice"),
    ("key", lambda c: replace(c, key="Contact/someone-else"), "Contact/someone-else: its key is not Contact/"),
    ("update_without_id", lambda c: replace(c, sf_id=None), "a create carries no Salesforce Id and an update one"),
    (
        "kind",
        lambda c: replace(c, sobject="Account", key=f"Account/{c.workspace.id}"),
        "sfsync does not write a person to Account",
    ),
]


@pytest.mark.parametrize(("name", "edit", "message"), UPDATE_CASES, ids=[c[0] for c in UPDATE_CASES])
def test_an_update_sfsync_does_not_make_is_refused(store, contacts_plan, name, edit, message):
    loaded, plan = contacts_plan
    update = _change(plan, "Contact", Action.UPDATE)
    with pytest.raises(ForeignPlanError, match="does not make from this config") as caught:
        check_changes(store, loaded.config, _with(plan, update, edit(update)))
    assert message in str(caught.value) and "Nothing was sent" in str(caught.value)


def test_if_empty_over_a_value_and_create_only_on_update_are_refused(store, contacts_plan, write_config):
    loaded, plan = contacts_plan
    update = _change(plan, "Contact", Action.UPDATE)
    email = FieldChange("Email", "old@acme.example", "ada@acme.example", "person.email", "if_empty", "")
    with pytest.raises(ForeignPlanError, match="field Email: if_empty, but Salesforce held a value"):
        check_changes(store, loaded.config, _with(plan, update, _add_field(update, email)))
    email_mapping = "Email: {from: person.email, direction: read_write}"
    mapped = write_config(CONTACTS.replace(email_mapping, email_mapping[:-1] + ", policy: create_only}"))
    never = replace(email, before=None, policy="create_only")
    with pytest.raises(ForeignPlanError, match="field Email: create_only is never written on update"):
        check_changes(store, mapped.config, replace(plan, changes=(_add_field(update, never),)))


def test_if_unchanged_over_what_sfsync_wrote_passes(store, contacts_plan):
    loaded, plan = contacts_plan
    update = _change(plan, "Contact", Action.UPDATE)
    store.ledger.record([LedgerEntry("Contact", str(update.sf_id), "Title", "Countess", T0)])
    check_changes(store, loaded.config, _with(plan, update, _set_field(update, "Title", before="Countess")))


@pytest.mark.parametrize("chunk", [1, 1_000])
def test_if_unchanged_over_a_value_sfsync_did_not_write_is_refused_whatever_the_chunk(
    store, contacts_plan, monkeypatch, chunk
):
    monkeypatch.setattr(plan_checks, "TARGETS_CHUNK", chunk)  # the ledger is asked a chunk at a time
    loaded, plan = contacts_plan
    update = _change(plan, "Contact", Action.UPDATE)
    store.ledger.record([LedgerEntry("Contact", str(update.sf_id), "Title", "Countess", T0)])
    with pytest.raises(ForeignPlanError, match="field Title: if_unchanged, but Salesforce held a value sfsync did not"):
        check_changes(store, loaded.config, _with(plan, update, _set_field(update, "Title", before="Duchess")))


def test_a_reference_must_be_an_account_this_plan_creates(store, contacts_plan):
    loaded, plan = contacts_plan
    create = _change(plan, "Contact", Action.CREATE)
    assert _field(create, "AccountId").ref == _change(plan, "Account", Action.CREATE).key
    with pytest.raises(ForeignPlanError, match="field AccountId: it refers to 'Account/c_other'"):
        check_changes(store, loaded.config, _with(plan, create, _set_field(create, "AccountId", ref="Account/c_other")))


def test_targets_follow_the_links(store, contacts_plan):
    loaded, plan = contacts_plan
    update = _change(plan, "Contact", Action.UPDATE)
    store.links.add([Link(Kind.PERSON, "p_someone", "Contact", str(update.sf_id), False, T0)])
    with pytest.raises(ForeignPlanError, match=f"Contact {update.sf_id} is linked to person p_someone"):
        check_changes(store, loaded.config, plan)


def test_a_create_for_a_record_already_linked_would_duplicate_it(store, contacts_plan):
    loaded, plan = contacts_plan
    create = _change(plan, "Contact", Action.CREATE)
    store.links.add([Link(Kind.PERSON, create.workspace.id, "Contact", "003000000000042AAA", True, T0)])
    with pytest.raises(ForeignPlanError, match="already linked to Contact 003000000000042AAA: a create would dup"):
        check_changes(store, loaded.config, plan)


def test_an_update_of_another_record_than_the_linked_one_is_refused(store, contacts_plan):
    loaded, plan = contacts_plan
    update = _change(plan, "Contact", Action.UPDATE)
    store.links.add([Link(Kind.PERSON, update.workspace.id, "Contact", "003000000000042AAA", True, T0)])
    with pytest.raises(ForeignPlanError, match=f"linked to Contact 003000000000042AAA, not {update.sf_id}"):
        check_changes(store, loaded.config, plan)


def test_one_record_written_by_two_changes_is_refused(store, contacts_plan):
    loaded, plan = contacts_plan
    update = _change(plan, "Contact", Action.UPDATE)
    twin = replace(update, key="Contact/p_twin", workspace=replace(update.workspace, id="p_twin"))
    with pytest.raises(ForeignPlanError, match=f"Contact {update.sf_id} is written by two changes"):
        check_changes(store, loaded.config, replace(plan, changes=(*plan.changes, twin)))


def test_the_mode_decides_what_is_written(store, port, write_config):
    add_people(store, {"email": "ada@acme.example", "last_name": "Lovelace"})
    loaded = write_config(LEADS)
    plan = make_plan(port, store, loaded)
    (lead,) = plan.changes
    contact = replace(lead, sobject="Contact", key=f"Contact/{lead.workspace.id}")
    with pytest.raises(ForeignPlanError, match="this mode \\(leads\\) does not create Contacts"):
        check_changes(store, loaded.config, _with(plan, lead, contact))
    disabled = loaded.config.model_copy(update={"sync": loaded.config.sync.model_copy(update={"write": False})})
    with pytest.raises(ForeignPlanError, match="sync.write is false"):
        check_changes(store, disabled, plan)
    check_changes(store, loaded.config, plan)
