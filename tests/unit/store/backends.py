"""Store backends for tests: a SQLite file per test, and a throw-away PostgreSQL database per session.

PostgreSQL must be reachable on 127.0.0.1:5432 (trust auth); the fixture fails, never skips, unless
`SFSYNC_TEST_SKIP_POSTGRES=1` is set. Each test gets an empty `public` schema.
Import fixtures from here as `unit.store.backends` so the session database is created once.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from sfsync.store import Store, open_store

ADMIN_URL = os.environ.get("SFSYNC_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
SKIP_ENV = "SFSYNC_TEST_SKIP_POSTGRES"
BACKENDS = ["sqlite", "postgresql"]


def _database_url(name: str) -> str:
    return ADMIN_URL.rsplit("/", 1)[0] + "/" + name


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[str]:
    if os.environ.get(SKIP_ENV) == "1":
        pytest.skip(f"PostgreSQL backend skipped ({SKIP_ENV}=1)")
    try:
        admin = psycopg.connect(ADMIN_URL, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as error:
        pytest.fail(
            f"PostgreSQL is not reachable at {ADMIN_URL}: {error}\n"
            f"start it (bash .ci/ensure-postgres) or set {SKIP_ENV}=1 to skip that backend",
            pytrace=False,
        )
    name = f"sfsync_test_{uuid.uuid4().hex[:12]}"
    admin.execute(f'CREATE DATABASE "{name}"')
    # A throw-away database need not wait for its WAL to reach the disk; keeps the suite fast on busy machines.
    admin.execute(f'ALTER DATABASE "{name}" SET synchronous_commit = off')
    try:
        yield _database_url(name)
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def empty_postgres(url: str) -> str:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DROP SCHEMA public CASCADE")
        conn.execute("CREATE SCHEMA public")
    return url


@pytest.fixture(params=BACKENDS)
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty store's URL, on each backend in turn."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'state' / 'sfsync.db'}"
    return empty_postgres(request.getfixturevalue("postgres_database"))


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    opened = open_store(store_url)
    try:
        yield opened
    finally:
        opened.close()
