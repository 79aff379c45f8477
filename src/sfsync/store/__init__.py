"""The sync state: workspace records and emails, the Salesforce mirror, links, ledger, intents, runs,
standing rejections, locks, the derivation caches of incremental plans and the read shapes, the pause of
writes and how far each declared source was read.

`open_store(url)` connects, applies pending migrations and returns a `Store` whose sections group the
API by concern (`store.workspace`, `store.mirror`, …). Values in and out are frozen dataclasses;
anything that grows with the number of records is read as an iterator. `Store.transaction()` makes a
group of writes atomic: the engine commits each write batch's outcome before sending the next.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Connection
from sqlalchemy.engine import URL

from sfsync.store.backend import DEFAULT_STORE_URL, build_engine, parse_store_url, redact
from sfsync.store.derivation_schema import ASIDE
from sfsync.store.derivations import DerivationsSection
from sfsync.store.describes import DescribesSection
from sfsync.store.emails import EmailsSection
from sfsync.store.errors import StoreError
from sfsync.store.intents import IntentsSection
from sfsync.store.ledger import LedgerSection
from sfsync.store.links import LinksSection
from sfsync.store.locks import LocksSection
from sfsync.store.matching import MatchingSection
from sfsync.store.meta import MetaSection
from sfsync.store.migrations import current_version, has_migrations, migrate
from sfsync.store.mirror import MirrorSection
from sfsync.store.pause import PauseSection
from sfsync.store.plan_key import PlanKeySection
from sfsync.store.plays import PlaysSection
from sfsync.store.read_shapes import ReadShapesSection
from sfsync.store.rejections import RejectionsSection
from sfsync.store.runs import RunsSection
from sfsync.store.session import Session
from sfsync.store.source_state import SourceStateSection
from sfsync.store.workspace import WorkspaceSection

__all__ = ["DEFAULT_STORE_URL", "Store", "StoreError", "open_store"]


class Store:
    """An open store. Not shared between threads; close it (or use it as a context manager) when done."""

    def __init__(self, session: Session, url: URL) -> None:
        self.url = url
        self._session = session
        self.workspace = WorkspaceSection(session)
        self.emails = EmailsSection(session)
        self.mirror = MirrorSection(session)
        self.links = LinksSection(session)
        self.ledger = LedgerSection(session)
        self.intents = IntentsSection(session)
        self.plays = PlaysSection(session)
        self.runs = RunsSection(session)
        self.meta = MetaSection(session)
        self.describes = DescribesSection(session)
        self.locks = LocksSection(session)
        self.matching = MatchingSection(session)
        self.rejections = RejectionsSection(session)
        self.plan_key = PlanKeySection(session)
        self.derivations = DerivationsSection(session)
        self.derivations_aside = DerivationsSection(session, ASIDE)  # a config not applied yet's
        self.read_shapes = ReadShapesSection(session)
        self.pause = PauseSection(session)
        self.sources = SourceStateSection(session)

    @property
    def session(self) -> Session:
        """The connection discipline behind the sections, for set-based reads written elsewhere."""
        return self._session

    @property
    def backend(self) -> str:
        return self._session.dialect

    @property
    def display_url(self) -> str:
        """The URL with any password hidden."""
        return redact(self.url)

    def schema_version(self) -> int:
        return current_version(self._session)

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """One atomic unit: every section call inside it joins it; commits on exit, rolls back on error."""
        with self._session.write() as conn:
            yield conn

    @contextmanager
    def speculative(self) -> Iterator[Connection]:
        """One unit of work that leaves the store as it was: every section call inside it joins one
        transaction, sees the writes made before it in that transaction, and all of it is rolled back
        on exit. Take the store lock first (on SQLite the transaction holds the write lock)."""
        with self._session.rolled_back() as conn:
            yield conn

    def close(self) -> None:
        self._session.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def open_store(url: str = DEFAULT_STORE_URL, *, create: bool = True) -> Store:
    """Open (migrating as needed) the store at `url`; with `create`, make it first when there is none.

    Without `create` (commands that only look at a store) a URL with no store behind it is refused, so a
    mistyped `--store` never leaves an empty store behind.
    """
    parsed = parse_store_url(url)
    if not create and not _sqlite_file_exists(parsed):
        raise StoreError(_no_store(parsed))
    if _sqlite_file_is_empty(parsed):  # SQLite would take it as a new database: a store lost, silently
        raise StoreError(
            f"cannot open the store {redact(parsed)}: the file is empty (0 bytes), as a full disk or a failed "
            "copy leaves it; restore it from a backup, or delete the file to start a new store"
        )
    engine = build_engine(parsed)
    session = Session(engine)
    try:
        if not create and not has_migrations(session):
            raise StoreError(_no_store(parsed).removeprefix("cannot open the "))
        migrate(session)
    except StoreError as error:
        engine.dispose()
        raise StoreError(f"cannot open the {error}") from error
    return Store(session, parsed)


def _sqlite_file_exists(url: URL) -> bool:
    """False only for a SQLite store whose file is missing (an in-memory one always exists)."""
    database = url.database
    if url.get_backend_name() != "sqlite" or not database or database == ":memory:":
        return True
    return Path(database).is_file()


def _sqlite_file_is_empty(url: URL) -> bool:
    database = url.database
    if url.get_backend_name() != "sqlite" or not database or database == ":memory:":
        return False
    path = Path(database)
    return path.is_file() and path.stat().st_size == 0


def _no_store(url: URL) -> str:
    return (
        f"cannot open the store {redact(url)}: there is no store there; check --store (or the config's "
        "`store:`): `sfsync workspace load`, `plan` and `apply` create one on first use"
    )
