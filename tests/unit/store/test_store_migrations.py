from __future__ import annotations

import stat
from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from sfsync.store import Store, StoreError, open_store
from sfsync.store.backend import parse_store_url
from sfsync.store.change_triggers import drop_triggers
from sfsync.store.migrations import MIGRATIONS, migrate
from sfsync.store.schema import metadata


def test_an_empty_database_is_migrated_to_the_latest_version(store: Store) -> None:
    assert store.schema_version() == MIGRATIONS[-1].version
    tables = set(inspect(store._session.engine).get_table_names())
    assert tables == set(metadata.tables)


def test_migrated_columns_match_the_metadata(store: Store) -> None:
    inspector = inspect(store._session.engine)
    for name, table in metadata.tables.items():
        assert {c["name"] for c in inspector.get_columns(name)} == {c.name for c in table.columns}, name


def test_migrations_are_idempotent(store_url: str) -> None:
    first = open_store(store_url)
    lineage = first.meta.version().lineage
    assert migrate(first._session) == []
    first.close()
    with open_store(store_url) as second:
        assert second.meta.version().lineage == lineage
        with second._session.read() as conn:
            assert conn.scalar(text("SELECT count(*) FROM schema_migrations")) == len(MIGRATIONS)


def test_sqlite_store_file_and_directory_are_created_private(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "dir" / "sfsync.db"
    with open_store(f"sqlite:///{path}"):
        pass
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.parent.is_dir()


def test_sqlite_runs_in_wal_mode_with_foreign_keys(tmp_path: Path) -> None:
    with open_store(f"sqlite:///{tmp_path / 's.db'}") as store, store._session.read() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() > 0


@pytest.mark.parametrize("url", ["postgresql://u@h/db", "postgres://u@h/db"])
def test_postgresql_urls_use_psycopg_3(url: str) -> None:
    assert parse_store_url(url).drivername == "postgresql+psycopg"


@pytest.mark.parametrize("url", ["mysql://u@h/db", "not a url", "sqlite+pysqlcipher:///x.db"])
def test_other_urls_are_refused(url: str) -> None:
    with pytest.raises(StoreError):
        parse_store_url(url)


def test_an_unreachable_server_is_a_store_error_without_the_password() -> None:
    with pytest.raises(StoreError) as caught:
        open_store("postgresql://u:hunter2@127.0.0.1:1/db")
    assert "cannot open the store" in str(caught.value)
    assert "hunter2" not in str(caught.value)


def test_a_write_that_cannot_get_the_database_is_a_store_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import sqlite3

    from sfsync.catalogue import Kind
    from sfsync.store import backend

    monkeypatch.setattr(backend, "BUSY_TIMEOUT_MS", 50)
    path = tmp_path / "s.db"
    with open_store(f"sqlite:///{path}") as store:
        other = sqlite3.connect(path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        try:
            with pytest.raises(StoreError, match="database is locked"):
                store.meta.bump_serial()
        finally:
            other.execute("ROLLBACK")
            other.close()
        assert store.workspace.count(Kind.PERSON) == 0


def test_a_store_made_before_origins_gets_them_and_its_records_count_as_loaded(store_url: str) -> None:
    from sfsync.catalogue import Kind
    from sfsync.store.workspace import Origin, RecordUpdate

    with open_store(store_url) as old:
        old.workspace.upsert(Kind.PERSON, [RecordUpdate(Kind.PERSON, 2, None, "ada@x.com", {"email": "ada@x.com"})])
        with old.transaction() as conn:  # back to the tables as they were before step 3
            drop_triggers(conn)  # they name the columns dropped here
            for table, column in (("person", "origin"), ("company", "origin"), ("mirror", "master_record_id")):
                conn.execute(text(f'ALTER TABLE "{table}" DROP COLUMN "{column}"'))
            conn.execute(text('ALTER TABLE "link" DROP COLUMN "written_before"'))
            conn.execute(text("DELETE FROM schema_migrations WHERE version = 3"))
    with open_store(store_url) as upgraded:
        assert upgraded.schema_version() == MIGRATIONS[-1].version
        record = upgraded.workspace.find(Kind.PERSON, "ada@x.com")
        assert record is not None and record.origin is Origin.LOAD
        columns = {c["name"] for c in inspect(upgraded.session.engine).get_columns("link")}
        assert "written_before" in columns


def test_every_store_gets_its_own_plan_key_once(store_url: str, tmp_path: Path) -> None:
    with open_store(store_url) as first:
        key = first.plan_key.key()
    assert len(key) == 32
    with open_store(store_url) as again:
        assert again.plan_key.key() == key  # made once, kept
    with open_store(f"sqlite:///{tmp_path / 'other.db'}") as other:
        assert other.plan_key.key() != key


def test_a_store_made_before_plan_seals_gets_a_key_when_opened(store_url: str) -> None:
    with open_store(store_url) as store, store._session.write() as conn:
        conn.execute(text("DROP TABLE plan_key"))
        conn.execute(text("DELETE FROM schema_migrations WHERE version = 5"))
    with open_store(store_url) as upgraded:
        assert len(upgraded.plan_key.key()) == 32
        assert upgraded.schema_version() == MIGRATIONS[-1].version


def test_a_store_of_a_newer_schema_is_refused_with_both_versions(store_url: str) -> None:
    with open_store(store_url) as store, store.transaction() as conn:
        conn.execute(
            text("INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'future', CURRENT_TIMESTAMP)")
        )
    latest = max(m.version for m in MIGRATIONS)
    with pytest.raises(StoreError, match=f"schema is version 999, newer than .* knows \\(version {latest}\\)"):
        open_store(store_url)


def test_an_empty_store_file_is_refused_and_left_as_it_is(tmp_path: Path) -> None:
    path = tmp_path / "sfsync.db"
    path.touch()
    for create in (True, False):
        with pytest.raises(StoreError, match=r"the file is empty \(0 bytes\)"):
            open_store(f"sqlite:///{path}", create=create)
    assert path.stat().st_size == 0
