"""The derivation cache of incremental planning (tables in `derivation_schema.py`).

Invariant: a `derivation` row is what planning derives for its record from the store as it was at the
state's `seq`, with the config parts and describes of the state's `digest`; every token its derivation
read is in `derivation_input`. A record whose tokens appear in `change_log` past that `seq` must be
derived again; one without a row was never derived. Rows are replaced cluster by cluster.
"""

from __future__ import annotations

from collections.abc import Collection, Generator, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, delete, func, select

from sfsync.store.bulk import chunks, upsert
from sfsync.store.derivation_schema import change_log, derivation, derivation_input, derivation_state
from sfsync.store.session import Session

Key = tuple[str, str]  # (kind, workspace id)
_BATCH = 1000


@dataclass(frozen=True)
class DerivationState:
    seq: int
    digest: str


@dataclass(frozen=True)
class Derived:
    """One record's derivation: its cluster (a company id, or None), output (None: nothing) and inputs."""

    kind: str
    workspace_id: str
    cluster: str | None
    output: Mapping[str, Any] | None
    tokens: Collection[str]


@dataclass(frozen=True)
class Cached:
    cluster: str | None
    output: Mapping[str, Any] | None


class DerivationsSection:
    def __init__(self, session: Session) -> None:
        self._session = session

    def state(self) -> DerivationState | None:
        with self._session.read() as conn:
            row = conn.execute(select(derivation_state.c.seq, derivation_state.c.digest)).first()
        return DerivationState(int(row.seq), str(row.digest)) if row else None

    def current_seq(self) -> int:
        """The latest change logged (or, the log pruned empty, the one the cache is current to)."""
        with self._session.read() as conn:
            latest = conn.scalar(select(func.max(change_log.c.seq)))
            kept = conn.scalar(select(derivation_state.c.seq))
        return int(latest if latest is not None else kept or 0)

    def dirty(self, since: int) -> set[Key]:
        """Records whose derivation read something that changed after `since` (one join, set-based)."""
        moved = select(change_log.c.token).where(change_log.c.seq > since).distinct().subquery()
        stmt = (
            select(derivation_input.c.kind, derivation_input.c.workspace_id)
            .join(moved, moved.c.token == derivation_input.c.token)
            .distinct()
        )
        with self._session.read() as conn:
            return {(str(kind), str(workspace_id)) for kind, workspace_id in conn.execute(stmt)}

    def changes_since(self, since: int) -> int:
        with self._session.read() as conn:
            return int(conn.scalar(select(func.count()).where(change_log.c.seq > since)) or 0)

    def cached(self) -> dict[Key, Cached]:
        """Every record's cached derivation."""
        stmt = select(derivation.c.kind, derivation.c.workspace_id, derivation.c.cluster, derivation.c.output)
        with self._session.read() as conn:
            rows = conn.execute(stmt.execution_options(yield_per=5000))
            return {(str(r.kind), str(r.workspace_id)): Cached(r.cluster, r.output) for r in rows}

    def clusters(self) -> dict[Key, str | None]:
        """Every cached record's cluster, without its output (read those with `outputs`)."""
        stmt = select(derivation.c.kind, derivation.c.workspace_id, derivation.c.cluster)
        with self._session.read() as conn:
            rows = conn.execute(stmt.execution_options(yield_per=5000))
            return {(str(r.kind), str(r.workspace_id)): r.cluster for r in rows}

    def outputs(self, kind: str) -> Generator[tuple[str, Mapping[str, Any] | None], None, None]:
        """Each cached record's output of `kind`, by workspace id, streamed (the generator holds a cursor)."""
        stmt = (
            select(derivation.c.workspace_id, derivation.c.output)
            .where(derivation.c.kind == kind)
            .order_by(derivation.c.workspace_id)
        )
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
            conn.execute(delete(derivation_state))

    def clear(self) -> None:
        """Forget the whole cache: the next plan derives every record."""
        with self._session.write() as conn:
            for table in (derivation_state, derivation_input, derivation, change_log):
                conn.execute(delete(table))

    def replace(self, derived: Iterable[Derived], *, everything: bool = False) -> None:
        """Write these records' derivations (with `everything`, drop every other row first)."""
        with self._session.write() as conn:
            if everything:
                conn.execute(delete(derivation_input))
                conn.execute(delete(derivation))
            for part in chunks(derived, _BATCH):
                if not everything:
                    _forget(conn, [(d.kind, d.workspace_id) for d in part])
                rows = [_row(d) for d in part]
                conn.execute(derivation.insert(), rows)
                inputs = [
                    {"kind": d.kind, "workspace_id": d.workspace_id, "token": token} for d in part for token in d.tokens
                ]
                if inputs:
                    conn.execute(derivation_input.insert(), inputs)

    def forget(self, keys: Iterable[Key]) -> None:
        """Drop these records' rows: they are derived again next time."""
        with self._session.write() as conn:
            for part in chunks(keys, _BATCH):
                _forget(conn, part)

    def commit(self, seq: int, digest: str) -> None:
        """The cache is current to `seq`: record it, and drop the log up to it (nothing needs it now)."""
        with self._session.write() as conn:
            upsert(conn, derivation_state, [{"id": 1, "seq": seq, "digest": digest}], ["id"])
            conn.execute(delete(change_log).where(change_log.c.seq <= seq))


def _row(d: Derived) -> dict[str, Any]:
    return {"kind": d.kind, "workspace_id": d.workspace_id, "cluster": d.cluster, "output": d.output}


def _forget(conn: Connection, keys: Collection[Key]) -> None:
    by_kind: dict[str, list[str]] = {}
    for kind, workspace_id in keys:
        by_kind.setdefault(kind, []).append(workspace_id)
    for kind, ids in by_kind.items():
        for table in (derivation_input, derivation):
            conn.execute(delete(table).where(table.c.kind == kind, table.c.workspace_id.in_(ids)))
