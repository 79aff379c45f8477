"""Set-based reads the engine needs on top of the store's sections.

Matching candidates come from equality joins on the mirror's normalised columns; results stream
(ordered, then grouped in Python) instead of loading tables. Each takes the store's public
`Store.session`, the connection discipline its sections share.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, exists, func, select

from sfsync.catalogue import Kind
from sfsync.store.bulk import chunks
from sfsync.store.links import Link, link_from_row
from sfsync.store.schema import company, link, mirror, person
from sfsync.store.session import Session

_IN_SIZE = 1000  # ids per `IN (…)`: well under both backends' parameter limits
KEY_COLUMN = {"Contact": "email_norm", "Lead": "email_norm", "Account": "domain_norm"}
REGISTRABLE_COLUMN = "domain_reg"  # an Account's key column when companies match by registrable domain


def key_column(sobject: str, *, registrable: bool = False) -> str:
    """The mirror column a record of `sobject` is matched on."""
    return REGISTRABLE_COLUMN if registrable and sobject == "Account" else KEY_COLUMN[sobject]


@dataclass(frozen=True)
class Candidate:
    """The pick among the unlinked Salesforce records matching one workspace record, and how many matched."""

    workspace_id: str
    sf_id: str
    candidates: int
    ranked: tuple[str, ...] = ()  # every candidate, the pick first


def unlinked_matches(session: Session, kind: Kind, sobject: str, *, registrable: bool = False) -> Iterator[Candidate]:
    """Workspace records without a link to `sobject`, each with its best unlinked match (DESIGN §3).

    With `registrable`, companies and Accounts match on their registrable domains (`domain_reg`),
    several companies may then share a candidate: the caller links each Salesforce record once.
    """
    table = person if kind is Kind.PERSON else company
    stmt = _candidates(table, kind, sobject, key_column(sobject, registrable=registrable))
    with session.read() as conn:
        rows = conn.execute(stmt.execution_options(yield_per=1000))
        for workspace_id, group in itertools.groupby(rows, key=lambda r: r.workspace_id):
            found = [row.sf_id for row in group]
            yield Candidate(workspace_id, found[0], len(found), tuple(found))


def unlinked_by_external_id(session: Session, kind: Kind, sobject: str, ext: str) -> Iterator[Candidate]:
    """Workspace records without a link to `sobject` and the one unlinked live record carrying their id in `ext`.

    A record whose id more than one mirrored record carries is left out (ambiguous: apply refuses it).
    Ids compare case-insensitively. The value sits in the mirror's JSON, which no index covers: the
    records carrying one are read once and matched to workspace ids through the primary key, never
    joined row by row.
    """
    carriers, spelt = _carriers(session, sobject, ext)
    table = person if kind is Kind.PERSON else company
    linked_record = exists().where(
        link.c.kind == str(kind), link.c.workspace_id == table.c.id, link.c.object == sobject
    )
    found: dict[str, list[str]] = {}
    with session.read() as conn:
        for part in chunks(sorted(spelt), _IN_SIZE):
            stmt = select(table.c.id).where(table.c.id.in_(part), ~linked_record)
            for (workspace_id,) in conn.execute(stmt):
                found[workspace_id] = carriers[workspace_id.lower()]
    for workspace_id in sorted(found):
        if len(found[workspace_id]) == 1:
            yield Candidate(workspace_id, found[workspace_id][0], 1)


def _carriers(session: Session, sobject: str, ext: str) -> tuple[dict[str, list[str]], set[str]]:
    """The unlinked live records of `sobject` carrying a value in `ext`, by the value lower-cased (external
    ids compare case-insensitively, as Salesforce's do), and every spelling seen (to find workspace ids by
    key: a workspace record is found when one record spells its id exactly, as sfsync writes it)."""
    linked_sf = exists().where(link.c.object == sobject, link.c.sf_id == mirror.c.sf_id)
    value = mirror.c.fields[ext].as_string()
    stmt = select(mirror.c.sf_id, value).where(
        mirror.c.object == sobject, mirror.c.is_deleted.is_(False), value.is_not(None), ~linked_sf
    )
    carriers: dict[str, list[str]] = {}
    spelt: set[str] = set()
    with session.read() as conn:
        for sf_id, carried in conn.execute(stmt.order_by(mirror.c.sf_id).execution_options(yield_per=1000)):
            if carried:
                carriers.setdefault(str(carried).lower(), []).append(sf_id)
                spelt.add(str(carried))
    return carriers, spelt


def _candidates(table: Any, kind: Kind, sobject: str, key: str) -> Select[Any]:
    m = mirror.alias("m")
    linked_record = exists().where(
        link.c.kind == str(kind), link.c.workspace_id == table.c.id, link.c.object == sobject
    )
    linked_sf = exists().where(link.c.object == sobject, link.c.sf_id == m.c.sf_id)
    join = and_(m.c.object == sobject, m.c[key] == table.c[key], m.c.is_deleted.is_(False))
    order: list[ColumnElement[Any]] = [table.c.id]
    columns: list[Any] = [table.c.id.label("workspace_id"), m.c.sf_id]
    stmt = select(*columns).select_from(table).join(m, join)
    if sobject == "Account":
        counts = _contact_counts()
        stmt = stmt.outerjoin(counts, counts.c.account_id == m.c.sf_id)
        order.append(func.coalesce(counts.c.n, 0).desc())
    if sobject == "Lead":
        order.append(func.coalesce(m.c.is_converted, False).asc())
    order += [m.c.last_modified_date.desc(), m.c.sf_id]
    return stmt.where(~linked_record, ~linked_sf).order_by(*order)


def _contact_counts() -> Any:
    c = mirror.alias("c")
    return (
        select(c.c.account_id, func.count().label("n"))
        .where(c.c.object == "Contact", c.c.is_deleted.is_(False))
        .group_by(c.c.account_id)
        .subquery()
    )


def merged_links(session: Session) -> Iterator[tuple[Link, str]]:
    """Links whose Salesforce record a merge deleted, each with the master it was merged into."""
    join = and_(mirror.c.object == link.c.object, mirror.c.sf_id == link.c.sf_id)
    stmt = (
        select(link, mirror.c.master_record_id)
        .join(mirror, join)
        .where(mirror.c.is_deleted.is_(True), mirror.c.master_record_id.is_not(None))
        .order_by(link.c.kind, link.c.workspace_id, link.c.object)
    )
    with session.read() as conn:
        for row in conn.execute(stmt).all():
            yield link_from_row(row), str(row.master_record_id)


@dataclass(frozen=True)
class Conversion:
    """A person's Lead, converted to a Contact that another workspace record of the kind is linked to."""

    kind: Kind
    workspace_id: str
    lead_id: str
    contact_id: str
    contact_owner: str


def conversions_elsewhere(session: Session) -> list[Conversion]:
    """Lead links of records without a Contact link, whose converted Contact is another record's."""
    lead, contact, m = link.alias("lead"), link.alias("contact"), mirror.alias("m")
    own_contact = exists().where(
        link.c.kind == lead.c.kind, link.c.workspace_id == lead.c.workspace_id, link.c.object == "Contact"
    )
    converted = and_(m.c.object == "Lead", m.c.sf_id == lead.c.sf_id, m.c.is_converted.is_(True))
    other = and_(
        contact.c.object == "Contact",
        contact.c.sf_id == m.c.converted_contact_id,
        contact.c.kind == lead.c.kind,
        contact.c.workspace_id != lead.c.workspace_id,
    )
    stmt = (
        select(lead.c.kind, lead.c.workspace_id, lead.c.sf_id, contact.c.sf_id, contact.c.workspace_id)
        .select_from(lead)
        .join(m, converted)
        .join(contact, other)
        .where(lead.c.object == "Lead", ~own_contact)
        .order_by(lead.c.kind, lead.c.workspace_id)
    )
    with session.read() as conn:
        rows = conn.execute(stmt).all()
    return [Conversion(Kind(kind), ws, lead_id, contact_id, owner) for kind, ws, lead_id, contact_id, owner in rows]


def candidate_count(session: Session, sobject: str, key: str | None, *, registrable: bool = False) -> int:
    """How many live records of `sobject` share this normalised email or domain (registrable domain)."""
    if not key:
        return 0
    column = mirror.c[key_column(sobject, registrable=registrable)]
    stmt = select(func.count()).where(mirror.c.object == sobject, column == key, mirror.c.is_deleted.is_(False))
    with session.read() as conn:
        return int(conn.scalar(stmt) or 0)


def mirror_fields(
    session: Session, sobject: str, column: str, values: Sequence[str], *, live: bool = True
) -> list[Mapping[str, Any]]:
    """The fields of mirrored records whose `column` (email_norm, domain_norm, account_id, sf_id) is in `values`."""
    if not values:
        return []
    stmt = select(mirror.c.sf_id, mirror.c.fields).where(mirror.c.object == sobject, mirror.c[column].in_(list(values)))
    if live:
        stmt = stmt.where(mirror.c.is_deleted.is_(False))
    with session.read() as conn:
        rows = conn.execute(stmt).all()
    # In sf_id order, sorted here: an ORDER BY sf_id makes SQLite walk every row of the object by its primary key
    # instead of using the column's index (and a database's collation could order ids otherwise than planning does).
    return [dict(fields) for _sf_id, fields in sorted(rows, key=lambda row: str(row[0]))]


def mirror_count(session: Session, sobject: str) -> int:
    stmt = select(func.count()).where(mirror.c.object == sobject)
    with session.read() as conn:
        return int(conn.scalar(stmt) or 0)


def mirror_state(session: Session, sobject: str, sf_id: str) -> tuple[Mapping[str, Any], bool] | None:
    """A mirrored record's fields and whether it is deleted, or None when never read."""
    stmt = select(mirror.c.fields, mirror.c.is_deleted).where(mirror.c.object == sobject, mirror.c.sf_id == sf_id)
    with session.read() as conn:
        row = conn.execute(stmt).first()
    return (dict(row.fields), bool(row.is_deleted)) if row else None
