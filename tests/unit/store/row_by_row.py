"""The store's bulk writes done row by row through SQLAlchemy: the reference the set-based paths must match.

`row_by_row(monkeypatch)` makes every store section write one row per statement, with SQLAlchemy's own
parameter processing, as the store did before its writes went to the driver's bulk paths. `dump(store)`
reads back what the bookkeeping tables hold, in a form two runs can be compared by.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pytest
from sqlalchemy import Connection, Executable, Table, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from sfsync.store import Store, describes, intents, ledger, links, mirror, plays, rejections, runs, workspace
from sfsync.store.schema import intent, link, row_result, run, standing_rejection, watermark
from sfsync.store.schema import ledger as ledger_table
from sfsync.store.schema import mirror as mirror_table

# Tables keyed by a made-up id: in the order written, or by what the id stands for.
_ORDER = {
    "row_result": [row_result.c.id],
    "intent": [intent.c.kind, intent.c.workspace_id, intent.c.object, intent.c.payload_digest, intent.c.state],
    "run": [run.c.started_at],
}
SECTIONS = (describes, intents, ledger, links, mirror, plays, rejections, runs, workspace)
BOOKKEEPING = (link, ledger_table, mirror_table, watermark, intent, run, row_result, standing_rejection)


def insert_rows(conn: Connection, target: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    for row in rows:
        conn.execute(target.insert(), dict(row))


def upsert_rows(
    conn: Connection,
    target: Table,
    rows: Sequence[Mapping[str, Any]],
    keys: Sequence[str],
    update: Sequence[str] | None = None,
) -> None:
    if not rows:
        return
    columns = tuple(update) if update is not None else tuple(c for c in rows[0] if c not in keys)
    stmt: Any = pg_insert(target) if conn.dialect.name == "postgresql" else sqlite_insert(target)
    if columns:
        stmt = stmt.on_conflict_do_update(index_elements=list(keys), set_={c: stmt.excluded[c] for c in columns})
    else:
        stmt = stmt.on_conflict_do_nothing(index_elements=list(keys))
    for row in rows:  # one after another: of several rows with the same keys, the last wins
        conn.execute(stmt, dict(row))


def execute_rows(
    conn: Connection, stmt: Executable, rows: Sequence[Mapping[str, Any]], _names: Sequence[str] | None = None
) -> int:
    return sum(conn.execute(stmt, dict(row)).rowcount for row in rows)


def row_by_row(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every section's bulk write, row by row from now on (until the test ends)."""
    for section in SECTIONS:
        for name, reference in (("insert", insert_rows), ("upsert", upsert_rows), ("execute_many", execute_rows)):
            if hasattr(section, name):
                monkeypatch.setattr(section, name, reference)


def dump(store: Store, volatile: Sequence[str] = ()) -> dict[str, list[dict[str, Any]]]:
    """Every bookkeeping table's rows in key order (row results in the order written), without `volatile`
    columns and the ones that only say when (`*_at`) or which uuid."""
    dropped = {"id", "run_id", "started_at", "finished_at", *volatile}
    found: dict[str, list[dict[str, Any]]] = {}
    with store.session.read() as conn:
        for table in BOOKKEEPING:
            order = _ORDER.get(table.name) or list(table.primary_key.columns)
            rows = conn.execute(select(table).order_by(*order)).mappings()
            found[table.name] = [
                {k: (v is not None if k.endswith("_at") else v) for k, v in row.items() if k not in dropped}
                for row in rows
            ]
    return found


def clear(store: Store) -> None:
    with store.transaction() as conn:
        for table in reversed(BOOKKEEPING):
            conn.execute(table.delete())
