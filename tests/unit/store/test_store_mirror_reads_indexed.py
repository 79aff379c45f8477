"""A chunk's mirror reads are answered through the key column's index, never by walking the object.

With `ORDER BY sf_id`, SQLite preferred walking the primary key (object, sf_id) through every row of
the object to skip a sort, so each chunk's read grew with the org (half of a plan of 1,000,000 people).
The statements planning sends are captured as they run and explained by SQLite itself: a step over
the mirror that does not look the keys up by the column's index fails the test, whatever the timing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, event

from sfsync.store import Store, open_store
from sfsync.store.mirror import MirrorRecord
from sfsync.store.subject_reads import SubjectReads
from sfsync.store.sync_views import mirror_fields

T0 = dt.datetime(2025, 1, 1, 12, 0, tzinfo=dt.UTC)


def seeded(tmp_path: Path) -> Store:
    store = open_store(f"sqlite:///{tmp_path / 'state.db'}")
    store.mirror.upsert(
        MirrorRecord("Lead", f"00Q{n:06d}", {"Id": f"00Q{n:06d}", "Email": f"p{n}@x{n % 50}.example"}, T0, T0)
        for n in range(2_000)
    )
    return store


@contextmanager
def mirror_statements(store: Store) -> Iterator[list[tuple[str, Any]]]:
    """Every statement reading the mirror that runs inside the block, with its parameters."""
    seen: list[tuple[str, Any]] = []
    engine = store.session.engine

    def note(_conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, _many: bool) -> None:
        if statement.lstrip().upper().startswith("SELECT") and " mirror" in statement:
            seen.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", note)


def walks(conn: Connection, statement: str, parameters: Any) -> list[str]:
    """SQLite's own account of how it runs the statement: its steps over the mirror that do not look
    `email_norm` up (a scan, or a search of the primary key by object alone)."""
    explained = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).all()
    steps = [str(row[-1]) for row in explained if " mirror " in f"{row[-1]} "]
    return [step for step in steps if not (step.startswith("SEARCH") and "email_norm=?" in step)]


def test_a_chunks_key_read_searches_the_index(tmp_path: Path) -> None:
    store = seeded(tmp_path)
    try:
        keys = [f"p{n}@x{n % 50}.example" for n in range(0, 2_000, 2)]  # a chunk's worth
        with mirror_statements(store) as seen:
            reads = SubjectReads(store.session)
            with store.session.read() as conn:
                reads.load_mirror(conn, "Lead", "email_norm", keys)
            assert [f["Id"] for f in reads.mirror_fields("Lead", "email_norm", keys[:1])] == ["00Q000000"]
            assert len(mirror_fields(store.session, "Lead", "email_norm", keys)) == len(keys)
        assert len(seen) >= 2  # the chunk's read and the record-by-record one
        with store.session.engine.connect() as conn:  # no ANALYZE: a store never runs it
            for statement, parameters in seen:
                assert walks(conn, statement, parameters) == [], statement
    finally:
        store.close()
