"""Apply's check for records created since the plan finds internationalised keys in their Unicode form."""

from __future__ import annotations

import pytest
from engine_support import CONTACTS, PRIVATE_CONTACTS, add_companies, add_people

from sfsync.engine.applying.applier import apply_plan
from sfsync.engine.planning.planner import make_plan
from sfsync.salesforce.query import And, Eq, Like, Query

pytestmark = pytest.mark.org


def test_an_idn_account_a_person_created_after_the_plan_is_not_created_again(org, store, write_config):
    add_companies(store, {"domain": "faß.de", "name": "Faß GmbH"})
    # as the loader stores it: `company_domain` normalised like the company's domain
    add_people(store, {"email": "ada@faß.de", "last_name": "Lovelace", "company_domain": "xn--fa-hia.de"})
    port, loaded = org.port(), write_config(CONTACTS)
    plan = make_plan(port, store, loaded)
    creates = {(c.sobject, c.workspace.label) for c in plan.changes if c.action.value == "create"}
    assert creates == {("Account", "xn--fa-hia.de"), ("Contact", "ada@faß.de")}
    account = org.create("Account", Name="Faß", Website="https://www.faß.de")
    report = apply_plan(port, store, loaded, plan)
    assert ("Account", "create", "conflict") in {(r.sobject, r.action, r.outcome) for r in report.rows}
    accounts = list(port.query(Query("Account", ("Id",), And((Like("Website", "fa"), Like("Website", ".de"))))))
    assert [a["Id"] for a in accounts] == [account]


def test_an_eai_contact_a_person_created_after_the_plan_is_not_created_again(org, store, write_config):
    add_people(store, {"email": "José@Faß.de", "last_name": "Núñez"})
    port, loaded = org.port(), write_config(PRIVATE_CONTACTS)
    plan = make_plan(port, store, loaded)
    creates = [c.workspace.label for c in plan.changes if c.action.value == "create"]
    assert creates == ["José@Faß.de"]
    contact = org.create("Contact", LastName="Núñez", Email="josé@faß.de")
    report = apply_plan(port, store, loaded, plan)
    assert [r.outcome for r in report.rows if r.action == "create"] == ["conflict"]
    assert [c["Id"] for c in port.query(Query("Contact", ("Id",), Eq("LastName", "Núñez")))] == [contact]
