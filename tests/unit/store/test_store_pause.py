"""The store's pause: one state for every runner of the store, on both backends, and kept across upgrades."""

from __future__ import annotations

from sqlalchemy import text

from sfsync.store import Store, open_store
from sfsync.store.migrations import MIGRATIONS


def test_a_store_starts_unpaused(store: Store) -> None:
    assert store.pause.state() is None
    assert store.pause.paused() is None


def test_pause_then_resume_records_who_and_when(store: Store) -> None:
    paused = store.pause.pause("alice", "quarter-end freeze")
    assert store.pause.paused() == paused
    assert store.pause.state() is not None and store.pause.state().reason == "quarter-end freeze"
    assert store.pause.paused().describe().startswith("paused by alice at ")  # type: ignore[union-attr]
    resumed = store.pause.resume("bob")
    assert store.pause.paused() is None
    state = store.pause.state()
    assert state == resumed and state.by == "bob" and not state.paused and state.at >= paused.at


def test_a_second_opener_sees_the_pause(store: Store, store_url: str) -> None:
    with open_store(store_url) as other:
        other.pause.pause("ci-runner")
    paused = store.pause.paused()
    assert paused is not None and paused.by == "ci-runner"


def test_an_older_store_gains_the_pause_table(store: Store, store_url: str) -> None:
    with store.transaction() as conn:
        conn.execute(text("DROP TABLE store_pause"))
        conn.execute(text("DELETE FROM schema_migrations WHERE version = 8"))
    with open_store(store_url) as upgraded:
        assert upgraded.schema_version() == max(m.version for m in MIGRATIONS) >= 8
        assert upgraded.pause.state() is None
        upgraded.pause.pause("alice")
        assert upgraded.pause.paused() is not None
