"""One connection for a whole unit of work: streamed reads and writes interleave, and a speculative one
leaves nothing behind (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt

import pytest

from sfsync.catalogue import Kind
from sfsync.store import Store, StoreError
from sfsync.store.links import Link
from sfsync.store.workspace import RecordUpdate

T0 = dt.datetime(2025, 1, 1, 12, 0, tzinfo=dt.UTC)


def _people(count: int) -> list[RecordUpdate]:
    return [
        RecordUpdate(Kind.PERSON, n, None, f"p{n}@acme.example", {"email": f"p{n}@acme.example"}) for n in range(count)
    ]


def _link_each_while_streaming(store: Store) -> None:
    """Links written one statement per record while the workspace is still being streamed (yield_per)."""
    for number, record in enumerate(store.workspace.records(Kind.PERSON)):
        store.links.add([Link(Kind.PERSON, record.id, "Lead", f"00Q{number:015d}", False, T0)])


def test_streamed_reads_and_many_row_writes_share_one_transaction(store: Store) -> None:
    store.workspace.upsert(Kind.PERSON, _people(2_500))  # more than one yield_per batch
    with store.transaction():
        _link_each_while_streaming(store)
        store.links.add([Link(Kind.COMPANY, f"c_{n}", "Account", f"001{n:015d}", False, T0) for n in range(3)])
    counts = store.links.counts()
    assert counts == {(Kind.COMPANY, "Account"): 3, (Kind.PERSON, "Lead"): 2_500}


def test_a_speculative_unit_sees_its_own_writes_and_keeps_none(store: Store) -> None:
    store.workspace.upsert(Kind.PERSON, _people(3))
    serial = store.meta.version().serial
    with store.speculative():
        store.workspace.upsert(Kind.PERSON, _people(1_200))
        _link_each_while_streaming(store)
        assert store.workspace.count(Kind.PERSON) == 1_200
        assert store.links.counts() == {(Kind.PERSON, "Lead"): 1_200}
        assert store.meta.version().serial == serial + 1
    assert store.workspace.count(Kind.PERSON) == 3
    assert store.links.counts() == {}
    assert store.meta.version().serial == serial


def test_a_failed_speculative_unit_is_rolled_back_and_its_error_raised(store: Store) -> None:
    with pytest.raises(RuntimeError, match="planning failed"), store.speculative():
        store.workspace.upsert(Kind.PERSON, _people(2))
        raise RuntimeError("planning failed")
    assert store.workspace.count(Kind.PERSON) == 0
    store.workspace.upsert(Kind.PERSON, _people(1))  # the store is usable again
    assert store.workspace.count(Kind.PERSON) == 1


def test_a_speculative_unit_cannot_nest_in_a_transaction(store: Store) -> None:
    with store.transaction(), pytest.raises(StoreError, match="cannot run inside another transaction"):
        store.speculative().__enter__()


def test_no_streamed_read_sets_its_option_on_the_connection() -> None:
    """`conn.execution_options(yield_per=…)` changes the connection in place (SQLAlchemy 2): inside one
    transaction every later statement would stream, and PostgreSQL's next many-row insert fails."""
    import re
    from pathlib import Path

    import sfsync

    package = Path(sfsync.__file__).parent
    offenders = [
        f"{path.relative_to(package)}:{number}"
        for path in sorted(package.rglob("*.py"))
        for number, line in enumerate(path.read_text("utf-8").splitlines(), start=1)
        if re.search(r"conn\w*\.execution_options\([^)]*yield_per", line)
    ]
    assert offenders == []
