"""Bulk `INSERT … ON CONFLICT` for both dialects, sent as one executemany with one compiled statement."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from functools import lru_cache
from typing import Any, TypeVar

from sqlalchemy import Connection, Executable, Table
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
    """Insert `rows`; on a conflict on `keys`, overwrite the `update` columns (default: all others).

    Rows are written as if one after another: of several rows with the same keys, the last wins.
    """
    if not rows:
        return
    columns = tuple(update) if update is not None else tuple(c for c in rows[0] if c not in keys)
    conn.execute(_statement(conn.dialect.name, table, tuple(keys), columns), _last_per_key(rows, keys))


@lru_cache(maxsize=64)
def _statement(dialect: str, table: Table, keys: tuple[str, ...], columns: tuple[str, ...]) -> Executable:
    """One statement object per shape, so SQLAlchemy compiles it once and reuses it from its cache."""
    stmt = pg_insert(table) if dialect == "postgresql" else sqlite_insert(table)
    if not columns:
        return stmt.on_conflict_do_nothing(index_elements=list(keys))
    excluded = stmt.excluded
    return stmt.on_conflict_do_update(index_elements=list(keys), set_={c: excluded[c] for c in columns})


def _last_per_key(rows: Sequence[Mapping[str, Any]], keys: Sequence[str]) -> list[Mapping[str, Any]]:
    """One row per key, the last given (one multi-row statement may not touch a row twice)."""
    by_key = {tuple(row[k] for k in keys): row for row in rows}
    return list(by_key.values()) if len(by_key) < len(rows) else list(rows)


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
