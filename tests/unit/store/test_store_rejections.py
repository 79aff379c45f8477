"""Standing rejections: recorded, replaced, cleared; a version-1 store gains the table on opening."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import inspect, text

from sfsync.catalogue import Kind
from sfsync.store import Store, open_store
from sfsync.store.migrations import MIGRATIONS
from sfsync.store.rejections import StandingRejection, Watched

AT = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)


def _rejection(code: str = "DUPLICATES_DETECTED", workspace_id: str = "p_1") -> StandingRejection:
    watched = (Watched("Lead", "00Q000000000001AAA", AT), Watched("Contact", "003000000000001AAA"))
    return StandingRejection(Kind.PERSON, workspace_id, "Lead", None, code, "Use one of these records?", "d" * 64,
                             watched, AT, AT, "run-1")  # fmt: skip


def test_a_rejection_is_recorded_replaced_and_cleared(store: Store) -> None:
    store.rejections.record([_rejection(), _rejection(workspace_id="p_2")])
    assert store.rejections.all()[("person", "p_1", "Lead")] == _rejection()
    store.rejections.record([_rejection("STRING_TOO_LONG")])
    assert store.rejections.all()[("person", "p_1", "Lead")].error_code == "STRING_TOO_LONG"
    store.rejections.clear([("person", "p_1", "Lead"), ("person", "p_9", "Lead")])
    assert list(store.rejections.all()) == [("person", "p_2", "Lead")]


def test_a_store_of_version_1_gains_the_table(store_url: str) -> None:
    with open_store(store_url) as first, first.transaction() as conn:
        conn.execute(text("DROP TABLE standing_rejection"))
        conn.execute(text("DELETE FROM schema_migrations WHERE version = 2"))
    with open_store(store_url) as again:
        assert again.schema_version() == MIGRATIONS[-1].version
        assert inspect(again.session.engine).has_table("standing_rejection")
        again.rejections.record([_rejection()])
        assert list(again.rejections.all()) == [("person", "p_1", "Lead")]
