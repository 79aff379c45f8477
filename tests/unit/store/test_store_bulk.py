"""Set-based writes and reads: one statement per table for many rows, with the row-by-row outcome."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import Connection, event

from sfsync.catalogue import Kind
from sfsync.store import Store, StoreError, backend, bulk
from sfsync.store.intents import IntentState, Opening, Resolution
from sfsync.store.ledger import LedgerEntry
from sfsync.store.links import Link
from sfsync.store.mirror import MirrorRecord
from sfsync.store.rejections import StandingRejection, Watched
from sfsync.store.runs import Outcome, RowResult
from unit.store.row_by_row import clear, dump, row_by_row

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


VALUES: list[object] = ["CTO", None, 3, 2.5, True, ["a", "b"], {"k": "ü"}, "", "nul \x00 and \ufffe kept"]


def _bookkeeping(store: Store, size: int) -> None:
    """A chunk's bookkeeping, with what makes it hard: repeated keys, empty and structured values, a
    record mirrored twice, intents resolved twice, rejections cleared that never stood."""
    started = store.runs.start("apply")
    records = [lead(n, stamp=n % 4) for n in range(size)]
    records += [MirrorRecord("Lead", "00Q00001", {"Email": "Zoë@Bücher.de", "IsConverted": True}, None, None)]
    entries = [
        LedgerEntry("Lead", r.sf_id, "Title", VALUES[n % len(VALUES)], T0, started.id) for n, r in enumerate(records)
    ]
    entries += [LedgerEntry("Lead", "00Q00002", "Title", "again", T0, None)]
    links = [Link(Kind.PERSON, f"p_{n}", "Lead", f"00Q{n:05}", n % 2 == 0, T0, started.id) for n in range(size)]
    outcomes = list(Outcome)
    results = [
        RowResult(started.id, "Lead", "create", outcomes[n % len(outcomes)], f"00Q{n:05}" if n % 3 else None,
                  "person", f"p_{n}", "CODE" if n % 5 == 0 else None, "why" if n % 2 else None,
                  ("Email", "Title")[: n % 3])
        for n in range(size)
    ]  # fmt: skip
    with store.transaction():
        store.mirror.upsert(records)
        store.ledger.record(entries)
        store.links.add(links)
        store.runs.record(results)
        opened = store.intents.open_many([Opening(Kind.PERSON, f"p_{n}", "Lead", f"d{n}") for n in range(size)], "r")
        states = list(IntentState)
        resolutions = [Resolution(i.id, states[n % len(states)], f"00Q{n:05}") for n, i in enumerate(opened[::2])]
        store.intents.resolve_many([*resolutions, Resolution(opened[0].id, IntentState.FAILED)])
        standing = [
            StandingRejection(Kind.PERSON, f"p_{n}", "Lead", None, "CODE", "no", "digest",
                              (Watched("Lead", "00Q1", T0),), T0, T0, started.id)
            for n in range(0, size, 2)
        ]  # fmt: skip
        store.rejections.record(standing)
        store.rejections.clear([("person", f"p_{n}", "Lead") for n in range(0, size, 4)] + [("person", "p_x", "Lead")])
    store.runs.finish(started.id, "succeeded", {"written": size})


@pytest.mark.parametrize("size", [3, bulk.COPY_MIN_ROWS + 7], ids=["executemany", "copy"])
def test_set_based_writes_record_what_row_by_row_writes_did(
    store: Store, monkeypatch: pytest.MonkeyPatch, size: int
) -> None:
    row_by_row(monkeypatch)
    _bookkeeping(store, size)
    expected = dump(store)
    monkeypatch.undo()
    clear(store)
    _bookkeeping(store, size)
    assert dump(store) == expected
    assert len(expected["link"]) == size and len(expected["row_result"]) == size
    states = {row["payload_digest"]: row["state"] for row in expected["intent"]}
    assert states["d0"] == "failed" and states["d1"] == "pending" and states["d2"] == "created"  # the last wins
    ledger = {row["sf_id"]: row["value"] for row in expected["ledger"]}
    assert ledger["00Q00001"] == VALUES[size % len(VALUES)] and ledger["00Q00002"] == "again"  # the last written
    assert expected["mirror"][1]["email_norm"] == "zoë@xn--bcher-kva.de"


def test_resolving_an_intent_that_does_not_exist_is_refused_and_nothing_is_resolved(store: Store) -> None:
    (first,) = store.intents.open_many([Opening(Kind.PERSON, "p_1", "Lead", "d")])
    with pytest.raises(StoreError, match="no create intent nope"):
        store.intents.resolve_many(
            [Resolution(first.id, IntentState.CREATED, "00Q1"), Resolution("nope", IntentState.FAILED)]
        )
    assert store.intents.get(first.id) == first


def test_a_duplicate_link_in_one_batch_is_refused_on_either_path(store: Store) -> None:
    for size in (2, bulk.COPY_MIN_ROWS + 1):
        links = [Link(Kind.PERSON, f"p_{n}", "Lead", f"00Q{n:05}", False, T0) for n in range(size - 1)]
        links.append(Link(Kind.PERSON, "p_other", "Lead", "00Q00000", False, T0))  # a record linked twice
        with pytest.raises(StoreError, match="already linked"):
            store.links.add(links)
        assert store.links.counts() == {}


@pytest.mark.parametrize("count", [3, 1500])  # an executemany, and PostgreSQL's COPY
def test_driver_values_are_inserted_as_they_are_in_any_column_order(store: Store, count: int) -> None:
    table = store.derivations.tables.derivation
    names = ("output", "workspace_id", "cluster", "kind")
    rows = [(f'{{"n": {n}}}' if n % 2 else None, f"p_{n:04}", None, "person") for n in range(count)]
    with store.session.write() as conn:
        bulk.insert_values(conn, table, names, rows)
    with store.session.read() as conn:
        found = {r.workspace_id: (r.kind, r.output) for r in conn.execute(table.select())}
    assert len(found) == count
    assert found["p_0001"] == ("person", {"n": 1})
    assert found["p_0002"] == ("person", None)
