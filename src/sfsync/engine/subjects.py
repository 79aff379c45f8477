"""Loading subjects from the store: a workspace record with its company and mirrored Salesforce records.

Records are read a chunk at a time: everything the chunk's visits will ask (mirrored records on their
keys, links, linked records' state and ledger, companies by domain) is loaded first in one read
transaction (`SubjectReads`), then each record's subject is built from it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

from sqlalchemy import Connection

from sfsync.catalogue import PERSON_COMPANY_LINK, Kind
from sfsync.engine.subject import Subject
from sfsync.store import Store
from sfsync.store.bulk import chunks
from sfsync.store.links import Link
from sfsync.store.normalise import Normalised, normalise_domain, normalise_email
from sfsync.store.subject_reads import SubjectReads
from sfsync.store.workspace import WorkspaceRecord

CHUNK = 1000


def companies(store: Store, reads: SubjectReads) -> Iterator[Subject]:
    for chunk in chunks(store.workspace.records(Kind.COMPANY), CHUNK):
        reads.clear()
        with store.session.read() as conn:
            _load_companies(conn, reads, chunk, [])
        for record in chunk:
            yield company_subject(reads, record)


def people(store: Store, reads: SubjectReads) -> Iterator[Subject]:
    for chunk in chunks(store.workspace.records(Kind.PERSON), CHUNK):
        reads.clear()
        with store.session.read() as conn:
            _load_people(conn, reads, chunk)
        for record in chunk:
            yield person_subject(reads, record)


def subjects_of(store: Store, reads: SubjectReads, kind: Kind, ids: Iterable[str]) -> Iterator[Subject]:
    """The subjects of the given workspace records (those still in the store), built as planning builds them,
    one at a time as they are asked for, in the order of `ids` (read a chunk ahead, no further)."""
    build = company_subject if kind is Kind.COMPANY else person_subject
    for part in chunks(ids, CHUNK):
        found = store.workspace.get_many(kind, part)
        records = [found[i] for i in part if i in found]  # in the order given (planning's visit order)
        reads.clear()
        with store.session.read() as conn:
            if kind is Kind.COMPANY:
                _load_companies(conn, reads, records, [])
            else:
                _load_people(conn, reads, records)
        for record in records:
            yield build(reads, record)


def company_subject(reads: SubjectReads, record: WorkspaceRecord) -> Subject:
    """The company with the Accounts on its domain (its domain group) and their Opportunities."""
    values = {**record.values, "attributes": dict(record.attributes)}
    return _company(reads, record.id, values, record.key, key=record.key)


def _company(
    reads: SubjectReads, company_id: str, values: dict[str, object], domain: str | None, key: str | None = None
) -> Subject:
    accounts = reads.mirror_fields("Account", reads.account_column, [reads.company_key(domain)] if domain else [])
    linked = [link.sf_id for link in reads.links_for(Kind.COMPANY, company_id) if link.object == "Account"]
    known = {str(a.get("Id")) for a in accounts}
    accounts += reads.mirror_fields("Account", "sf_id", [i for i in linked if i not in known])
    ids = [str(a.get("Id")) for a in accounts]
    opportunities = reads.mirror_fields("Opportunity", "account_id", ids)
    return Subject(Kind.COMPANY, company_id, values, {"Account": accounts, "Opportunity": opportunities}, key=key)


def person_subject(reads: SubjectReads, record: WorkspaceRecord) -> Subject:
    """The person with the Contacts and Leads sharing its email, and its company (by `company_domain`)."""
    email = record.key
    related = {
        "Contact": reads.mirror_fields("Contact", "email_norm", [email] if email else []),
        "Lead": reads.mirror_fields("Lead", "email_norm", [email] if email else []),
    }
    domain = _company_domain(record)
    company = None
    if domain:
        found = reads.find_company(domain)
        company = (
            company_subject(reads, found) if found is not None else _company(reads, "", {"domain": domain}, domain)
        )
    values = {**record.values, "attributes": dict(record.attributes)}
    return Subject(Kind.PERSON, record.id, values, related, company, record.key)


def _company_domain(record: WorkspaceRecord) -> str | None:
    domain = record.values.get(PERSON_COMPANY_LINK)
    return domain if isinstance(domain, str) and domain else None


# --- loading a chunk ----------------------------------------------------------------------------------
def _load_companies(
    conn: Connection, reads: SubjectReads, records: Sequence[WorkspaceRecord], domains: Sequence[str]
) -> list[Link]:
    """What visiting these companies asks (and the Accounts on `domains`, for people without a company)."""
    links = reads.load_links(conn, Kind.COMPANY, [r.id for r in records])
    linked = [link.sf_id for link in links if link.object == "Account"]
    # The matching rule counts candidates on the domain normalised from the company's `domain` value.
    keys = [*domains, *(r.key for r in records if r.key), *_normalised(records, "domain", normalise_domain)]
    reads.load_mirror(conn, "Account", reads.account_column, [reads.company_key(key) for key in keys])
    reads.load_mirror(conn, "Account", "sf_id", linked)
    reads.load_states(conn, "Account", linked)
    accounts = [*reads.live_ids("Account", reads.account_column), *reads.live_ids("Account", "sf_id")]
    reads.load_mirror(conn, "Opportunity", "account_id", accounts)
    return links


def _load_people(conn: Connection, reads: SubjectReads, records: Sequence[WorkspaceRecord]) -> None:
    domains = [d for d in map(_company_domain, records) if d]
    found = reads.load_companies(conn, domains)
    _load_companies(conn, reads, found, domains)
    links = reads.load_links(conn, Kind.PERSON, [r.id for r in records])
    emails = [*(r.key for r in records if r.key), *_normalised(records, "email", normalise_email)]
    for sobject in ("Contact", "Lead"):
        reads.load_mirror(conn, sobject, "email_norm", emails)
        reads.load_states(conn, sobject, [link.sf_id for link in links if link.object == sobject])
    # A converted Lead is followed to its Contact.
    converted = (reads.mirror_state("Lead", link.sf_id) for link in links if link.object == "Lead")
    reads.load_states(conn, "Contact", [str(s[0].get("ConvertedContactId")) for s in converted if s and _moved(s)])


def _moved(state: tuple[Mapping[str, Any], bool]) -> bool:
    return bool(state[0].get("IsConverted")) and bool(state[0].get("ConvertedContactId"))


def _normalised(records: Iterable[WorkspaceRecord], field: str, normalise: Callable[[str], Normalised]) -> list[str]:
    """The keys `normalise` makes of the records' `field`, for those whose value is not their key already.

    A value equal to the record's key is its own normal form (the key was made by the same rule, which
    leaves a normal form as it is): the key is among the keys looked up anyway, so it is not normalised again,
    which email and domain validation make costly per record.
    """
    values = (normalise(str(value)).value for r in records if (value := r.values.get(field)) and value != r.key)
    return [value for value in values if value]
