"""SQL sources through SQLAlchemy Core: the one module that connects to a source's database.

Any SQLAlchemy URL works where its driver is installed; `postgresql://` uses psycopg 3, which sfsync
installs for its store. The query is run as written, or, with a cursor, wrapped as
`SELECT * FROM (query) AS sfsync_source WHERE cursor > :after ORDER BY cursor`, streamed (a server-side
cursor where the driver has one), never fetched whole. No message names the URL's password or the value
of any variable the URL references.
"""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import json
import uuid
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, Select, create_engine, literal_column, select, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, SQLAlchemyError
from sqlalchemy.sql import Executable
from sqlalchemy.sql.elements import ColumnClause

from sfsync.config.sources import DataSource
from sfsync.errors import UsageError
from sfsync.sources.columns import ColumnMap
from sfsync.sources.cursor import decode_cursor, encode_cursor, shown_cursor
from sfsync.sources.feeding import feed, header_problems
from sfsync.sources.rejections import SourceRejection
from sfsync.store import Store
from sfsync.store.backend import redact
from sfsync.store.loader import Rejection
from sfsync.store.loader.source import BadRow, SourceRow

STREAM_ROWS = 1000  # rows fetched at a time from a server-side cursor
SHOWN_CURSORS = 4 * STREAM_ROWS  # cursor values kept to name a rejected row (the loader reports per batch)


@dataclass(frozen=True)
class SqlRead:
    cursor: str | None  # the greatest cursor value read (or the one before, when no new row came)
    digest: str  # sha256 of the rows read, in order
    rows: int
    rejected: int


@dataclass(frozen=True)
class Database:
    """A source's resolved URL, and the secret values no message may show."""

    name: str
    url: str
    secrets: Sequence[str]

    def failure(self, error: Exception) -> UsageError:
        """The error in words, with the URL redacted and every secret value masked."""
        reason = str(getattr(error, "orig", None) or error).strip()
        message = f"source {self.name}: cannot read {redact(self.url)}: {reason.splitlines()[0] if reason else error}"
        for secret in (self.url, *self.secrets):
            message = message.replace(secret, "***")
        return UsageError(message)


def _engine_url(database: Database) -> URL:
    try:
        url = make_url(database.url)
    except ArgumentError:
        raise UsageError(f"source {database.name}: sql.url is not a database URL") from None
    if url.drivername in ("postgresql", "postgres"):
        return url.set(drivername="postgresql+psycopg")
    return url


@contextmanager
def connected(database: Database) -> Iterator[Connection]:
    """A connection to the source's database, closed (and its engine disposed) on exit."""
    engine: Engine | None = None
    try:
        engine = create_engine(_engine_url(database))
        with engine.connect() as conn:
            yield conn
    except NoSuchModuleError as error:
        raise UsageError(f"source {database.name}: no SQLAlchemy dialect for this URL ({error})") from None
    except ModuleNotFoundError as error:
        raise UsageError(f"source {database.name}: the database driver is not installed ({error.name})") from None
    except SQLAlchemyError as error:
        raise database.failure(error) from None
    finally:
        if engine is not None:
            engine.dispose()


def statement(conn: Connection, source: DataSource, after: str | None, *, probe: bool = False) -> Executable:
    """The source's query; with a cursor, only rows beyond `after` in cursor order (`probe`: is there one?)."""
    sql = source.sql
    assert sql is not None  # only SQL sources come here
    query = sql.query.strip().rstrip(";").strip()
    if sql.cursor is None:
        return text(query)
    cursor: ColumnClause[Any] = literal_column(conn.dialect.identifier_preparer.quote(sql.cursor))
    stmt: Select[Any] = select(literal_column("1" if probe else "*")).select_from(text(f"({query}) AS sfsync_source"))
    if after is not None:
        stmt = stmt.where(cursor > decode_cursor(after))
    elif probe:
        stmt = stmt.where(cursor.is_not(None))
    return stmt.limit(1) if probe else stmt.order_by(cursor)


def _streamed(stmt: Executable) -> Executable:
    # On the statement, not the connection: a connection's options stay set for every later statement.
    return stmt.execution_options(stream_results=True, yield_per=STREAM_ROWS)


def read_sql(
    store: Store,
    database: Database,
    source: DataSource,
    after: str | None,
    on_reject: Callable[[SourceRejection], None],
) -> SqlRead:
    """Load the rows beyond `after` (all of them without a cursor); the cursor reached is returned, to be
    recorded by the caller once the rows are committed."""
    cursor_column = source.sql.cursor if source.sql else None
    reader = _Rows(database.name, cursor_column, after)
    with connected(database) as conn:
        result = conn.execute(_streamed(statement(conn, source, after)))
        columns = ColumnMap.of(source.columns)
        problems = header_problems(source.object, columns.header(list(result.keys())))
        if problems:
            raise UsageError(f"source {database.name}: the query's columns: " + "; ".join(problems))
        rows = (reader.row(number, dict(row._mapping), columns) for number, row in enumerate(result, start=1))
        fed = feed(store, source.object, database.name, rows, reader.rejection(on_reject))
    return SqlRead(reader.reached, reader.digest.hexdigest(), fed.rows, fed.rejected)


def rows_digest(database: Database, source: DataSource) -> str:
    """sha256 of every row the query returns now, in order (a source without a cursor, checked at apply)."""
    reader = _Rows(database.name, None, None)
    with connected(database) as conn:
        result = conn.execute(_streamed(statement(conn, source, None)))
        for number, row in enumerate(result, start=1):
            reader.row(number, dict(row._mapping), ColumnMap.of({}))
    return reader.digest.hexdigest()


def beyond(database: Database, source: DataSource, after: str | None) -> bool:
    """Whether a row beyond the cursor value `after` exists (one row asked for, at most)."""
    with connected(database) as conn:
        return conn.execute(statement(conn, source, after, probe=True)).first() is not None


class _Rows:
    """Rows as the loader reads them, digested in order; the greatest cursor value seen is `reached`."""

    def __init__(self, name: str, cursor: str | None, after: str | None) -> None:
        self.name, self.cursor, self.reached = name, cursor, after
        self.digest = hashlib.sha256()
        self._shown: OrderedDict[int, str] = OrderedDict()

    def row(self, number: int, raw: dict[str, Any], columns: ColumnMap) -> SourceRow | BadRow:
        values = {str(key): plain(value) for key, value in raw.items()}
        self.digest.update(json.dumps(values, sort_keys=True, default=str).encode("utf-8") + b"\n")
        if self.cursor is None:
            return SourceRow(number, columns.row(values))
        value = raw.get(self.cursor)
        if value is None:
            return BadRow(number, f"the cursor column {self.cursor!r} is empty: the row cannot be read incrementally")
        encoded = encode_cursor(value)
        self._remember(number, encoded)
        if self.reached is None or _after(value, decode_cursor(self.reached)):
            self.reached = encoded
        return SourceRow(number, columns.row(values))

    def rejection(self, on_reject: Callable[[SourceRejection], None]) -> Callable[[Rejection], None]:
        def reject(rejection: Rejection) -> None:
            shown = self._shown.get(rejection.line)
            where = f"row {rejection.line}" + (f" (cursor value {shown_cursor(shown)})" if shown else "")
            on_reject(SourceRejection(self.name, where, rejection.reason, rejection.severity))

        return reject

    def _remember(self, number: int, encoded: str) -> None:
        self._shown[number] = encoded
        if len(self._shown) > SHOWN_CURSORS:
            self._shown.popitem(last=False)


def _after(value: Any, reached: Any) -> bool:
    try:
        return bool(value > reached)
    except TypeError:  # a cursor column of mixed types (SQLite): the order the database gave wins
        return True


def plain(value: Any) -> Any:
    """A database value as the loader reads a JSONL one: text, a number, a boolean or None."""
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).decode("utf-8", errors="replace")
    return value
