"""Versioned schema migrations, applied when a store is opened.

A migration is a numbered step; `schema_migrations` records the ones applied. All pending steps run
in one transaction that also serialises concurrent openers (an advisory transaction lock on
PostgreSQL, `BEGIN IMMEDIATE` on SQLite), so opening a store twice at once is safe and re-opening is a
no-op. The list is small and hand-written on purpose: the schema is a dozen tables.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Column, Connection, inspect, select, text
from sqlalchemy.schema import CreateColumn

from sfsync import __version__
from sfsync.store import derivation_schema, email_schema, schema
from sfsync.store.change_triggers import create_triggers, drop_triggers
from sfsync.store.errors import StoreError
from sfsync.store.pause import store_pause
from sfsync.store.read_shapes import read_shape
from sfsync.store.rekey import rekey
from sfsync.store.session import Session, utc_now
from sfsync.store.source_state import source_state

# Key of the PostgreSQL advisory lock taken while migrating ("sfsync-m" as an integer).
MIGRATION_LOCK_KEY = int.from_bytes(b"sfsync-m", "big") >> 1


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    apply: Callable[[Connection], None]


def _initial(conn: Connection) -> None:
    tables = [t for name, t in schema.metadata.tables.items() if name != "schema_migrations"]
    schema.metadata.create_all(conn, tables=tables)
    conn.execute(schema.state_meta.insert().values(id=1, lineage=str(uuid.uuid4()), serial=0))


def _standing_rejections(conn: Connection) -> None:
    """The standing terminal rejections (a brand-new store already has the table from `_initial`)."""
    if not inspect(conn).has_table("standing_rejection"):
        schema.standing_rejection.create(conn)


def _identity_columns(conn: Connection) -> None:
    """Record origins (`person.origin`, `company.origin`), a merge's master in the mirror and moved links.

    Records that exist before this step count as loaded (`origin` = `load`): a link another person
    holds stays ambiguous for them, never merged away. A new store already has the columns (step 1
    creates the current tables), so only the missing ones are added.
    """
    wanted = [
        schema.person.c.origin,
        schema.company.c.origin,
        schema.mirror.c.master_record_id,
        schema.link.c.written_before,
    ]
    inspector = inspect(conn)
    for column in wanted:
        present = {c["name"] for c in inspector.get_columns(column.table.name)}
        if column.name not in present:
            _add_column(conn, column)


def _add_column(conn: Connection, column: Column[Any]) -> None:
    definition = CreateColumn(column).compile(dialect=conn.dialect)
    conn.execute(text(f'ALTER TABLE "{column.table.name}" ADD COLUMN {definition}'))


def _plan_key(conn: Connection) -> None:
    """The key that seals this store's plans: 32 random bytes, made once, kept only here."""
    if not inspect(conn).has_table(schema.plan_key.name):  # a store made before the table existed
        schema.plan_key.create(conn)
    if conn.execute(select(schema.plan_key.c.id)).first() is None:
        conn.execute(schema.plan_key.insert().values(id=1, key=secrets.token_bytes(32), created_at=utc_now()))


def _change_tracking(conn: Connection) -> None:
    """The change log and derivation cache of incremental planning, and the triggers that fill the log.

    A brand-new store already has the tables from step 1; `migrate` makes the triggers once every pending
    step ran. The cache starts empty: the first plan after this step derives every record.
    """
    for table in derivation_schema.DERIVATION_TABLES:
        table.create(conn, checkfirst=True)


def _email_messages(conn: Connection) -> None:
    """The workspace's email messages (a brand-new store already has the table from step 1); `migrate`
    makes its change triggers with the others once every pending step ran."""
    email_schema.email_message.create(conn, checkfirst=True)


def _store_pause(conn: Connection) -> None:
    """Pausing writes for every runner of the store (`sfsync pause`); a new store has it from step 1."""
    store_pause.create(conn, checkfirst=True)


def _source_state(conn: Connection) -> None:
    """How far each declared source was read (`sources:`); a new store has it from step 1."""
    source_state.create(conn, checkfirst=True)


def _kept_reads(conn: Connection) -> None:
    """The read shapes and the derivation cache kept aside for a config not applied yet; a new store has
    them from step 1. `migrate` makes the change triggers again, which now log for either cache."""
    read_shape.create(conn, checkfirst=True)
    for table in derivation_schema.ASIDE_TABLES:
        table.create(conn, checkfirst=True)


CHANGE_TRACKING = 6

MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "initial schema", _initial),
    Migration(2, "standing rejections", _standing_rejections),
    Migration(3, "record origins, merge masters and followed links", _identity_columns),
    Migration(4, "match keys by IDNA 2008, email-validator and the Public Suffix List", rekey),
    Migration(5, "plan seal key", _plan_key),
    Migration(CHANGE_TRACKING, "change log and derivation cache for incremental plans", _change_tracking),
    Migration(7, "workspace email messages", _email_messages),
    Migration(8, "store pause", _store_pause),
    Migration(9, "declared sources' read state", _source_state),
    Migration(10, "read shapes and the derivation cache kept aside", _kept_reads),
)


def migrate(session: Session) -> list[int]:
    """Apply every pending migration; returns the versions applied now (empty when up to date)."""
    with session.write() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
        schema.schema_migrations.create(conn, checkfirst=True)
        done = set(conn.scalars(select(schema.schema_migrations.c.version)))
        known = max(m.version for m in MIGRATIONS)
        if done and max(done) > known:  # migrating "down" would lose what the newer sfsync keeps there
            raise StoreError(
                f"store: its schema is version {max(done)}, newer than this sfsync ({__version__}) knows "
                f"(version {known}); upgrade sfsync to the version that last wrote this store"
            )
        pending = [m for m in MIGRATIONS if m.version not in done]
        if pending and done:  # the change triggers name columns a pending step may alter: made again after
            drop_triggers(conn)
        applied = []
        for migration in pending:
            migration.apply(conn)
            conn.execute(
                schema.schema_migrations.insert().values(
                    version=migration.version, name=migration.name, applied_at=utc_now()
                )
            )
            applied.append(migration.version)
        if pending and CHANGE_TRACKING in done | set(applied):
            create_triggers(conn)
        if pending and CHANGE_TRACKING in done:  # what an earlier step rewrote was not logged: derive all
            for tables in derivation_schema.CACHES:
                conn.execute(tables.derivation_state.delete())
        return applied


def has_migrations(session: Session) -> bool:
    """Whether an sfsync store already lives here (its migrations table exists)."""
    with session.read() as conn:
        return inspect(conn).has_table(schema.schema_migrations.name)


def current_version(session: Session) -> int:
    with session.read() as conn:
        return max(conn.scalars(select(schema.schema_migrations.c.version)), default=0)
