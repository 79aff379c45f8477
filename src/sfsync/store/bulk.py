"""Bulk `INSERT … ON CONFLICT` for both dialects, sent as one executemany."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, TypeVar

from sqlalchemy import Connection, Table
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

T = TypeVar("T")


def upsert(
    conn: Connection,
    table: Table,
    rows: Sequence[Mapping[str, Any]],
    keys: Sequence[str],
    update: Sequence[str] | None = None,
) -> None:
    """Insert `rows`; on a conflict on `keys`, overwrite the `update` columns (default: all others)."""
    if not rows:
        return
    stmt = pg_insert(table) if conn.dialect.name == "postgresql" else sqlite_insert(table)
    columns = list(update) if update is not None else [c for c in rows[0] if c not in keys]
    if columns:
        excluded = stmt.excluded
        conn.execute(stmt.on_conflict_do_update(index_elements=keys, set_={c: excluded[c] for c in columns}), rows)
    else:
        conn.execute(stmt.on_conflict_do_nothing(index_elements=keys), rows)


def chunks(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """Consecutive lists of at most `size` items, without reading ahead further."""
    chunk: list[T] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
