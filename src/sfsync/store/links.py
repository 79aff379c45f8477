"""Links between workspace records and Salesforce records.

A linked record is never matched again. Each workspace record has at most one link per object, and
each Salesforce record belongs to at most one workspace record: both are unique constraints, so a
second link can never be written, whatever the engine does.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass

from sqlalchemy import Row, and_, func, or_, select
from sqlalchemy.exc import IntegrityError

from sfsync.catalogue import Kind
from sfsync.store.bulk import chunks
from sfsync.store.errors import StoreError
from sfsync.store.schema import link, mirror
from sfsync.store.session import Session

_IN_SIZE = 1000  # keys per `IN (…)`: well under SQLite's and PostgreSQL's parameter limits


@dataclass(frozen=True)
class Link:
    kind: Kind
    workspace_id: str
    object: str
    sf_id: str
    created_by_sfsync: bool
    linked_at: dt.datetime
    run_id: str | None = None


class LinksSection:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, links: Sequence[Link]) -> None:
        """Record new links; refuses (StoreError) one that would link a record twice."""
        if not links:
            return
        try:
            with self._session.write() as conn:
                conn.execute(link.insert(), [_values(item) for item in links])
        except IntegrityError as error:
            raise StoreError(f"a record is already linked: {error.orig}") from error

    def for_record(self, kind: Kind, workspace_id: str) -> list[Link]:
        stmt = select(link).where(link.c.kind == str(kind), link.c.workspace_id == workspace_id)
        with self._session.read() as conn:
            return [link_from_row(row) for row in conn.execute(stmt.order_by(link.c.object))]

    def for_records(self, kind: Kind, workspace_ids: Collection[str]) -> dict[str, list[Link]]:
        """`for_record` for many workspace records at once: their links by workspace id (absent: none)."""
        found: dict[str, list[Link]] = {}
        with self._session.read() as conn:
            for chunk in chunks(sorted(set(workspace_ids)), _IN_SIZE):
                stmt = select(link).where(link.c.kind == str(kind), link.c.workspace_id.in_(chunk))
                for row in conn.execute(stmt.order_by(link.c.workspace_id, link.c.object)):
                    item = link_from_row(row)
                    found.setdefault(item.workspace_id, []).append(item)
        return found

    def by_sf_ids(self, object_name: str, sf_ids: Collection[str]) -> dict[str, Link]:
        """`by_sf_id` for many records at once: the link of each linked one, by Salesforce id."""
        found: dict[str, Link] = {}
        with self._session.read() as conn:
            for chunk in chunks(sorted(set(sf_ids)), _IN_SIZE):
                stmt = select(link).where(link.c.object == object_name, link.c.sf_id.in_(chunk))
                found.update((item.sf_id, item) for item in map(link_from_row, conn.execute(stmt)))
        return found

    def by_sf_id(self, object_name: str, sf_id: str) -> Link | None:
        with self._session.read() as conn:
            row = conn.execute(select(link).where(link.c.object == object_name, link.c.sf_id == sf_id)).first()
        return link_from_row(row) if row else None

    def links(self, kind: Kind) -> Iterator[Link]:
        stmt = select(link).where(link.c.kind == str(kind)).order_by(link.c.workspace_id, link.c.object)
        with self._session.read() as conn:
            for row in conn.execute(stmt.execution_options(yield_per=1000)):
                yield link_from_row(row)

    def counts(self) -> dict[tuple[Kind, str], int]:
        """Links per (workspace kind, Salesforce object)."""
        stmt = select(link.c.kind, link.c.object, func.count()).group_by(link.c.kind, link.c.object)
        with self._session.read() as conn:
            return {
                (Kind(kind), name): int(n) for kind, name, n in conn.execute(stmt.order_by(link.c.kind, link.c.object))
            }

    def dangling(self) -> Iterator[Link]:
        """Links whose Salesforce record is deleted or gone from the mirror (reported, never re-created)."""
        stmt = (
            select(link)
            .outerjoin(mirror, and_(mirror.c.object == link.c.object, mirror.c.sf_id == link.c.sf_id))
            .where(or_(mirror.c.sf_id.is_(None), mirror.c.is_deleted.is_(True)))
            .order_by(link.c.kind, link.c.workspace_id, link.c.object)
        )
        with self._session.read() as conn:
            for row in conn.execute(stmt.execution_options(yield_per=1000)):
                yield link_from_row(row)


def _values(item: Link) -> dict[str, object]:
    return {**item.__dict__, "kind": str(item.kind)}


def link_from_row(row: Row[tuple[object, ...]]) -> Link:
    m = row._mapping
    return Link(
        Kind(m["kind"]), m["workspace_id"], m["object"], m["sf_id"], m["created_by_sfsync"], m["linked_at"], m["run_id"]
    )
