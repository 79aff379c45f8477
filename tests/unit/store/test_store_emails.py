"""The store's emails section and migration 7, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import inspect, select, text

from sfsync.catalogue import Direction, Kind
from sfsync.store import Store, open_store
from sfsync.store.change_triggers import drop_triggers
from sfsync.store.derivation_schema import change_log, derivation_state
from sfsync.store.emails import EmailRow, derived_email_id
from sfsync.store.migrations import MIGRATIONS
from sfsync.store.workspace import RecordUpdate

SENT = dt.datetime(2026, 3, 1, 9, 30, tzinfo=dt.UTC)


def _person(store: Store, email: str) -> str:
    store.workspace.upsert(Kind.PERSON, [RecordUpdate(Kind.PERSON, 2, None, email, {"email": email})])
    record = store.workspace.find(Kind.PERSON, email)
    assert record is not None
    return record.id


def _row(line: int, message_id: str, person: str = "ada@x.example", subject: str = "Hi") -> EmailRow:
    return EmailRow(line, message_id, Direction.OUTBOUND, SENT, person, subject=subject, to_addresses=("a@b.example",))


def test_a_store_made_before_emails_gets_the_table_and_its_change_triggers(store_url: str) -> None:
    with open_store(store_url) as old, old.transaction() as conn:  # back to the store as it was before step 7
        drop_triggers(conn)
        conn.execute(text('DROP TABLE "email_message"'))
        conn.execute(text("DELETE FROM schema_migrations WHERE version = 7"))
    with open_store(store_url) as upgraded:
        assert upgraded.schema_version() == MIGRATIONS[-1].version  # step 7 ran again, later steps kept
        assert inspect(upgraded.session.engine).has_table("email_message")
        person_id = _person(upgraded, "ada@x.example")
        with upgraded.transaction() as conn:  # a derivation cache exists: changes are logged from now on
            conn.execute(derivation_state.insert().values(id=1, seq=0, digest="test"))
        assert upgraded.emails.add([_row(2, "<m.1@x.example>")]).added == 1
        with upgraded.session.read() as conn:
            tokens = set(conn.scalars(select(change_log.c.token)))
        assert f"w|email|person_id|{person_id}" in tokens


def test_a_batch_adds_new_emails_once_and_refuses_unknown_people(store: Store) -> None:
    person_id = _person(store, "ada@x.example")
    serial = store.meta.version().serial
    outcome = store.emails.add([_row(2, "<m.1@x.example>"), _row(3, "<m.2@x.example>", person="zed@x.example")])
    assert (outcome.added, outcome.unchanged, outcome.kept) == (1, 0, ())
    assert outcome.refused[0][0] == 3 and "zed@x.example is not in the workspace" in outcome.refused[0][1]
    assert store.meta.version().serial == serial + 1  # the workspace changed
    email = store.emails.get("<m.1@x.example>")
    assert email is not None and email.id == derived_email_id("<m.1@x.example>") and email.person_id == person_id
    assert store.emails.count() == 1
    again = store.emails.add([_row(4, "<m.1@x.example>"), _row(5, "<m.1@x.example>", subject="Other")])
    assert (again.added, again.unchanged, [line for line, _ in again.kept]) == (0, 1, [5])
    assert store.meta.version().serial == serial + 1
    assert [e.subject for e in store.emails.records()] == ["Hi"]


def test_a_merged_person_hands_their_emails_to_the_person_they_merge_into(store: Store) -> None:
    ada = _person(store, "ada@x.example")
    into = _person(store, "lovelace@x.example")
    store.emails.add([_row(2, "<m.1@x.example>"), _row(3, "<m.2@x.example>")])
    assert store.emails.move_person(ada, into) == 2 and store.emails.for_person(ada) == []
    assert [e.message_id for e in store.emails.for_person(into)] == ["<m.1@x.example>", "<m.2@x.example>"]


def test_unwritten_emails_are_counted_per_person_and_read_by_person_then_time_sent(store: Store) -> None:
    ada, bob = _person(store, "ada@x.example"), _person(store, "bob@x.example")
    rows = [
        EmailRow(n + 2, f"<m.{n}@x.example>", Direction.OUTBOUND, SENT - dt.timedelta(hours=n), person)
        for n, person in enumerate(["ada@x.example"] * 3 + ["bob@x.example"] * 2)
    ]
    store.emails.add(rows)
    ids = [derived_email_id(f"<m.{n}@x.example>") for n in range(5)]
    store.emails.record_written(ids[0], "EmailMessage", "02s000000000001AAA")
    assert store.emails.unwritten_counts() == {ada: 2, bob: 2}
    found = [(e.person_id, e.id) for e in store.emails.unwritten_of([bob, ada, "nobody"])]
    expected = sorted([(ada, ids[2]), (ada, ids[1]), (bob, ids[4]), (bob, ids[3])], key=lambda p: p[0])
    assert found == expected  # by person, then the earliest sent first; the written one left out
    assert [e.id for e in store.emails.unwritten_of([bob])] == [ids[4], ids[3]]
    for email_id in ids[1:]:
        store.emails.record_written(email_id, "EmailMessage", f"02s00000000000{email_id[-1]}AAA")
    assert store.emails.unwritten_counts() == {} and store.emails.unwritten_of([ada, bob]) == []
