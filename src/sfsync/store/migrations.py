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

from sqlalchemy import Connection, inspect, select, text

from sfsync.store import schema
from sfsync.store.session import Session, utc_now

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


def _plan_key(conn: Connection) -> None:
    """The key that seals this store's plans: 32 random bytes, made once, kept only here."""
    if not inspect(conn).has_table(schema.plan_key.name):  # a store made before the table existed
        schema.plan_key.create(conn)
    if conn.execute(select(schema.plan_key.c.id)).first() is None:
        conn.execute(schema.plan_key.insert().values(id=1, key=secrets.token_bytes(32), created_at=utc_now()))


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "initial schema", _initial),
    Migration(5, "plan seal key", _plan_key),
)


def migrate(session: Session) -> list[int]:
    """Apply every pending migration; returns the versions applied now (empty when up to date)."""
    with session.write() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
        schema.schema_migrations.create(conn, checkfirst=True)
        done = set(conn.scalars(select(schema.schema_migrations.c.version)))
        applied = []
        for migration in MIGRATIONS:
            if migration.version in done:
                continue
            migration.apply(conn)
            conn.execute(
                schema.schema_migrations.insert().values(
                    version=migration.version, name=migration.name, applied_at=utc_now()
                )
            )
            applied.append(migration.version)
        return applied


def current_version(session: Session) -> int:
    with session.read() as conn:
        return max(conn.scalars(select(schema.schema_migrations.c.version)), default=0)
