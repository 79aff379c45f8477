"""Set-based writes for both dialects: one compiled statement per table and chunk, sent through the driver's
bulk path.

Rows are turned into the driver's parameters with each column's own bind processor, computed once per
column (what SQLAlchemy does per row and per parameter when it builds an executemany), then handed to the
DB-API `executemany` as they are. On PostgreSQL, `COPY_MIN_ROWS` rows or more are streamed with `COPY`
(store/backend.py): straight into the table, or through a temporary table and one `INSERT … SELECT …
ON CONFLICT` for an upsert. Every path writes what `conn.execute(stmt, rows)` would have written.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from functools import lru_cache
from operator import itemgetter
from typing import Any, TypeVar

from sqlalchemy import Connection, Executable, Table, column, select, table
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Dialect
from sqlalchemy.sql import ClauseElement

from sfsync.store.backend import copy_rows, temporary_copy

T = TypeVar("T")
COPY_MIN_ROWS = 1000  # below this, one executemany costs less than creating and filling a temporary table
_Processor = Callable[[Any], Any] | None


def insert(conn: Connection, target: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert `rows` (all with the same keys) as one bulk write."""
    if not rows:
        return
    columns = tuple(rows[0])
    if _copies(conn, rows):
        copy_rows(conn, target.name, columns, _driver_rows(conn.dialect, target, columns, rows))
        return
    execute_many(conn, _insert(target), rows, columns)


def insert_values(conn: Connection, target: Table, names: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """Insert `rows`, each its values of the columns `names` in that order, already as the driver takes them
    (no column's bind processing: a JSON column's value is its text). Text into a JSON column reads back as
    the value, as if written by `insert`."""
    if not rows:
        return
    if _copies(conn, rows):
        copy_rows(conn, target.name, names, rows)
        return
    compiled = _compiled(conn.dialect, _insert(target), tuple(names))
    if compiled.positiontup is None:  # a driver taking parameters by name
        conn.exec_driver_sql(compiled.string, [dict(zip(names, row, strict=True)) for row in rows])
        return
    order = [names.index(name) for name in compiled.positiontup]
    ordered = rows if order == list(range(len(names))) else [tuple(row[i] for i in order) for row in rows]
    conn.exec_driver_sql(compiled.string, list(ordered))


def upsert(
    conn: Connection,
    target: Table,
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
    rows = _last_per_key(rows, keys)
    names = tuple(rows[0])
    if _copies(conn, rows):
        with temporary_copy(conn, target.name, names, _driver_rows(conn.dialect, target, names, rows)) as staged:
            source = select(*table(staged, *(column(n) for n in names)).c)
            stmt = pg_insert(target).from_select(list(names), source)
            conn.execute(_on_conflict(stmt, tuple(keys), columns))
        return
    execute_many(conn, _statement(conn.dialect.name, target, tuple(keys), columns), rows, names)


def execute_many(
    conn: Connection, stmt: Executable, rows: Sequence[Mapping[str, Any]], names: Sequence[str] | None = None
) -> int:
    """One `executemany` of `stmt` over `rows` (all with the keys `names`), straight to the driver.

    `stmt` takes its parameters by name: an INSERT's columns, or `bindparam`s of an UPDATE or DELETE
    (each bound parameter's type gives its processor, as SQLAlchemy would). Returns the rows it touched.
    """
    if not rows:
        return 0
    keys = tuple(names if names is not None else rows[0])
    compiled = _compiled(conn.dialect, stmt, keys)
    order = tuple(compiled.positiontup or keys)  # a positional driver takes each row's values in this order
    values = _processed(rows, order, [_processor(conn.dialect, compiled.binds[k]) for k in order])
    params: list[Any] = values if compiled.positiontup else [dict(zip(order, row, strict=True)) for row in values]
    return int(conn.exec_driver_sql(compiled.string, params).rowcount)


def _copies(conn: Connection, rows: Sequence[object]) -> bool:
    return conn.dialect.name == "postgresql" and len(rows) >= COPY_MIN_ROWS


def _driver_rows(
    dialect: Dialect, target: Table, names: Sequence[str], rows: Sequence[Mapping[str, Any]]
) -> list[tuple[Any, ...]]:
    processors = [target.c[n].type._cached_bind_processor(dialect) for n in names]
    return _processed(rows, names, processors)


def _processor(dialect: Dialect, bind: Any) -> _Processor:
    # The bound parameter's own type, so an `UPDATE … SET sf_id = :sf_id` processes as the column does.
    processor: _Processor = bind.type._cached_bind_processor(dialect)
    return processor


def _processed(
    rows: Sequence[Mapping[str, Any]], names: Sequence[str], processors: Sequence[_Processor]
) -> list[tuple[Any, ...]]:
    """Each row's values in `names` order, as the driver takes them (a column without a processor as is).

    Each row's values are picked with one `itemgetter` call, then processed column by column (one
    comprehension per column rather than a generator per row); a value every row shares (the chunk's
    timestamp, its run) is processed once.
    """
    picked = itemgetter(*names)
    raw = [picked(row) for row in rows] if len(names) > 1 else [(row[names[0]],) for row in rows]
    if not any(processors):
        return raw
    columns = [_column(list(values), p) for values, p in zip(zip(*raw, strict=True), processors, strict=True)]
    return list(zip(*columns, strict=True))


def _column(values: list[Any], processor: _Processor) -> list[Any]:
    if processor is None:
        return values
    first = values[0]
    if all(value is first for value in values):
        return [processor(first)] * len(values)
    return [processor(value) for value in values]


@lru_cache(maxsize=128)
def _compiled(dialect: Dialect, stmt: Executable, keys: tuple[str, ...]) -> Any:
    """One compiled form per statement and parameter names (statements are built once, module-wide)."""
    assert isinstance(stmt, ClauseElement)
    return stmt.compile(dialect=dialect, column_keys=list(keys))


@lru_cache(maxsize=64)
def _insert(target: Table) -> Executable:
    return target.insert()


@lru_cache(maxsize=64)
def _statement(dialect: str, target: Table, keys: tuple[str, ...], columns: tuple[str, ...]) -> Executable:
    """One statement object per shape, so it is compiled once and reused."""
    stmt = pg_insert(target) if dialect == "postgresql" else sqlite_insert(target)
    return _on_conflict(stmt, keys, columns)


def _on_conflict(stmt: Any, keys: tuple[str, ...], columns: tuple[str, ...]) -> Executable:
    if not columns:
        done: Executable = stmt.on_conflict_do_nothing(index_elements=list(keys))
        return done
    excluded = stmt.excluded
    updated: Executable = stmt.on_conflict_do_update(index_elements=list(keys), set_={c: excluded[c] for c in columns})
    return updated


def _last_per_key(rows: Sequence[Mapping[str, Any]], keys: Sequence[str]) -> Sequence[Mapping[str, Any]]:
    """One row per key, the last given (one statement may not touch a row twice)."""
    key_of = itemgetter(*keys)
    by_key = {key_of(row): row for row in rows}
    return list(by_key.values()) if len(by_key) < len(rows) else rows


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
