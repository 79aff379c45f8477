"""Links between workspace records and Salesforce records.

A linked record is never matched again. Each workspace record has at most one link per object, and
each Salesforce record belongs to at most one workspace record: both are unique constraints, so a
second link can never be written, whatever the engine does. A link follows its records when Salesforce
moves them: to a merge's master record (`follow`), or to another workspace record when two identities
are merged (`reassign`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass, fields
from typing import Any

from sqlalchemy import Row, and_, func, or_, select, update
from sqlalchemy.exc import IntegrityError

from sfsync.catalogue import Kind
from sfsync.store.bulk import chunks, insert
from sfsync.store.errors import StoreError
from sfsync.store.schema import link, mirror
from sfsync.store.session import Session, utc_now

_IN_SIZE = 1000  # keys per `IN (…)`: well under SQLite's and PostgreSQL's parameter limits


@dataclass(frozen=True)
class Link:
    """`run_id`: the apply that made the link (None: reading made it). `written_before`: the link followed
    a merge from a record sfsync had created or written, so the record stays in the write scope."""

    kind: Kind
    workspace_id: str
    object: str
    sf_id: str
    created_by_sfsync: bool
    linked_at: dt.datetime
    run_id: str | None = None
    written_before: bool = False

    @property
    def by_reading(self) -> bool:
        """Made by the read pass alone: not by an apply, and not carrying sfsync's writes."""
        return self.run_id is None and not self.created_by_sfsync and not self.written_before


class LinksSection:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, links: Sequence[Link]) -> None:
        """Record new links; refuses (StoreError) one that would link a record twice."""
        if not links:
            return
        try:
            with self._session.write() as conn:
                insert(conn, link, [_values(item) for item in links])
        except IntegrityError as error:
            raise StoreError(f"a record is already linked: {error.orig}") from error

    def follow(self, item: Link, sf_id: str, *, written_before: bool) -> Link:
        """Point `item` at another record of its object (a merge's master); returns the moved link.

        sfsync did not create that record, so `created_by_sfsync` is false on it; `written_before` keeps
        the person in the write scope when sfsync had created or written the record it was merged from.
        """
        moved = Link(item.kind, item.workspace_id, item.object, sf_id, False, utc_now(), item.run_id, written_before)
        values = {"sf_id": sf_id, "created_by_sfsync": False, "linked_at": moved.linked_at}
        self._update(item, **values, written_before=written_before)
        return moved

    def reassign(self, item: Link, workspace_id: str) -> None:
        """Give `item` to another workspace record of its kind (two identities merged into one)."""
        self._update(item, workspace_id=workspace_id)

    def remove(self, item: Link) -> None:
        """Drop a link (its workspace record's own link to the same Salesforce record replaces it)."""
        c = link.c
        mine = (c.kind == str(item.kind), c.workspace_id == item.workspace_id, c.object == item.object)
        stmt = link.delete().where(*mine)
        with self._session.write() as conn:
            conn.execute(stmt)

    def _update(self, item: Link, **values: object) -> None:
        c = link.c
        stmt = update(link).where(
            c.kind == str(item.kind), c.workspace_id == item.workspace_id, c.object == item.object
        )
        try:
            with self._session.write() as conn:
                conn.execute(stmt.values(**values))
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


def links_from_rows(rows: Sequence[Sequence[Any]]) -> list[Link]:
    """Links from the rows of `select(link)`, by column position (as `link_from_row`, without a mapping
    per row: planning reads a chunk's links whole)."""
    return [
        Link(_KINDS[kind], workspace_id, sobject, sf_id, created, linked_at, run_id, bool(written or False))
        for kind, workspace_id, sobject, sf_id, created, linked_at, run_id, written in rows
    ]


_KINDS = {str(kind): kind for kind in Kind}
assert tuple(link.c.keys()) == tuple(f.name for f in fields(Link)), "links_from_rows reads link's columns in order"


def link_from_row(row: Row[tuple[object, ...]]) -> Link:
    m = row._mapping
    return Link(
        Kind(m["kind"]),
        m["workspace_id"],
        m["object"],
        m["sf_id"],
        m["created_by_sfsync"],
        m["linked_at"],
        m["run_id"],
        bool(m.get("written_before", False)),
    )
