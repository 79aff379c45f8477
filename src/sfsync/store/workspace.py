"""Workspace companies and people: upsert by key or explicit id, read as streams.

A company is keyed by its normalised domain (`domain_norm`), a person by normalised email
(`email_norm`); both keys are unique. A record loaded without an `id` gets one derived from its key
(`c_…`/`p_…`, a hash prefix), so loading the same file into two stores gives the same ids.
`updated_at` moves only when a value actually changed. A record's `origin` says who made it: a load,
or the read pass (a Salesforce record no workspace record had the key of). A load makes any record it
touches a loaded one; a read never changes a record's origin.
"""

from __future__ import annotations

from collections.abc import Generator, Sequence, Set
from typing import Any

from sqlalchemy import Connection, Table, delete, func, or_, select, update

from sfsync.catalogue import Kind
from sfsync.store.bulk import upsert
from sfsync.store.public_suffix import registrable_domain
from sfsync.store.schema import company, person, state_meta
from sfsync.store.session import Session, utc_now
from sfsync.store.workspace_rows import (
    TABLES,
    Origin,
    RecordUpdate,
    UpsertOutcome,
    WorkspaceRecord,
    derived_id,
    record_from_row,
    records_from_rows,
)

__all__ = [
    "Origin",
    "RecordUpdate",
    "UpsertOutcome",
    "WorkspaceRecord",
    "WorkspaceSection",
    "companies_by_registrable",
    "derived_id",
    "find_many",
    "record_from_row",
]

_IN_SIZE = 1000  # ids per `IN (…)`: well under SQLite's and PostgreSQL's parameter limits


class WorkspaceSection:
    def __init__(self, session: Session) -> None:
        self._session = session

    def upsert(self, kind: Kind, updates: Sequence[RecordUpdate]) -> UpsertOutcome:
        """Apply a batch of loaded rows in order, in one transaction."""
        table, key_col, _ = TABLES[kind]
        with self._session.write() as conn:
            batch = _Batch(kind, _existing(conn, table, key_col, updates))
            for update in updates:
                batch.apply(update)
            now = utc_now()
            upsert(conn, table, [{**row, "updated_at": now} for row in batch.writes.values()], ["id"])
            if batch.writes:
                _changed(conn)
        return batch.outcome()

    def remove(self, kind: Kind, record_id: str) -> None:
        """Delete a record (its links and play rows are the caller's to move or drop first)."""
        table = TABLES[kind][0]
        with self._session.write() as conn:
            conn.execute(delete(table).where(table.c.id == record_id))
            _changed(conn)

    def move_company_domain(self, old: str, new: str) -> int:
        """People of the company on `old` follow it to `new` (its key moved); returns how many."""
        with self._session.write() as conn:
            stmt = update(person).where(person.c.company_domain == old).values(company_domain=new, updated_at=utc_now())
            moved = int(conn.execute(stmt).rowcount or 0)
            if moved:
                _changed(conn)
            return moved

    def get(self, kind: Kind, record_id: str) -> WorkspaceRecord | None:
        table = TABLES[kind][0]
        with self._session.read() as conn:
            row = conn.execute(select(table).where(table.c.id == record_id)).mappings().first()
        return record_from_row(kind, row) if row else None

    def get_many(self, kind: Kind, record_ids: Sequence[str]) -> dict[str, WorkspaceRecord]:
        """The records among `record_ids`, by id (missing ones are absent)."""
        table = TABLES[kind][0]
        found: dict[str, WorkspaceRecord] = {}
        with self._session.read() as conn:
            for start in range(0, len(record_ids), _IN_SIZE):
                part = list(record_ids[start : start + _IN_SIZE])
                rows = conn.execute(select(table).where(table.c.id.in_(part))).all()
                found.update((record.id, record) for record in records_from_rows(kind, rows))
        return found

    def find(self, kind: Kind, key: str) -> WorkspaceRecord | None:
        table, key_col, _ = TABLES[kind]
        with self._session.read() as conn:
            row = conn.execute(select(table).where(table.c[key_col] == key)).mappings().first()
        return record_from_row(kind, row) if row else None

    def records(self, kind: Kind) -> Generator[WorkspaceRecord, None, None]:
        """Every record of `kind` by id, streamed; close the generator to stop early (its cursor closes)."""
        table = TABLES[kind][0]
        with self._session.read() as conn:
            rows = conn.execute(select(table).order_by(table.c.id).execution_options(yield_per=1000))
            try:
                for part in rows.partitions():  # a page of rows at a time: far cheaper than row by row
                    yield from records_from_rows(kind, part)
            finally:
                rows.close()

    def ordered(self, kind: Kind, ids: Set[str]) -> list[str]:
        """Those of `ids` still in the store, in the order `records` gives them: the database's order, which
        Python's sorting need not share (a PostgreSQL collation). One query when they are few, else one
        pass over every id."""
        if not ids:
            return []
        table = TABLES[kind][0]
        with self._session.read() as conn:
            if len(ids) <= _IN_SIZE:
                return list(conn.scalars(select(table.c.id).where(table.c.id.in_(list(ids))).order_by(table.c.id)))
            every = conn.scalars(select(table.c.id).order_by(table.c.id).execution_options(yield_per=5000))
            return [i for i in every if i in ids]

    def cluster_keys(self, kind: Kind) -> Generator[tuple[str, str | None], None, None]:
        """Every record's id and what finds its company, in the order `records` gives them: a company's
        registrable domain, a person's `company_domain` as loaded (None: none). Streamed."""
        table = TABLES[kind][0]
        column = table.c.domain_reg if kind is Kind.COMPANY else table.c.company_domain
        with self._session.read() as conn:
            rows = conn.execute(select(table.c.id, column).order_by(table.c.id).execution_options(yield_per=5000))
            try:
                for part in rows.partitions():
                    yield from part  # type: ignore[misc]  # (id, key) rows
            finally:
                rows.close()

    def count(self, kind: Kind) -> int:
        table = TABLES[kind][0]
        with self._session.read() as conn:
            return int(conn.scalar(select(func.count()).select_from(table)) or 0)


def _changed(conn: Connection) -> None:
    """The workspace changed: a plan saved before this is stale."""
    conn.execute(state_meta.update().where(state_meta.c.id == 1).values(serial=state_meta.c.serial + 1))


def find_many(conn: Connection, kind: Kind, keys: Sequence[str]) -> list[WorkspaceRecord]:
    """The records whose key is among `keys` (as `find`, for many keys in one statement)."""
    table, key_col, _ = TABLES[kind]
    return records_from_rows(kind, conn.execute(select(table).where(table.c[key_col].in_(list(keys)))).all())


def companies_by_registrable(conn: Connection, domains: Sequence[str]) -> dict[str, WorkspaceRecord]:
    """For each registrable domain, the company it names: the one on that very domain, else the first by id."""
    stmt = select(company).where(company.c.domain_reg.in_(list(domains))).order_by(company.c.id)
    found: dict[str, WorkspaceRecord] = {}
    for row in conn.execute(stmt).mappings():
        reg = row["domain_reg"]
        if reg not in found or row["domain_norm"] == reg:
            found[reg] = record_from_row(Kind.COMPANY, row)
    return found


def _existing(conn: Connection, table: Table, key_col: str, updates: Sequence[RecordUpdate]) -> list[dict[str, Any]]:
    ids = {u.id for u in updates if u.id} | {derived_id(u.kind, u.key) for u in updates if u.key and not u.id}
    keys = {u.key for u in updates if u.key}
    columns = [c for c in table.columns if c.name != "updated_at"]  # rewritten on every write
    names = [c.name for c in columns]
    stmt = select(*columns).where(or_(table.c.id.in_(ids), table.c[key_col].in_(keys)))
    return [dict(zip(names, row, strict=True)) for row in conn.execute(stmt).all()]


class _Batch:
    """Rows of one batch applied in file order against the stored state and the batch's own writes."""

    def __init__(self, kind: Kind, existing: list[dict[str, Any]]) -> None:
        self.kind = kind
        self.table, self.key_col, _ = TABLES[kind]
        self.blank: dict[str, Any] = {c.name: None for c in self.table.columns if c.name != "updated_at"}
        self.key_field = "email" if kind is Kind.PERSON else "domain"
        self.by_id = {row["id"]: row for row in existing}
        self.by_key = {row[self.key_col]: row for row in existing if row[self.key_col] is not None}
        self.writes: dict[str, dict[str, Any]] = {}
        self.counts = {"inserted": 0, "updated": 0, "unchanged": 0}
        self.rejected: list[tuple[int, str]] = []

    def apply(self, update: RecordUpdate) -> None:
        current, record_id, reason = self._target(update)
        if reason:
            self.rejected.append((update.line, reason))
            return
        merged = self._merge(current or self._blank(record_id, update.origin), update)
        if current is not None and merged == current:
            self.counts["unchanged"] += 1
            return
        self.counts["updated" if current is not None else "inserted"] += 1
        if current is not None and current[self.key_col] is not None:
            self.by_key.pop(current[self.key_col], None)
        self.by_id[record_id] = merged
        if merged[self.key_col] is not None:
            self.by_key[merged[self.key_col]] = merged
        self.writes[record_id] = merged

    def _target(self, update: RecordUpdate) -> tuple[dict[str, Any] | None, str, str]:
        """The stored row the update applies to (None: a new record), the record's id, or a rejection."""
        owner = self.by_key.get(update.key) if update.key else None
        if update.id is None:
            if owner is not None:
                return owner, owner["id"], ""
            assert update.key is not None  # the loader refuses rows with neither key nor id
            new_id = derived_id(self.kind, update.key)
            if new_id in self.by_id:
                return None, "", f"derived id {new_id} already names another {self.kind}; give this row an id"
            return None, new_id, ""
        if owner is not None and owner["id"] != update.id:
            return None, "", f"{self.key_field} {update.key} already belongs to {self.kind} {owner['id']}"
        return self.by_id.get(update.id), update.id, ""

    def _blank(self, record_id: str, origin: Origin) -> dict[str, Any]:
        return self.blank | {"id": record_id, "attributes": {}, "origin": str(origin)}

    def _merge(self, base: dict[str, Any], update: RecordUpdate) -> dict[str, Any]:
        row = base | dict(update.values)
        if update.origin is Origin.LOAD:  # a load claims the record; a read never changes who made it
            row["origin"] = str(Origin.LOAD)
        if self.key_field in update.values:
            row[self.key_col] = update.key
            if self.kind is Kind.COMPANY:
                row["domain_reg"] = registrable_domain(update.key) if update.key else None
        attributes = dict(base["attributes"])
        for name, value in update.attributes.items():
            # attribute names are one name whatever their case: `notes` loaded after `Notes` replaces it
            for spelled in [n for n in attributes if n.casefold() == name.casefold()]:
                del attributes[spelled]
            if value is not None:
                attributes[name] = value
        row["attributes"] = attributes
        return row

    def outcome(self) -> UpsertOutcome:
        return UpsertOutcome(rejected=tuple(self.rejected), **self.counts)
