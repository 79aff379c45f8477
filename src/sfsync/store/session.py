"""The store's connection discipline, shared by every section of the API.

Outside `Store.transaction()` each call runs in a transaction of its own. Inside it, every call joins
the one open transaction, so a write batch's links, ledger entries, intents, row results and serial
commit together or not at all. `Store.speculative()` is the same single transaction, rolled back at
its end whatever happens: every call inside it sees the writes made before it in it, and none of
them outlives it. A `Session` belongs to one thread.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import DatabaseError, OperationalError

from sfsync.store.backend import SQLITE_BEGIN, redact
from sfsync.store.errors import StoreError


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Session:
    """An engine plus the transaction currently open on it, if any."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._active: Connection | None = None
        self.speculating = False  # inside `rolled_back`: nothing written now outlives it

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @property
    def shared(self) -> bool:
        """Whether another process reads what this session reads now: outside a transaction (whose writes
        no one else sees yet), of a store on disk or on a server (not an in-memory SQLite)."""
        url = self.engine.url
        in_memory = self.dialect == "sqlite" and (url.database or ":memory:") == ":memory:"
        return self._active is None and not in_memory and "mode=memory" not in str(url)

    def forked(self) -> None:
        """In a forked process: the parent's pooled connections stay the parent's, never used or closed
        here (a connection is the process's that opened it); this process opens its own."""
        self.engine.dispose(close=False)

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """A connection in a write transaction: the open one, or a new one committed on exit."""
        if self._active is not None:
            yield self._active
            return
        with self._reported(), self.engine.connect() as conn:
            conn.execution_options(**{SQLITE_BEGIN: "IMMEDIATE"})
            with conn.begin():
                self._active = conn
                try:
                    yield conn
                finally:
                    self._active = None

    @contextmanager
    def rolled_back(self) -> Iterator[Connection]:
        """A write transaction every call joins, always rolled back on exit (never committed)."""
        if self._active is not None:
            raise StoreError("a speculative unit of work cannot run inside another transaction")
        with self._reported(), self.engine.connect() as conn:
            # SQLite: take the write lock at once, as `write` does, so no other writer interleaves.
            conn.execution_options(**{SQLITE_BEGIN: "IMMEDIATE"})
            transaction = conn.begin()
            self._active, self.speculating = conn, True
            try:
                yield conn
            finally:
                self._active, self.speculating = None, False
                transaction.rollback()

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A connection for reading: the open transaction's, or a new one."""
        if self._active is not None:
            yield self._active
            return
        with self._reported(), self.engine.connect() as conn, conn.begin():
            yield conn

    @contextmanager
    def _reported(self) -> Iterator[None]:
        """A lost server, a full disk or a lock wait that timed out is the user's to act on, not a bug."""
        try:
            yield
        except OperationalError as error:
            raise StoreError(f"store {redact(self.engine.url)}: {_reason(error)}") from error
        except DatabaseError as error:
            if type(error) is not DatabaseError:  # integrity and programming errors are sfsync's own
                raise
            # SQLite's plain DatabaseError: a file that is not a database, or one damaged on disk
            raise StoreError(
                f"store {redact(self.engine.url)}: not a readable sfsync store ({_reason(error)}); restore it from "
                "a backup, or point --store (or the config's `store:`) at the right one"
            ) from error


def _reason(error: DatabaseError) -> str:
    return str(error.orig).strip().splitlines()[0] if error.orig else str(error)
