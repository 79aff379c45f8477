"""What apply links and what it resends, against the local org with the real adapter.

A duplicate rule's match is not an identity; an upsert by external id never writes over a record it
did not know; every field, references included, is re-checked before it is written; a refusal that
will not change is not resent.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from engine_support import CONTACTS, LEADS, PRIVATE_CONTACTS, add_companies, add_people, config_applied

from sfsync.engine.applying.applier import apply_plan
from sfsync.engine.planning.planner import make_plan
from sfsync.salesforce.query import Eq, Query

pytestmark = pytest.mark.org

FUZZY_LEAD_RULE = {
    "object": "Lead", "name": "Lead_Name_Company", "fields": ["LastName", "Company"], "action": "block",
    "message": "You're creating a duplicate lead.",
}  # fmt: skip
CONTACT_VS_LEADS = {"object": "Contact", "name": "Contact_vs_Leads", "field": "Email", "compare_with": "Lead"}


class SavesBeforeInsert:
    """The real adapter, with a person's save landing after apply's check and before its first insert."""

    def __init__(self, port: Any, save: Callable[[], None]) -> None:
        self._port, self._save = port, save

    def __getattr__(self, name: str) -> Any:
        return getattr(self._port, name)

    def send_write(self, write: Any, then: Any = ()) -> Any:
        if write.records:
            save, self._save = self._save, lambda: None
            save()
        return self._port.send_write(write, then)


def _lead(org, sf_id: str) -> dict[str, Any]:
    (row,) = org.port().retrieve("Lead", [sf_id], ["Email", "Title", "Status", "Company", "LastName"])
    return dict(row)


def test_a_fuzzy_rule_matching_another_persons_lead_is_rejected_ambiguous(org, store, write_config):
    org.handle.control("duplicate-rules", "PUT", [FUZZY_LEAD_RULE])
    augusta = org.create("Lead", LastName="Lovelace", Company="Analytical", Email="augusta@analytical.example")
    add_companies(store, {"domain": "analytical.example", "name": "Analytical"})
    add_people(
        store,
        {
            "email": "ada@analytical.example",
            "last_name": "Lovelace",
            "title": "CTO",
            "company_domain": "analytical.example",
        },
    )
    port, loaded = org.port(), write_config(LEADS)
    ada = store.workspace.find("person", "ada@analytical.example")
    report = apply_plan(port, store, loaded, make_plan(port, store, loaded))
    (row,) = [r for r in report.rows if r.workspace_id == ada.id]
    assert (row.outcome, row.error_code) == ("rejected", "DUPLICATES_DETECTED")
    assert row.message.startswith("ambiguous: a duplicate rule refused the create (You're creating a duplicate lead.)")
    assert store.links.for_record("person", ada.id) == []
    apply_plan(port, store, loaded, make_plan(port, store, loaded))
    assert _lead(org, augusta)["Title"] is None and _lead(org, augusta)["Email"] == "augusta@analytical.example"
    assert all(link.sf_id != augusta for link in store.links.for_record("person", ada.id))


def test_a_same_email_duplicate_is_linked(org, store, write_config):
    add_people(store, {"email": "new@radium.example", "last_name": "New", "title": "Boss"})
    port, loaded = org.port(), write_config(LEADS)
    plan = make_plan(port, store, loaded)
    org.handle.control("duplicate-rules", "PUT", [{**FUZZY_LEAD_RULE, "fields": ["Email"]}])
    made: list[str] = []
    racing = SavesBeforeInsert(
        port, lambda: made.append(org.create("Lead", LastName="N", Company="R", Email="NEW@radium.example"))
    )
    report = apply_plan(racing, store, loaded, plan)
    assert [(r.outcome, r.sf_id) for r in report.rows] == [("linked", made[0])]
    person = store.workspace.find("person", "new@radium.example")
    (link,) = store.links.for_record("person", person.id)
    assert (link.sf_id, link.created_by_sfsync) == (made[0], False)
    assert len(org.records("Lead", "new@radium.example")) == 1


def test_a_contact_rule_matching_a_lead_is_not_a_link(org, store, write_config):
    org.handle.control("duplicate-rules", "PUT", [CONTACT_VS_LEADS])
    add_people(store, {"email": "emmy@erlangen.example", "last_name": "Noether"})
    port, loaded = org.port(), write_config(PRIVATE_CONTACTS)
    plan = make_plan(port, store, loaded)
    lead = org.create("Lead", LastName="Noether", Company="Erlangen", Email="emmy@erlangen.example")
    report = apply_plan(port, store, loaded, plan)
    person = store.workspace.find("person", "emmy@erlangen.example")
    (row,) = [r for r in report.rows if r.workspace_id == person.id]
    assert (row.outcome, row.error_code) == ("rejected", "DUPLICATES_DETECTED") and "ambiguous" in row.message
    assert all(link.object != "Contact" for link in store.links.for_record("person", person.id))
    assert org.records("Contact", "emmy@erlangen.example") == [] and _lead(org, lead)["Title"] is None


def test_an_update_refused_by_a_duplicate_rule_is_rejected(org, store, write_config):
    lead = org.create("Lead", LastName="Curie", Company="Radium", Email="marie@radium.example")
    org.create("Lead", LastName="Curie", Company="Sorbonne", Email="pierre@sorbonne.example", Title="Physicist")
    add_people(store, {"email": "marie@radium.example", "last_name": "Curie", "title": "Physicist"})
    port, loaded = org.port(), write_config(LEADS)
    config_applied(store, loaded)  # the plan records its read link to marie's Lead
    plan = make_plan(port, store, loaded)
    org.handle.control("duplicate-rules", "PUT", [{**FUZZY_LEAD_RULE, "fields": ["LastName", "Title"]}])
    report = apply_plan(port, store, loaded, plan)
    (row,) = [r for r in report.rows if r.sf_id == lead]
    assert (row.outcome, row.error_code) == ("rejected", "DUPLICATES_DETECTED")
    assert row.message.startswith("a duplicate rule refused the update (You're creating a duplicate lead.)")
    assert _lead(org, lead)["Title"] is None
    person = store.workspace.find("person", "marie@radium.example")
    assert [link.sf_id for link in store.links.for_record("person", person.id)] == [lead]


def test_an_account_id_a_person_set_between_plan_and_apply_is_kept(org, store, write_config):
    contact = org.create("Contact", LastName="Curie", Email="marie@radium.example")
    add_companies(store, {"domain": "radium.example", "name": "Radium", "intent_level": "High"})
    add_people(store, {"email": "marie@radium.example", "last_name": "Curie", "company_domain": "radium.example"})
    port, loaded = org.port(), write_config(CONTACTS)
    plan = make_plan(port, store, loaded)
    (update,) = [c for c in plan.changes if c.sf_id == contact]
    assert {f.field: f.ref for f in update.fields}["AccountId"] == "Account/" + store.workspace.find(
        "company", "radium.example"
    ).id
    theirs = org.create("Account", Name="Radium Institute")
    org.edit("Contact", contact, AccountId=theirs)
    report = apply_plan(port, store, loaded, plan)
    (row,) = [r for r in report.rows if r.sf_id == contact]
    assert "AccountId" in row.dropped
    assert org.records("Contact", "marie@radium.example")[0]["AccountId"] == theirs


EXT = LEADS.replace("write: true,", "write: true, external_id_field: Sfsync_Id__c,")
ADA = {
    "email": "ada@analytical.example",
    "last_name": "Lovelace",
    "title": "CTO",
    "company_domain": "analytical.example",
}


def _ada_workspace(target_store) -> str:
    add_companies(target_store, {"domain": "analytical.example", "name": "Analytical"})
    add_people(target_store, ADA)
    return str(target_store.workspace.find("person", ADA["email"]).id)


def _lead_by_ext(org, ext_id: str) -> list[dict[str, Any]]:
    request = Query("Lead", ("Id", "Email", "Title", "Company", "Sfsync_Id__c"), Eq("Sfsync_Id__c", ext_id))
    return [dict(r) for r in org.port().query(request)]


@pytest.mark.parametrize("api", ["rest", "bulk"])
def test_a_rebuilt_store_links_the_records_carrying_its_ids_and_never_upserts_over_them(
    org, store, write_config, tmp_path, api
):
    from sfsync.store import open_store

    config = EXT.replace("write: true,", f"write: true, api: {api},")
    port, loaded = org.port(), write_config(config)
    ada_id = _ada_workspace(store)
    apply_plan(port, store, loaded, make_plan(port, store, loaded))
    (lead,) = _lead_by_ext(org, ada_id)
    org.edit("Lead", lead["Id"], Email="countess@lovelace.example", Title="Countess", Company="Engines Ltd")
    rebuilt = open_store(f"sqlite:///{tmp_path / 'rebuilt.db'}")
    try:
        _ada_workspace(rebuilt)
        plan = make_plan(port, rebuilt, loaded)
        assert [c.action for c in plan.changes if c.workspace.id == ada_id] != ["create"]
        apply_plan(port, rebuilt, loaded, plan)
        make_plan(port, rebuilt, loaded)  # the first plan with the applied config records its read links
        (link,) = [x for x in rebuilt.links.for_record("person", ada_id) if x.object == "Lead"]
        assert (link.sf_id, link.created_by_sfsync) == (lead["Id"], False)
    finally:
        rebuilt.close()
    (after,) = _lead_by_ext(org, ada_id)
    assert (after["Email"], after["Title"], after["Company"]) == (
        "countess@lovelace.example",
        "Countess",
        "Engines Ltd",
    )


@pytest.mark.parametrize("api", ["rest", "bulk"])
def test_a_record_given_the_external_id_between_plan_and_apply_is_linked_not_upserted(org, store, write_config, api):
    port, loaded = org.port(), write_config(EXT.replace("write: true,", f"write: true, api: {api},"))
    ada_id = _ada_workspace(store)
    plan = make_plan(port, store, loaded)
    assert [c.action for c in plan.changes if c.workspace.id == ada_id] == ["create"]
    theirs = org.create(
        "Lead", LastName="L", Company="Engines Ltd", Email="countess@lovelace.example", Sfsync_Id__c=ada_id
    )
    report = apply_plan(port, store, loaded, plan)
    (row,) = [r for r in report.rows if r.workspace_id == ada_id]
    assert (row.outcome, row.sf_id) == ("linked", theirs)
    (link,) = store.links.for_record("person", ada_id)
    assert (link.sf_id, link.created_by_sfsync) == (theirs, False)
    (after,) = _lead_by_ext(org, ada_id)
    assert (after["Email"], after["Title"], after["Company"]) == ("countess@lovelace.example", None, "Engines Ltd")
    follow_up = make_plan(port, store, loaded)
    (update,) = [c for c in follow_up.changes if c.workspace.id == ada_id]
    assert (update.action, update.sf_id) == ("update", theirs)
    assert {f.field for f in update.fields} >= {"Title"} and "Company" not in {f.field for f in update.fields}
