"""Company keys in the read pass and in matching: what a company domain is, and `sync.company_match`."""

from __future__ import annotations

from engine_support import CONTACTS, add_companies, add_people, config_applied

from sfsync.catalogue import Kind
from sfsync.engine.planning.planner import make_plan


def _recorded(store, loaded):
    """The config as applied: planning with it records its read, which these tests look at."""
    config_applied(store, loaded)
    return loaded


def test_the_read_pass_skips_accounts_whose_website_is_a_shared_host_and_says_why(store, port, write_config):
    port.seed("Account", Name="Acme", Website="https://www.linkedin.com/company/acme")
    port.seed("Account", Name="Co", Website="www.co.uk")
    port.seed("Account", Name="Good", Website="https://acme.github.io")
    plan = make_plan(port, store, _recorded(store, write_config(CONTACTS)))
    counts = plan.refresh["Account"]
    assert counts["skipped: not a company domain: linkedin.com is a shared platform host"] == 1
    assert counts["skipped: not a company domain: co.uk is a public suffix"] == 1
    assert [c.key for c in store.workspace.records(Kind.COMPANY)] == ["acme.github.io"]


def test_sharp_s_and_ss_accounts_are_two_companies_on_read(store, port, write_config):
    port.seed("Account", Name="Straße", Website="https://faß.de")
    port.seed("Account", Name="Strasse", Website="https://fass.de")
    make_plan(port, store, _recorded(store, write_config(CONTACTS)))
    assert {c.key for c in store.workspace.records(Kind.COMPANY)} == {"xn--fa-hia.de", "fass.de"}


def test_an_internationalised_email_is_read_and_linked(store, port, write_config):
    contact = port.seed("Contact", LastName="Núñez", Email="josé@empresa.es")
    add_people(store, {"email": "José@Empresa.es", "last_name": "Núñez"})
    make_plan(port, store, _recorded(store, write_config(CONTACTS)))
    (person,) = store.workspace.records(Kind.PERSON)
    assert [link.sf_id for link in store.links.for_record(Kind.PERSON, person.id)] == [contact]


REGISTRABLE = CONTACTS.replace(
    "person_object: contacts_and_accounts}",
    "person_object: contacts_and_accounts,\n  company_match: registrable_domain}",
)
ACCOUNT_PLAY = """\
  - name: companies
    audience: {object: company}
    sync_to_salesforce: {}
"""


def _account_changes(plan):
    return [(c.action.value, c.sf_id, c.workspace.label) for c in plan.changes if c.sobject == "Account"]


def test_without_the_option_a_sub_domain_company_is_a_company_of_its_own(store, port, write_config):
    port.seed("Account", Name="Acme", Website="https://acme.com")
    add_companies(store, {"domain": "shop.acme.com", "name": "Acme Shop"})
    plan = make_plan(port, store, _recorded(store, write_config(CONTACTS + ACCOUNT_PLAY)))
    assert ("create", None, "shop.acme.com") in _account_changes(plan)


def test_with_the_option_a_sub_domain_company_matches_the_registrable_domains_account(store, port, write_config):
    acme = port.seed("Account", Name="Acme", Website="https://acme.com")
    add_companies(store, {"domain": "shop.acme.com", "name": "Acme Shop"})
    plan = make_plan(port, store, _recorded(store, write_config(REGISTRABLE + ACCOUNT_PLAY)))
    (shop,) = store.workspace.records(Kind.COMPANY)  # the Account read updated it: one company key, one company
    assert (shop.key, shop.values["name"]) == ("shop.acme.com", "Acme Shop")
    assert [link.sf_id for link in store.links.for_record(Kind.COMPANY, shop.id)] == [acme]
    assert all(action == "update" and sf_id == acme for action, sf_id, _ in _account_changes(plan))


def test_with_the_option_a_person_on_a_sub_domain_goes_under_the_companys_account(store, port, write_config):
    acme = port.seed("Account", Name="Acme", Website="acme.com")
    add_people(store, {"email": "ada@shop.acme.com", "last_name": "Lovelace", "company_domain": "shop.acme.com"})
    plan = make_plan(port, store, _recorded(store, write_config(REGISTRABLE)))
    (contact,) = [c for c in plan.changes if c.sobject == "Contact"]
    assert {f.field: f.after for f in contact.fields}["AccountId"] == acme


def test_an_account_is_linked_to_one_company_of_its_key_and_no_second_is_created(store, port, write_config):
    acme = port.seed("Account", Name="Acme", Website="acme.com")
    add_companies(store, {"domain": "shop.acme.com", "name": "Shop"}, {"domain": "acme.com", "name": "Acme"})
    plan = make_plan(port, store, _recorded(store, write_config(REGISTRABLE + ACCOUNT_PLAY)))
    owners = {
        c.key: [link.sf_id for link in store.links.for_record(Kind.COMPANY, c.id)]
        for c in store.workspace.records(Kind.COMPANY)
    }
    assert owners == {"acme.com": [acme], "shop.acme.com": []}  # its own host first
    assert not [c for c in plan.changes if c.action.value == "create"]
    (skip,) = [s for s in plan.skips if s.workspace.label == "shop.acme.com"]
    assert skip.code.value == "ambiguous" and "company key acme.com" in skip.reason
