"""Loading subjects from the store: a workspace record with its company and mirrored Salesforce records."""

from __future__ import annotations

from collections.abc import Iterator

from sfsync.catalogue import PERSON_COMPANY_LINK, Kind
from sfsync.engine.subject import Subject
from sfsync.store import Store
from sfsync.store.sync_views import mirror_fields, session_of
from sfsync.store.workspace import WorkspaceRecord


def companies(store: Store) -> Iterator[Subject]:
    for record in store.workspace.records(Kind.COMPANY):
        yield company_subject(store, record)


def people(store: Store) -> Iterator[Subject]:
    for record in store.workspace.records(Kind.PERSON):
        yield person_subject(store, record)


def company_subject(store: Store, record: WorkspaceRecord) -> Subject:
    """The company with the Accounts on its domain (its domain group) and their Opportunities."""
    return _company(store, record.id, {**record.values, "attributes": dict(record.attributes)}, record.key)


def _company(store: Store, company_id: str, values: dict[str, object], domain: str | None) -> Subject:
    session = session_of(store)
    accounts = mirror_fields(session, "Account", "domain_norm", [domain] if domain else [])
    linked = [link.sf_id for link in store.links.for_record(Kind.COMPANY, company_id) if link.object == "Account"]
    known = {str(a.get("Id")) for a in accounts}
    accounts += mirror_fields(session, "Account", "sf_id", [i for i in linked if i not in known])
    ids = [str(a.get("Id")) for a in accounts]
    opportunities = mirror_fields(session, "Opportunity", "account_id", ids)
    return Subject(Kind.COMPANY, company_id, values, {"Account": accounts, "Opportunity": opportunities})


def person_subject(store: Store, record: WorkspaceRecord) -> Subject:
    """The person with the Contacts and Leads sharing its email, and its company (by `company_domain`)."""
    session = session_of(store)
    email = record.key
    related = {
        "Contact": mirror_fields(session, "Contact", "email_norm", [email] if email else []),
        "Lead": mirror_fields(session, "Lead", "email_norm", [email] if email else []),
    }
    domain = record.values.get(PERSON_COMPANY_LINK)
    company = None
    if isinstance(domain, str) and domain:
        found = store.workspace.find(Kind.COMPANY, domain)
        company = (
            company_subject(store, found) if found is not None else _company(store, "", {"domain": domain}, domain)
        )
    values = {**record.values, "attributes": dict(record.attributes)}
    return Subject(Kind.PERSON, record.id, values, related, company)
