"""How far each declared source was read: one row per source, on both backends, kept across upgrades."""

from __future__ import annotations

from sqlalchemy import text

from sfsync.store import Store, open_store
from sfsync.store.migrations import MIGRATIONS
from sfsync.store.source_state import SourceState


def test_a_source_never_read_has_no_state(store: Store) -> None:
    assert store.sources.state("crm") is None


def test_a_read_is_recorded_and_replaced_by_the_next(store: Store) -> None:
    store.sources.record("crm", SourceState("d1", cursor='{"int": "2"}'))
    store.sources.record("exports", SourceState("d2", files={"exports/a.csv": "ab" * 32}))
    crm, exports = store.sources.state("crm"), store.sources.state("exports")
    assert crm is not None and (crm.definition, crm.cursor, dict(crm.files)) == ("d1", '{"int": "2"}', {})
    assert exports is not None and dict(exports.files) == {"exports/a.csv": "ab" * 32} and exports.cursor is None
    store.sources.record("crm", SourceState("d1", cursor='{"int": "5"}'))
    again = store.sources.state("crm")
    assert again is not None and again.cursor == '{"int": "5"}' and again.read_at is not None
    assert crm.read_at is not None and again.read_at >= crm.read_at


def test_an_older_store_gains_the_source_state_table(store: Store, store_url: str) -> None:
    with store.transaction() as conn:
        conn.execute(text("DROP TABLE source_state"))
        conn.execute(text("DELETE FROM schema_migrations WHERE version = 9"))
    with open_store(store_url) as upgraded:
        assert upgraded.schema_version() == max(m.version for m in MIGRATIONS) >= 9
        assert upgraded.sources.state("crm") is None
        upgraded.sources.record("crm", SourceState("d", cursor=None))
        recorded = upgraded.sources.state("crm")
        assert recorded is not None and (recorded.definition, recorded.cursor, dict(recorded.files)) == ("d", None, {})
