"""Set-based writes and reads: one statement per table for many rows, with the row-by-row outcome."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import Connection, event

from sfsync.catalogue import Kind
from sfsync.store import Store, backend, bulk
from sfsync.store.ledger import LedgerEntry
from sfsync.store.links import Link
from sfsync.store.mirror import MirrorRecord

T0 = dt.datetime(2025, 1, 1, 12, 0, tzinfo=dt.UTC)


def lead(number: int, stamp: int = 0) -> MirrorRecord:
    fields = {"Email": f"p{number}@example.com", "Title": "CTO"}
    when = T0 + dt.timedelta(seconds=stamp)
    return MirrorRecord("Lead", f"00Q{number:05}", fields, when, when)


class Statements:
    """Counts the statements the store sends while it is attached (an executemany counts once), and the
    `COPY`s into its tables (not into a staging table: the set statement that reads it counts)."""

    def __init__(self, store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
        self.sent: list[str] = []
        event.listen(store.session.engine, "before_cursor_execute", self._seen)
        self._engine = store.session.engine
        copy = backend.copy_rows

        def copied(conn: Connection, name: str, *args: Any) -> None:
            self.sent += [] if name.startswith("sfsync_staged_") else ["COPY"]
            copy(conn, name, *args)

        monkeypatch.setattr(backend, "copy_rows", copied)
        monkeypatch.setattr(bulk, "copy_rows", copied)

    def _seen(self, _conn: object, _cursor: object, statement: str, *_args: object) -> None:
        self.sent.append(statement.split()[0].upper())

    def writes(self) -> int:
        event.remove(self._engine, "before_cursor_execute", self._seen)
        return sum(1 for s in self.sent if s in ("INSERT", "UPDATE", "DELETE", "COPY"))


def test_many_rows_are_written_with_one_statement_per_table(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    records = [lead(n, stamp=n % 3) for n in range(1500)]
    entries = [LedgerEntry("Lead", r.sf_id, "Title", "CTO", T0, "run-1") for r in records]
    links = [Link(Kind.PERSON, f"p_{n}", "Lead", r.sf_id, True, T0) for n, r in enumerate(records)]
    counter = Statements(store, monkeypatch)
    with store.transaction():
        store.mirror.upsert(records)
        store.ledger.record(entries)
        store.links.add(links)
        entered = store.plays.enter("everyone", Kind.PERSON, [f"p_{n}" for n in range(1500)])
    # mirror, watermark, ledger, links, and play members in chunks of 1,000
    assert counter.writes() == 6
    assert len(entered) == 1500
    assert store.mirror.counts() == {"Lead": 1500}
    assert store.ledger.values("Lead", "00Q01499") == {"Title": "CTO"}
    mark = store.mirror.watermark("Lead")
    assert mark is not None and mark.system_modstamp == T0 + dt.timedelta(seconds=2)
    assert mark.ids_at_stamp == {r.sf_id for n, r in enumerate(records) if n % 3 == 2}


def test_the_last_of_several_rows_for_one_key_wins(store: Store) -> None:
    first = LedgerEntry("Lead", "00Q1", "Title", "CTO", T0)
    again = LedgerEntry("Lead", "00Q1", "Title", "CEO", T0)
    other = LedgerEntry("Lead", "00Q1", "Phone", "1", T0)
    store.ledger.record([first, other, again])
    assert store.ledger.values("Lead", "00Q1") == {"Title": "CEO", "Phone": "1"}
    store.mirror.upsert([lead(1), MirrorRecord("Lead", "00Q00001", {"Title": "CEO"}, None, None)])
    stored = store.mirror.get("Lead", "00Q00001")
    assert stored is not None and stored.fields == {"Title": "CEO"}


def test_links_and_mirror_read_for_many_keys_at_once(store: Store) -> None:
    store.mirror.upsert([lead(n) for n in range(1200)])
    store.links.add(
        [
            Link(Kind.PERSON, "p_1", "Lead", "00Q00001", False, T0),
            Link(Kind.PERSON, "p_1", "Contact", "003A", False, T0),
        ]
    )
    store.links.add([Link(Kind.PERSON, f"p_{n}", "Lead", f"00Q{n:05}", False, T0) for n in range(2, 1200)])
    by_person = store.links.for_records(Kind.PERSON, [f"p_{n}" for n in range(1300)])
    assert len(by_person) == 1199
    assert [link.object for link in by_person["p_1"]] == ["Contact", "Lead"]
    assert by_person["p_1"] == store.links.for_record(Kind.PERSON, "p_1")
    by_id = store.links.by_sf_ids("Lead", ["00Q00000", "00Q00001", "00Q01199", "00Q09999"])
    assert sorted(by_id) == ["00Q00001", "00Q01199"] and by_id["00Q01199"].workspace_id == "p_1199"
    found = store.mirror.get_many("Lead", [f"00Q{n:05}" for n in range(1100, 1300)])
    assert sorted(found) == [f"00Q{n:05}" for n in range(1100, 1200)]
    assert found["00Q01100"] == store.mirror.get("Lead", "00Q01100")
