"""Workspace companies and people: upsert by key or explicit id, read as streams.

A company is keyed by its normalised domain (`domain_norm`), a person by normalised email
(`email_norm`); both keys are unique. A record loaded without an `id` gets one derived from its key
(`c_…`/`p_…`, a hash prefix), so loading the same file into two stores gives the same ids.
`updated_at` moves only when a value actually changed. A record's `origin` says who made it: a load,
or the read pass (a Salesforce record no workspace record had the key of). A load makes any record it
touches a loaded one; a read never changes a record's origin.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Generator, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from operator import itemgetter
from typing import Any

from sqlalchemy import Connection, Table, delete, func, or_, select, update

from sfsync.catalogue import Kind
from sfsync.store.bulk import upsert
from sfsync.store.public_suffix import registrable_domain
from sfsync.store.schema import company, person, state_meta
from sfsync.store.session import Session, utc_now

_IN_SIZE = 1000  # ids per `IN (…)`: well under SQLite's and PostgreSQL's parameter limits
_TABLES: dict[Kind, tuple[Table, str, str]] = {
    Kind.COMPANY: (company, "domain_norm", "c_"),
    Kind.PERSON: (person, "email_norm", "p_"),
}
_META_COLUMNS = frozenset({"id", "attributes", "updated_at", "domain_norm", "domain_reg", "email_norm", "origin"})
# The value columns of each kind, named once: a plan makes a record from a row for every record it visits.
_VALUE_COLUMNS = {
    kind: tuple(c.name for c in table.columns if c.name not in _META_COLUMNS) for kind, (table, *_) in _TABLES.items()
}


class Origin(StrEnum):
    """Who made a workspace record. Records older than origins count as loaded."""

    LOAD = "load"
    READ = "read"


@dataclass(frozen=True)
class WorkspaceRecord:
    """A stored company or person. `values` holds every standard field (and a person's `company_domain`)."""

    kind: Kind
    id: str
    key: str | None
    values: Mapping[str, Any]
    attributes: Mapping[str, Any]
    updated_at: dt.datetime
    origin: Origin = Origin.LOAD


@dataclass(frozen=True)
class RecordUpdate:
    """One loaded row: the columns it carries, already coerced and normalised.

    `values` and `attributes` hold only what the row names; other fields keep their stored value. An
    attribute whose value is None is removed. `line` is where the row came from, for rejections.
    `origin` is who sends it: a load (the record becomes a loaded one) or the read pass.
    """

    kind: Kind
    line: int
    id: str | None
    key: str | None
    values: Mapping[str, Any] = field(default_factory=dict)
    attributes: Mapping[str, Any] = field(default_factory=dict)
    origin: Origin = Origin.LOAD


@dataclass(frozen=True)
class UpsertOutcome:
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: tuple[tuple[int, str], ...] = ()


def derived_id(kind: Kind, key: str) -> str:
    prefix = _TABLES[kind][2]
    return prefix + hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


class WorkspaceSection:
    def __init__(self, session: Session) -> None:
        self._session = session

    def upsert(self, kind: Kind, updates: Sequence[RecordUpdate]) -> UpsertOutcome:
        """Apply a batch of loaded rows in order, in one transaction."""
        table, key_col, _ = _TABLES[kind]
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
        table = _TABLES[kind][0]
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
        table = _TABLES[kind][0]
        with self._session.read() as conn:
            row = conn.execute(select(table).where(table.c.id == record_id)).mappings().first()
        return record_from_row(kind, row) if row else None

    def get_many(self, kind: Kind, record_ids: Sequence[str]) -> dict[str, WorkspaceRecord]:
        """The records among `record_ids`, by id (missing ones are absent)."""
        table = _TABLES[kind][0]
        found: dict[str, WorkspaceRecord] = {}
        with self._session.read() as conn:
            for start in range(0, len(record_ids), _IN_SIZE):
                part = list(record_ids[start : start + _IN_SIZE])
                rows = conn.execute(select(table).where(table.c.id.in_(part))).all()
                found.update((record.id, record) for record in records_from_rows(kind, rows))
        return found

    def find(self, kind: Kind, key: str) -> WorkspaceRecord | None:
        table, key_col, _ = _TABLES[kind]
        with self._session.read() as conn:
            row = conn.execute(select(table).where(table.c[key_col] == key)).mappings().first()
        return record_from_row(kind, row) if row else None

    def records(self, kind: Kind) -> Generator[WorkspaceRecord, None, None]:
        """Every record of `kind` by id, streamed; close the generator to stop early (its cursor closes)."""
        table = _TABLES[kind][0]
        with self._session.read() as conn:
            rows = conn.execute(select(table).order_by(table.c.id).execution_options(yield_per=1000))
            try:
                for part in rows.partitions():  # a page of rows at a time: far cheaper than row by row
                    yield from records_from_rows(kind, part)
            finally:
                rows.close()

    def ids(self, kind: Kind) -> list[str]:
        """Every record's id of `kind`, in the order `records` gives them."""
        table = _TABLES[kind][0]
        with self._session.read() as conn:
            return list(conn.scalars(select(table.c.id).order_by(table.c.id)))

    def count(self, kind: Kind) -> int:
        table = _TABLES[kind][0]
        with self._session.read() as conn:
            return int(conn.scalar(select(func.count()).select_from(table)) or 0)


def _changed(conn: Connection) -> None:
    """The workspace changed: a plan saved before this is stale."""
    conn.execute(state_meta.update().where(state_meta.c.id == 1).values(serial=state_meta.c.serial + 1))


def find_many(conn: Connection, kind: Kind, keys: Sequence[str]) -> list[WorkspaceRecord]:
    """The records whose key is among `keys` (as `find`, for many keys in one statement)."""
    table, key_col, _ = _TABLES[kind]
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
        self.table, self.key_col, _ = _TABLES[kind]
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


def records_from_rows(kind: Kind, rows: Sequence[Sequence[Any]]) -> list[WorkspaceRecord]:
    """Records from the rows of `select(<the kind's table>)`, by column position (as `record_from_row`)."""
    key, values, attributes, updated, origin = _POSITIONS[kind]
    names, picked = _VALUE_NAMES[kind], _VALUES_OF[kind]  # the value columns' names, and their values of a row
    made = []
    for row in rows:
        values_of = dict(zip(names, picked(row), strict=True))
        origin_of = _ORIGINS.get(row[origin]) or Origin(row[origin] or Origin.LOAD)
        made.append(WorkspaceRecord(kind, row[0], row[key], values_of, dict(row[attributes]), row[updated], origin_of))
    return made


def _positions(kind: Kind) -> tuple[int, tuple[tuple[str, int], ...], int, int, int]:
    table, key_col, _ = _TABLES[kind]
    at = {c.name: i for i, c in enumerate(table.columns)}
    assert at["id"] == 0
    values = tuple((name, at[name]) for name in _VALUE_COLUMNS[kind])
    return at[key_col], values, at["attributes"], at["updated_at"], at["origin"]


_POSITIONS = {kind: _positions(kind) for kind in _TABLES}
_VALUE_NAMES = {kind: tuple(name for name, _i in _POSITIONS[kind][1]) for kind in _TABLES}
# A row's value columns, picked in C (more than one value column per kind: a tuple each time).
_VALUES_OF = {kind: itemgetter(*(i for _name, i in _POSITIONS[kind][1])) for kind in _TABLES}
_ORIGINS = {str(origin): origin for origin in Origin}


def record_from_row(kind: Kind, row: Mapping[Any, Any]) -> WorkspaceRecord:
    """A record from a result row holding (at least) the kind's table columns."""
    key_col = _TABLES[kind][1]
    values = {name: row[name] for name in _VALUE_COLUMNS[kind]}
    origin = Origin(row.get("origin") or Origin.LOAD)
    return WorkspaceRecord(kind, row["id"], row[key_col], values, dict(row["attributes"]), row["updated_at"], origin)
