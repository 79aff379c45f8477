"""Set-based reads the engine needs on top of the store's sections.

Matching candidates come from equality joins on the mirror's normalised columns; results stream
(ordered, then grouped in Python) instead of loading tables.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, exists, func, select

from sfsync.catalogue import Kind
from sfsync.store.schema import company, link, mirror, person
from sfsync.store.session import Session

KEY_COLUMN = {"Contact": "email_norm", "Lead": "email_norm", "Account": "domain_norm"}


@dataclass(frozen=True)
class Candidate:
    """The pick among the unlinked Salesforce records matching one workspace record, and how many matched."""

    workspace_id: str
    sf_id: str
    candidates: int


def unlinked_matches(session: Session, kind: Kind, sobject: str) -> Iterator[Candidate]:
    """Workspace records without a link to `sobject`, each with its best unlinked match (DESIGN §3)."""
    table = person if kind is Kind.PERSON else company
    stmt = _candidates(table, kind, sobject)
    with session.read() as conn:
        rows = conn.execute(stmt.execution_options(yield_per=1000))
        for workspace_id, group in itertools.groupby(rows, key=lambda r: r.workspace_id):
            found = list(group)
            yield Candidate(workspace_id, found[0].sf_id, len(found))


def _candidates(table: Any, kind: Kind, sobject: str) -> Select[Any]:
    key = KEY_COLUMN[sobject]
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


def candidate_count(session: Session, sobject: str, key: str | None) -> int:
    """How many live records of `sobject` share this normalised email or domain."""
    if not key:
        return 0
    column = mirror.c[KEY_COLUMN[sobject]]
    stmt = select(func.count()).where(mirror.c.object == sobject, column == key, mirror.c.is_deleted.is_(False))
    with session.read() as conn:
        return int(conn.scalar(stmt) or 0)


def mirror_fields(
    session: Session, sobject: str, column: str, values: Sequence[str], *, live: bool = True
) -> list[Mapping[str, Any]]:
    """The fields of mirrored records whose `column` (email_norm, domain_norm, account_id, sf_id) is in `values`."""
    if not values:
        return []
    stmt = select(mirror.c.fields).where(mirror.c.object == sobject, mirror.c[column].in_(list(values)))
    if live:
        stmt = stmt.where(mirror.c.is_deleted.is_(False))
    with session.read() as conn:
        return [dict(row.fields) for row in conn.execute(stmt.order_by(mirror.c.sf_id))]


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


def session_of(store: Any) -> Session:
    """The session behind a `Store`, for the set-based reads above."""
    session: Session = store._session
    return session
