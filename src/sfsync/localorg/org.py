"""The org: its SQLite database, catalogue, users, API usage and per-endpoint call counters.

One connection per thread (the server is threaded); WAL lets queries read while one writer holds
`write_lock`. Every write goes through the DML service (`org.dml`), which takes that lock.
"""

from __future__ import annotations

import itertools
import sqlite3
import threading
import time
from collections import Counter
from collections.abc import Iterable
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from sfsync.errors import UsageError
from sfsync.localorg.catalog import Catalog
from sfsync.localorg.dml import Dml
from sfsync.localorg.duplicates import checked_rules
from sfsync.localorg.ids import make_id
from sfsync.localorg.objects import org_catalog
from sfsync.localorg.permissions import User, UserAccess
from sfsync.localorg.record_types import check_profiles
from sfsync.localorg.seed import ConnectedApp, Seed

if TYPE_CHECKING:
    from sfsync.localorg.soql import QueryService


class TraceEntry(NamedTuple):
    """One record read or written: `kind` read|write, `record_id` "*" for a read of every record (a Bulk query)."""

    at: float
    kind: str
    user: str
    sobject: str
    record_id: str
    fields: tuple[str, ...]


class Org:
    """Everything the handlers share. Created once per server; `reset()` restores the seeded state."""

    def __init__(self, data_dir: Path, seed: Seed) -> None:
        self.data_dir = data_dir
        self.built_at = time.time()
        self.seed = seed
        self.catalog: Catalog = org_catalog(seed.custom_fields)
        check_profiles(self.catalog, seed.profiles)
        self.db_path = data_dir / "org.db"
        self.write_lock = threading.RLock()
        self._local = threading.local()
        self._numbers = itertools.count(1)
        self._id_lock = threading.Lock()
        self._stats_lock = threading.Lock()
        self.calls: Counter[str] = Counter()
        self.trace: list[TraceEntry] | None = None
        self.api_usage = 0
        self.api_limit = seed.api_limit
        self.session_lifetime = seed.session_lifetime_seconds
        self.trusted_ip_ranges = seed.trusted_ip_ranges
        self.enhanced_email = seed.enhanced_email
        try:
            self.duplicate_rules = checked_rules(self.catalog, seed.duplicate_rules)
        except ValueError as error:
            raise UsageError(f"invalid seed: {error}") from error
        self.users: dict[str, User] = {}
        self.connected_apps: dict[str, ConnectedApp] = {a.consumer_key: a for a in seed.connected_apps}
        self.passwords: dict[str, tuple[str, str]] = {}
        self._access: dict[str, UserAccess] = {}
        self.dml = Dml(self)

    @cached_property
    def queries(self) -> QueryService:
        from sfsync.localorg.soql import QueryService  # imported late: the query engine is heavy to load

        return QueryService(self.connect, self.catalog)

    def connect(self) -> sqlite3.Connection:
        """This thread's connection (autocommit mode: transactions are explicit)."""
        connection: sqlite3.Connection | None = getattr(self._local, "connection", None)
        if connection is None:
            connection = sqlite3.connect(self.db_path, isolation_level=None, check_same_thread=False, timeout=30)
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=NORMAL")
            connection.execute("PRAGMA cache_size=-65536")
            self._local.connection = connection
        return connection

    def new_id(self, sobject: str) -> str:
        spec = self.catalog.get(sobject)
        prefix = spec.key_prefix if spec else "000"
        with self._id_lock:
            return make_id(prefix, next(self._numbers))

    def user(self, user_id: str) -> User | None:
        return self.users.get(user_id)

    def user_named(self, username: str) -> User | None:
        lowered = username.lower()
        return next((u for u in self.users.values() if u.username.lower() == lowered), None)

    @property
    def integration_user(self) -> User:
        user = self.user_named(self.seed.integration_user.username)
        assert user is not None  # the seed's first user always exists after seeding
        return user

    def access_for(self, user: User) -> UserAccess:
        access = self._access.get(user.id)
        if access is None or access.user is not user:
            access = self._access[user.id] = UserAccess(user, self.catalog)
        return access

    def note(self, kind: str, user: str, sobject: str, ids: Iterable[str], fields: Iterable[str] = ()) -> None:
        """Record who read or wrote which records when, while the control API has the trace on."""
        if self.trace is None:
            return
        now, names = time.time(), tuple(sorted(fields))
        with self._stats_lock:
            self.trace.extend(TraceEntry(now, kind, user, sobject, record_id, names) for record_id in ids)

    def count_call(self, endpoint: str, *, api: bool) -> None:
        with self._stats_lock:
            self.calls[endpoint] += 1
            if api:
                self.api_usage += 1

    def limit_reached(self) -> bool:
        return self.api_usage >= self.api_limit

    def reset_stats(self) -> None:
        with self._stats_lock:
            self.calls.clear()
            self.api_usage = 0
