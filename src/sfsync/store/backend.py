"""Store URLs to SQLAlchemy engines, with each backend's settings.

`sqlite:///path` (relative to the working directory; the default is `.sfsync/sfsync.db`): the directory
and the file are created on first use, the file readable by its owner only (0600). Every connection
runs in WAL mode with foreign keys on and a busy timeout, and transactions are begun explicitly so a
writer can take the database with `BEGIN IMMEDIATE`.

`postgresql://…` (or `postgres://…`) is rewritten to use psycopg 3, whose `COPY` the store's bulk writes use
for large batches (`copy_rows`, `temporary_copy`).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError
from sqlalchemy.pool import StaticPool

from sfsync.store import json_text
from sfsync.store.errors import StoreError

DEFAULT_STORE_URL = "sqlite:///.sfsync/sfsync.db"
BUSY_TIMEOUT_MS = 10_000
# Execution option naming how SQLite begins a transaction: "IMMEDIATE" takes the write lock at once.
SQLITE_BEGIN = "sfsync_sqlite_begin"


def parse_store_url(url: str) -> URL:
    """The SQLAlchemy URL for a store URL; refuses anything but SQLite and PostgreSQL."""
    try:
        parsed = make_url(url)
    except ArgumentError as error:
        raise StoreError(f"not a store URL: {url!r}") from error
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        if parsed.drivername != "sqlite":
            raise StoreError(f"unsupported SQLite driver in store URL: {parsed.drivername}")
        return parsed
    if backend in ("postgresql", "postgres"):
        return parsed.set(drivername="postgresql+psycopg")
    raise StoreError(f"unsupported store URL {redact(url)!r}: use sqlite:///PATH or postgresql://…")


# Query parameters that carry a credential (libpq reads `password` and `sslpassword` from the URL too).
SECRET_QUERY_KEYS = frozenset({"password", "passwd", "pass", "pwd", "sslpassword", "secret", "token", "api_key"})


def redact(url: str | URL) -> str:
    """The URL with its password hidden, in the user part and in the query string, for messages."""
    try:
        parsed = url if isinstance(url, URL) else make_url(url)
    except ArgumentError:
        return "<invalid URL>"
    hidden = {key: "***" for key in parsed.query if key.lower() in SECRET_QUERY_KEYS}
    shown = parsed.update_query_dict(hidden) if hidden else parsed
    text = shown.set(drivername=parsed.get_backend_name()).render_as_string(hide_password=True)
    return text.replace("%2A%2A%2A", "***")  # the query mask, as the user part's is shown


# Both backends write and read JSON through one codec, so they keep the same values (U+0000 included).
_JSON_TEXT: dict[str, Any] = {"json_serializer": json_text.dumps, "json_deserializer": json_text.loads}


def build_engine(url: URL) -> Engine:
    if url.get_backend_name() == "sqlite":
        return _sqlite_engine(url)
    return create_engine(url, pool_pre_ping=True, connect_args={"connect_timeout": 10}, **_JSON_TEXT)


def _sqlite_engine(url: URL) -> Engine:
    database = url.database or ""
    if database in ("", ":memory:"):
        engine = create_engine(url, poolclass=StaticPool, connect_args={"check_same_thread": False}, **_JSON_TEXT)
    else:
        _create_private_file(Path(database))
        engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000}, **_JSON_TEXT)
    event.listen(engine, "connect", _sqlite_connect)
    event.listen(engine, "begin", _sqlite_begin)
    return engine


def _create_private_file(path: Path) -> None:
    """Create the database file with mode 0600 before SQLite does (SQLite would honour the umask)."""
    if path.exists():
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        return
    except OSError as error:
        raise StoreError(f"cannot create the store {path}: {error.strerror}") from error
    os.close(fd)


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy's "begin" event issue BEGIN itself (pysqlite's implicit BEGIN cannot be IMMEDIATE).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    for pragma in (f"busy_timeout={BUSY_TIMEOUT_MS}", "journal_mode=WAL", "foreign_keys=ON", "synchronous=FULL"):
        cursor.execute(f"PRAGMA {pragma}")
    cursor.close()


def _sqlite_begin(connection: Connection) -> None:
    mode = connection.get_execution_options().get(SQLITE_BEGIN, "")
    connection.exec_driver_sql(f"BEGIN {mode}".strip())


def copy_rows(conn: Connection, table_name: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """PostgreSQL: stream `rows` (driver values, in `columns` order) into a table with `COPY … FROM STDIN`.

    It runs on the connection's own DB-API connection, so inside its open transaction.
    """
    quote = conn.dialect.identifier_preparer.quote
    names = ", ".join(quote(c) for c in columns)
    import psycopg  # only a PostgreSQL store needs it loaded

    statement = f"COPY {quote(table_name)} ({names}) FROM STDIN"
    cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        with cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row(row)
    except psycopg.Error as error:  # as SQLAlchemy raises it for its own statements (IntegrityError, …)
        raise DBAPIError.instance(statement, None, error, psycopg.Error) from error
    finally:
        cursor.close()


@contextmanager
def temporary_copy(
    conn: Connection, table_name: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]
) -> Iterator[str]:
    """PostgreSQL: `rows` copied into a temporary table shaped like `table_name` (named by the context), dropped
    on exit: the source of one set statement, such as an `INSERT … SELECT … ON CONFLICT`.

    On an error the table is left to the transaction's end (`ON COMMIT DROP`; a rollback undoes its creation):
    dropping it in a failed transaction would only hide the error that failed it.
    """
    quote = conn.dialect.identifier_preparer.quote
    staged = f"sfsync_staged_{table_name}"
    names = ", ".join(quote(c) for c in columns)
    conn.exec_driver_sql(
        f"CREATE TEMPORARY TABLE {quote(staged)} ON COMMIT DROP AS SELECT {names} FROM {quote(table_name)} WITH NO DATA"  # noqa: S608 - quoted names of the store's own tables
    )
    copy_rows(conn, staged, columns, rows)
    yield staged
    conn.exec_driver_sql(f"DROP TABLE {quote(staged)}")
