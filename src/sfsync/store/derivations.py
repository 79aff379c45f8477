"""The derivation caches of incremental planning (tables in `derivation_schema.py`).

Invariant: a cache row is what planning derives for its record from the store as it was at the
cache state's `seq`, with the config parts and describes of the state's `digest`; every token its
derivation read is in the cache's input table, but for those it reads of itself and of the company it
was derived with (`own_tokens.py`: its key and its cluster name them). A record whose tokens appear in
`change_log` past that `seq` must be derived again; one without a row was never derived. Rows are
replaced cluster by cluster.

An output is written as the JSON text its deriver made (`output_text`), straight to the driver: a
first plan writes every record's, and decoding them to have SQLAlchemy encode them again would cost
more than the rest of the write. It reads back as the JSON value, as any JSON column does.

A section reads and writes one cache (`derivation_schema.MAIN` or `ASIDE`); both share the change
log, which is kept past the older of the two caches' `seq`, so either can still tell what moved.
"""

from __future__ import annotations

from collections.abc import Collection, Generator, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from sqlalchemy import Connection, Table, delete, exists, func, select, union

from sfsync.catalogue import Kind
from sfsync.store import json_text
from sfsync.store.bulk import chunks, insert_values, upsert
from sfsync.store.derivation_schema import CACHES, MAIN, CacheTables, change_log
from sfsync.store.derivation_scratch import INPUT, ROW, take
from sfsync.store.own_tokens import input_rows, moved_own, moved_with_cluster
from sfsync.store.session import Session
from sfsync.store.workspace_rows import TABLES

Key = tuple[str, str]  # (kind, workspace id)
Output = Mapping[str, Any] | None
_BATCH = 1000


@dataclass(frozen=True)
class DerivationState:
    seq: int
    digest: str


def output_text(text: str | None) -> str | None:
    """An output's JSON text (any encoder's; None: derived nothing) as the store writes it."""
    return None if text is None else json_text.stored(text)


def output_value(text: str | None) -> Mapping[str, Any] | None:
    """The output an `output_text` gives back."""
    return None if text is None else json_text.loads(text)


class Derived(NamedTuple):
    """One record's derivation: its cluster (a company id, or None), output (its `output_text`; None:
    nothing) and inputs (the tokens it read; those `own_tokens.py` implies need not be among them, and
    are not kept)."""

    kind: str
    workspace_id: str
    cluster: str | None
    output: str | None
    tokens: Collection[str]


class Unmatched(NamedTuple):
    """Workspace records the cache has no row for (`new`), and cache rows of records gone (`gone`)."""

    new: set[Key]
    gone: set[Key]


@dataclass(frozen=True)
class Cached:
    cluster: str | None
    output: Mapping[str, Any] | None


class DerivationsSection:
    """One derivation cache (`tables`: the main one unless told)."""

    def __init__(self, session: Session, tables: CacheTables = MAIN) -> None:
        self._session = session
        self.tables = tables

    def state(self) -> DerivationState | None:
        state = self.tables.derivation_state
        with self._session.read() as conn:
            row = conn.execute(select(state.c.seq, state.c.digest)).first()
        return DerivationState(int(row.seq), str(row.digest)) if row else None

    def current_seq(self) -> int:
        """The latest change logged (or, the log pruned empty, the latest one a cache is current to)."""
        with self._session.read() as conn:
            latest = conn.scalar(select(func.max(change_log.c.seq)))
            kept = [conn.scalar(select(func.max(t.derivation_state.c.seq))) for t in CACHES]
        return int(latest if latest is not None else max((k for k in kept if k is not None), default=0))

    def dirty(self, since: int) -> set[Key]:
        """Records whose derivation read something that changed after `since` (set-based: the input
        rows joined to the log, and the records the log's own tokens name)."""
        inputs = self.tables.derivation_input
        moved = select(change_log.c.token).where(change_log.c.seq > since).distinct().cte("moved")
        read = select(inputs.c.kind, inputs.c.workspace_id).join(moved, moved.c.token == inputs.c.token)
        stmt = union(read, moved_own(self.tables, moved), moved_with_cluster(self.tables, moved))
        with self._session.read() as conn:
            return {(str(kind), str(workspace_id)) for kind, workspace_id in conn.execute(stmt)}

    def unmatched(self) -> Unmatched:
        """The workspace records without a cache row and the cache rows without a record, set-based: a
        plan in which little moved reads neither side whole."""
        table = self.tables.derivation
        new: set[Key] = set()
        gone: set[Key] = set()
        with self._session.read() as conn:
            for kind, (records, *_columns) in TABLES.items():
                name = str(kind)
                row = exists().where(table.c.kind == name, table.c.workspace_id == records.c.id)
                new.update((name, str(i)) for i in conn.scalars(select(records.c.id).where(~row)))
                record = exists().where(records.c.id == table.c.workspace_id)
                gone.update(
                    (name, str(i))
                    for i in conn.scalars(select(table.c.workspace_id).where(table.c.kind == name, ~record))
                )
        return Unmatched(new, gone)

    def clusters_of(self, keys: Iterable[Key]) -> dict[Key, str | None]:
        """The cluster each of these cached records was derived with (a record without a row is left out)."""
        table = self.tables.derivation
        found: dict[Key, str | None] = {}
        with self._session.read() as conn:
            for kind, ids in _by_kind(keys).items():
                for part in chunks(ids, _BATCH):
                    stmt = select(table.c.workspace_id, table.c.cluster)
                    rows = conn.execute(stmt.where(table.c.kind == kind, table.c.workspace_id.in_(part)))
                    found.update(((kind, str(r.workspace_id)), r.cluster) for r in rows)
        return found

    def members(self, clusters: Iterable[str]) -> set[Key]:
        """The cached records derived with any of these companies."""
        table = self.tables.derivation
        found: set[Key] = set()
        with self._session.read() as conn:
            for part in chunks(clusters, _BATCH):
                rows = conn.execute(select(table.c.kind, table.c.workspace_id).where(table.c.cluster.in_(part)))
                found.update((str(r.kind), str(r.workspace_id)) for r in rows)
        return found

    def record_outputs(self, kind: str) -> Generator[tuple[str, Output], None, None]:
        """Every workspace record of `kind` in visit order (by id, as the workspace gives them) with its
        cached output (None: it derived nothing, or has no row), streamed (the generator holds a cursor)."""
        records, table = TABLES[Kind(kind)][0], self.tables.derivation
        joined = records.outerjoin(table, (table.c.kind == kind) & (table.c.workspace_id == records.c.id))
        stmt = select(records.c.id, table.c.output).select_from(joined).order_by(records.c.id)
        with self._session.read() as conn:
            rows = conn.execute(stmt.execution_options(yield_per=5000))
            try:
                for part in rows.partitions():
                    yield from ((str(i), output) for i, output in part)
            finally:
                rows.close()

    def changes_since(self, since: int) -> int:
        with self._session.read() as conn:
            return int(conn.scalar(select(func.count()).where(change_log.c.seq > since)) or 0)

    def cached(self) -> dict[Key, Cached]:
        """Every record's cached derivation."""
        table = self.tables.derivation
        stmt = select(table.c.kind, table.c.workspace_id, table.c.cluster, table.c.output)
        with self._session.read() as conn:
            rows = conn.execute(stmt.execution_options(yield_per=5000))
            return {(str(r.kind), str(r.workspace_id)): Cached(r.cluster, r.output) for r in rows}

    def outputs(self, kind: str) -> Generator[tuple[str, Mapping[str, Any]], None, None]:
        """The cached outputs of `kind`'s records that derived something, by workspace id, streamed (the
        generator holds a cursor)."""
        table = self.tables.derivation
        stmt = select(table.c.workspace_id, table.c.output).where(table.c.kind == kind, table.c.output.is_not(None))
        stmt = stmt.order_by(table.c.workspace_id)
        with self._session.read() as conn:
            rows = conn.execute(stmt.execution_options(yield_per=1000))
            try:
                for row in rows:
                    yield str(row.workspace_id), row.output
            finally:
                rows.close()

    def invalidate(self) -> None:
        """Forget which change the cache is current to (a full derivation is under way): rows stay until replaced."""
        with self._session.write() as conn:
            conn.execute(delete(self.tables.derivation_state))

    def clear(self) -> None:
        """Forget every cache and the log: the next plan derives every record."""
        with self._session.write() as conn:
            for tables in CACHES:
                for table in (tables.derivation_state, tables.derivation_input, tables.derivation):
                    conn.execute(delete(table))
            conn.execute(delete(change_log))

    def drop(self) -> None:
        """Forget this cache only (its rows and state); the log is then kept for the other one alone."""
        with self._session.write() as conn:
            for table in (self.tables.derivation_state, self.tables.derivation_input, self.tables.derivation):
                conn.execute(delete(table))
            _prune(conn)

    def adopt(self, source: CacheTables) -> None:
        """Make the cache in `source` this one (rows, inputs and state, moved as they are), in one transaction."""
        with self._session.write() as conn:
            for own, theirs in zip(self.tables, source, strict=True):
                conn.execute(delete(own))
                names = [c.name for c in own.columns]
                conn.execute(own.insert().from_select(names, select(*(theirs.c[name] for name in names))))
                conn.execute(delete(theirs))
            _prune(conn)

    def replace(self, derived: Iterable[Derived], *, everything: bool = False, scratch: Iterable[Path] = ()) -> None:
        """Write these records' derivations (with `everything`, drop every other row first, and take the
        rows of the `scratch` files too: `derivation_scratch.py`)."""
        with self._session.write() as conn:
            if not everything:
                _write(conn, self.tables, derived, forgetting=True)
                return
            with _indexed_after(conn, self.tables.derivation_input, self.tables.derivation):
                conn.execute(delete(self.tables.derivation_input))
                conn.execute(delete(self.tables.derivation))
                _write(conn, self.tables, derived, forgetting=False)
                for path in scratch:
                    take(conn, self.tables, path)

    def forget(self, keys: Iterable[Key]) -> None:
        """Drop these records' rows: they are derived again next time."""
        with self._session.write() as conn:
            for part in chunks(keys, _BATCH):
                _forget(conn, self.tables, part)

    def commit(self, seq: int, digest: str) -> None:
        """The cache is current to `seq`: record it, and drop the log up to it, or up to the other cache's
        `seq` when that is older (nothing needs the rest now)."""
        with self._session.write() as conn:
            upsert(conn, self.tables.derivation_state, [{"id": 1, "seq": seq, "digest": digest}], ["id"])
            _prune(conn)


def _prune(conn: Connection) -> None:
    """Drop the log up to the oldest change a cache is current to (all of it when there is no cache)."""
    kept = [conn.scalar(select(t.derivation_state.c.seq)) for t in CACHES]
    known = [int(k) for k in kept if k is not None]
    if known:
        conn.execute(delete(change_log).where(change_log.c.seq <= min(known)))


def _write(conn: Connection, tables: CacheTables, derived: Iterable[Derived], *, forgetting: bool) -> None:
    """Insert the rows (`forgetting`: dropping each record's earlier ones first), a chunk at a time."""
    for part in chunks(derived, _BATCH):
        if forgetting:
            _forget(conn, tables, [(d.kind, d.workspace_id) for d in part])
        insert_values(conn, tables.derivation, ROW, [(d.kind, d.workspace_id, d.cluster, d.output) for d in part])
        inputs = [row for d in part for row in input_rows(d.kind, d.workspace_id, d.cluster, d.tokens)]
        insert_values(conn, tables.derivation_input, INPUT, inputs)


@contextmanager
def _indexed_after(conn: Connection, *tables: Table) -> Iterator[None]:
    """The tables' secondary indexes dropped while they are filled, then built again: one sorted build of
    the token and cluster indexes costs less than a random insert into them per row, which at a million
    records misses the database's page cache nearly every time (in the same transaction, so no reader
    ever sees the tables without them). Rows come in primary key order: that index is appended to."""
    indexes = sorted((index for table in tables for index in table.indexes), key=lambda index: str(index.name))
    for index in indexes:
        index.drop(conn)
    yield
    for index in indexes:
        index.create(conn)


def _by_kind(keys: Iterable[Key]) -> dict[str, list[str]]:
    by_kind: dict[str, list[str]] = {}
    for kind, workspace_id in keys:
        by_kind.setdefault(kind, []).append(workspace_id)
    return by_kind


def _forget(conn: Connection, tables: CacheTables, keys: Collection[Key]) -> None:
    for kind, ids in _by_kind(keys).items():
        for table in (tables.derivation_input, tables.derivation):
            conn.execute(delete(table).where(table.c.kind == kind, table.c.workspace_id.in_(ids)))
