"""One operation at a time per store: a lock row naming its holder.

SQLite: the row is inserted in a `BEGIN IMMEDIATE` transaction, so two processes cannot both see the
slot free. A row left by a dead process stays until `sfsync state unlock ID` deletes it.

PostgreSQL: the holder also takes a session-level advisory lock on a connection kept open for the
lock's life, and writes the row for display. If that process dies its session ends and the advisory
lock is freed; the next acquirer then takes over the stale row automatically. The advisory lock is
what excludes: deleting the row of a holder that is still connected does not let a second one in.
"""

from __future__ import annotations

import datetime as dt
import getpass
import hashlib
import os
import socket
import time
import uuid
from dataclasses import dataclass
from types import TracebackType

from sqlalchemy import Connection, Engine, select, text

from sfsync.errors import LockedError
from sfsync.store.backend import SQLITE_BEGIN
from sfsync.store.errors import StoreError
from sfsync.store.schema import lock
from sfsync.store.session import Session, utc_now

STORE_SCOPE = "store"
ROW_WAIT_SECONDS = 3.0


@dataclass(frozen=True)
class HolderInfo:
    """Who is asking for the lock."""

    host: str
    pid: int
    user: str

    @classmethod
    def current(cls) -> HolderInfo:
        try:
            user = getpass.getuser()
        except (KeyError, OSError):
            user = str(os.getuid())
        return cls(socket.gethostname(), os.getpid(), user)


@dataclass(frozen=True)
class LockHolder:
    id: str
    scope: str
    operation: str
    host: str
    pid: int
    user: str
    since: dt.datetime

    def describe(self) -> str:
        since = self.since.strftime("%Y-%m-%d %H:%M:%S UTC")
        return f"lock {self.id}: {self.operation} by {self.user}@{self.host} (pid {self.pid}) since {since}"


def _locked(holder: LockHolder | None) -> LockedError:
    if holder is None:
        return LockedError(
            "the store is locked by another session that has no lock row (it is starting, or its row was "
            "removed while it is still connected); try again later"
        )
    return LockedError(
        f"the store is locked ({holder.describe()}); if that process is gone, run `sfsync state unlock {holder.id}`"
    )


def _advisory_key(scope: str) -> int:
    return int.from_bytes(hashlib.sha256(f"sfsync-lock:{scope}".encode()).digest()[:8], "big", signed=True)


class Lock:
    """A held lock; release it by leaving its `with` block (or `release()`)."""

    def __init__(self, holder: LockHolder, conn: Connection | None, engine: Engine) -> None:
        self.holder = holder
        self._conn = conn  # PostgreSQL: the session holding the advisory lock
        self._engine = engine
        self._released = False

    def release(self) -> None:
        if self._released:
            return
        self._released = True
        if self._conn is None:
            with self._engine.connect() as conn, conn.begin():
                conn.execute(lock.delete().where(lock.c.id == self.holder.id))
            return
        try:
            with self._conn.begin():
                self._conn.execute(lock.delete().where(lock.c.id == self.holder.id))
                self._conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": _advisory_key(self.holder.scope)})
        finally:
            self._conn.close()

    def __enter__(self) -> Lock:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        self.release()


class LocksSection:
    def __init__(self, session: Session) -> None:
        self._session = session

    def acquire(self, operation: str, holder_info: HolderInfo | None = None, scope: str = STORE_SCOPE) -> Lock:
        """Take the store's lock or raise `LockedError` naming the holder.

        Take it before opening `Store.transaction()`: on SQLite a transaction already holds the write lock.
        """
        info = holder_info or HolderInfo.current()
        holder = LockHolder(str(uuid.uuid4()), scope, operation, info.host, info.pid, info.user, utc_now())
        if self._session.dialect == "postgresql":
            return self._acquire_advisory(holder)
        with self._session.engine.connect() as conn:
            conn.execution_options(**{SQLITE_BEGIN: "IMMEDIATE"})
            with conn.begin():
                current = _holder(conn, scope)
                if current is not None and not _dead_here(current):
                    raise _locked(current)
                if current is not None:  # its process is gone: a crash or a full disk kept it from releasing
                    conn.execute(lock.delete().where(lock.c.id == current.id))
                conn.execute(lock.insert().values(**holder.__dict__))
        return Lock(holder, None, self._session.engine)

    def _acquire_advisory(self, holder: LockHolder) -> Lock:
        conn = self._session.engine.connect()
        try:
            got = conn.scalar(text("SELECT pg_try_advisory_lock(:key)"), {"key": _advisory_key(holder.scope)})
            conn.commit()
            if not got:
                raise _locked(_recorded_holder(conn, holder.scope))
            with conn.begin():
                # The advisory lock was free, so any row left for this scope belongs to a dead session.
                conn.execute(lock.delete().where(lock.c.scope == holder.scope))
                conn.execute(lock.insert().values(**holder.__dict__))
        except BaseException:
            conn.close()  # closing the session also frees an advisory lock taken above
            raise
        return Lock(holder, conn, self._session.engine)

    def holders(self) -> list[LockHolder]:
        with self._session.read() as conn:
            return [LockHolder(**row) for row in conn.execute(select(lock).order_by(lock.c.since)).mappings()]

    def unlock(self, lock_id: str) -> LockHolder:
        """Delete a lock row by id (breaking a dead holder's lock); refuses an unknown id."""
        with self._session.write() as conn:
            row = conn.execute(select(lock).where(lock.c.id == lock_id)).mappings().first()
            if row is None:
                raise StoreError(f"no lock with id {lock_id}")
            conn.execute(lock.delete().where(lock.c.id == lock_id))
        return LockHolder(**row)


def _dead_here(holder: LockHolder) -> bool:
    """Whether the holder ran on this host and its process no longer exists (another host cannot tell)."""
    if holder.host != socket.gethostname() or holder.pid <= 0:
        return False
    try:
        os.kill(holder.pid, 0)  # signal 0 only asks whether the process exists
    except ProcessLookupError:
        return True
    except PermissionError:  # it exists, as another user's process
        return False
    return False


def _recorded_holder(conn: Connection, scope: str) -> LockHolder | None:
    """The holder's row; a winner that has just taken the advisory lock commits it moments later."""
    deadline = time.monotonic() + ROW_WAIT_SECONDS
    while True:
        holder = _holder(conn, scope)
        conn.commit()  # a fresh snapshot on the next read
        if holder is not None or time.monotonic() >= deadline:
            return holder
        time.sleep(0.05)


def _holder(conn: Connection, scope: str) -> LockHolder | None:
    row = conn.execute(select(lock).where(lock.c.scope == scope)).mappings().first()
    return LockHolder(**row) if row else None
