"""Company keys in the read pass and in matching: what a company domain is, and `sync.company_match`."""

from __future__ import annotations

from engine_support import CONTACTS, add_companies, add_people

from sfsync.catalogue import Kind
from sfsync.engine.planner import make_plan


def test_the_read_pass_skips_accounts_whose_website_is_a_shared_host_and_says_why(store, port, write_config):
    port.seed("Account", Name="Acme", Website="https://www.linkedin.com/company/acme")
    port.seed("Account", Name="Co", Website="www.co.uk")
    port.seed("Account", Name="Good", Website="https://acme.github.io")
    plan = make_plan(port, store, write_config(CONTACTS))
    counts = plan.refresh["Account"]
    assert counts["skipped: not a company domain: linkedin.com is a shared platform host"] == 1
    assert counts["skipped: not a company domain: co.uk is a public suffix"] == 1
    assert [c.key for c in store.workspace.records(Kind.COMPANY)] == ["acme.github.io"]


def test_sharp_s_and_ss_accounts_are_two_companies_on_read(store, port, write_config):
    port.seed("Account", Name="Straße", Website="https://faß.de")
    port.seed("Account", Name="Strasse", Website="https://fass.de")
    make_plan(port, store, write_config(CONTACTS))
    assert {c.key for c in store.workspace.records(Kind.COMPANY)} == {"xn--fa-hia.de", "fass.de"}


def test_an_internationalised_email_is_read_and_linked(store, port, write_config):
    contact = port.seed("Contact", LastName="Núñez", Email="josé@empresa.es")
    add_people(store, {"email": "José@Empresa.es", "last_name": "Núñez"})
    make_plan(port, store, write_config(CONTACTS))
    (person,) = store.workspace.records(Kind.PERSON)
    assert [link.sf_id for link in store.links.for_record(Kind.PERSON, person.id)] == [contact]


__all__ = ["add_companies"]
