"""`workspace load --object email` into a real store, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from sfsync.catalogue import Direction, Kind
from sfsync.errors import UsageError
from sfsync.store import Store
from sfsync.store.loader import LoadSummary, Rejection, load_emails, load_workspace

DATA = Path(__file__).parents[2] / "data" / "workspace"


def load(store: Store, path: Path, batch_size: int = 1000) -> tuple[LoadSummary, list[Rejection]]:
    rejections: list[Rejection] = []
    return load_emails(store, path, rejections.append, batch_size), rejections


@pytest.fixture
def people(store: Store) -> Store:
    load_workspace(store, DATA / "people-good.csv", Kind.PERSON, lambda r: pytest.fail(str(r)))
    return store


def test_a_good_csv_loads_every_email_with_typed_normalised_values(people: Store) -> None:
    summary, rejections = load(people, DATA / "emails-good.csv")
    assert rejections == []
    assert summary == LoadSummary(loaded=2)
    ada = people.workspace.find(Kind.PERSON, "ada.lovelace@analytical.example")
    assert ada is not None
    intro = people.emails.get("<Intro.1@mail.analytical.example>")  # the local part kept, the domain lower-cased
    assert intro is not None
    assert intro.person_id == ada.id and intro.direction is Direction.OUTBOUND and not intro.incoming
    assert intro.sent_at == dt.datetime(2026, 3, 1, 8, 30, tzinfo=dt.UTC)
    assert intro.to_addresses == ("ada.lovelace@analytical.example", "babbage@analytical.example")
    assert intro.cc_addresses == ("boss@team.example",)
    assert (intro.subject, intro.html_body, intro.text_body) == ("Engines", "<p>Hello Ada</p>", "Hello Ada")
    assert intro.thread_id == "thread-1" and intro.from_address == "sales@team.example"
    assert intro.attributes == {"Campaign": "spring"}
    reply = people.emails.get("<reply.1@mail.analytical.example>")  # brackets added to a bare id
    assert reply is not None and reply.incoming and reply.text_body == "Thanks,\nsee you"
    assert reply.attributes == {}
    assert [e.message_id for e in people.emails.for_person(ada.id)] == [intro.message_id, reply.message_id]


def test_loading_the_same_file_again_adds_nothing(people: Store) -> None:
    load(people, DATA / "emails-good.csv")
    before = list(people.emails.records())
    serial = people.meta.version().serial
    summary, rejections = load(people, DATA / "emails-good.csv")
    assert (summary, rejections) == (LoadSummary(unchanged=2), [])
    assert list(people.emails.records()) == before
    assert people.meta.version().serial == serial  # nothing changed: a saved plan stays current


def test_every_bad_row_is_reported_by_line_and_the_good_ones_load(people: Store) -> None:
    summary, rejections = load(people, DATA / "emails-bad.csv", batch_size=3)
    assert summary == LoadSummary(loaded=2, rejected=8)
    assert all(r.severity == "error" for r in rejections)
    reasons = {r.line: r.reason for r in rejections}
    assert sorted(reasons) == [2, 4, 5, 6, 7, 8, 9, 10]
    assert reasons[2] == "missing message_id"
    assert reasons[4].startswith("bad message id: not a message id: 'no-at-sign'")
    assert reasons[5].startswith("bad direction 'sideways' (expected outbound or inbound)")
    assert "has no timezone" in reasons[6]
    assert reasons[7].startswith("bad date and time 'yesterday'")
    assert reasons[8].startswith("person nobody@analytical.example is not in the workspace")
    assert reasons[9].startswith("bad email address") and "'to'" in reasons[9]
    assert reasons[10] == "missing person"
    assert {e.message_id for e in people.emails.records()} == {"<ok.1@m.example>", "<ok.3@m.example>"}


def test_jsonl_takes_address_lists_and_attributes(people: Store) -> None:
    summary, rejections = load(people, DATA / "emails.jsonl")
    assert summary == LoadSummary(loaded=1, rejected=3)
    reasons = {r.line: r.reason for r in rejections}
    assert "has no timezone" in reasons[2]
    assert reasons[3] == "missing message_id"
    assert reasons[4].startswith("expected a list of email addresses")
    email = people.emails.get("<j.1@mail.example>")
    assert email is not None
    assert email.to_addresses == ("ada.lovelace@analytical.example", "b@c.example") and email.cc_addresses == ()
    assert email.attributes == {"campaign": "summer", "opens": 3}


def test_a_changed_row_for_a_loaded_message_id_is_reported_and_the_first_kept(people: Store, tmp_path: Path) -> None:
    load(people, DATA / "emails-good.csv")
    changed = tmp_path / "changed.csv"
    changed.write_text(
        "message_id,direction,sent_at,person,subject\n"
        "<Intro.1@mail.analytical.example>,outbound,2026-03-01T09:30:00+01:00,ada.lovelace@analytical.example,Edit\n"
        "new.1@m.example,outbound,2026-03-01T09:30:00+01:00,ada.lovelace@analytical.example,New\n"
        "new.1@m.example,outbound,2026-03-01T09:30:00+01:00,ada.lovelace@analytical.example,Newer\n",
        encoding="utf-8",
    )
    summary, rejections = load(people, changed)
    assert summary == LoadSummary(loaded=1, kept=2)
    assert [(r.line, r.severity) for r in rejections] == [(2, "warning"), (4, "warning")]
    assert "already loaded with other values" in rejections[0].reason
    intro = people.emails.get("<Intro.1@mail.analytical.example>")
    assert intro is not None and intro.subject == "Engines"
    new = people.emails.get("<new.1@m.example>")
    assert new is not None and new.subject == "New"
    assert str(summary) == "loaded 1, updated 0, unchanged 0, rejected 0, 2 changed emails (the first loaded kept)"


def test_the_same_instant_in_another_offset_is_the_same_email(people: Store, tmp_path: Path) -> None:
    load(people, DATA / "emails-good.csv")
    again = tmp_path / "utc.csv"
    again.write_text(
        "Message ID,Thread ID,Direction,From,To,CC,Subject,HTML Body,Text Body,Sent At,Person,Campaign\n"
        "<Intro.1@mail.analytical.example>,thread-1,outbound,sales@team.example,"
        "ada.lovelace@analytical.example;babbage@analytical.example,boss@team.example,Engines,<p>Hello Ada</p>,"
        "Hello Ada,2026-03-01T08:30:00Z,ada.lovelace@analytical.example,spring\n",
        encoding="utf-8",
    )
    assert load(people, again) == (LoadSummary(unchanged=1), [])


def test_a_header_without_the_required_columns_is_refused_whole(people: Store, tmp_path: Path) -> None:
    path = tmp_path / "emails.csv"
    path.write_text("Subject,To,to\nHi,a@b.example,c@d.example\n", encoding="utf-8")
    with pytest.raises(UsageError) as raised:
        load(people, path)
    message = str(raised.value)
    assert f"{path}:1: columns 'To' and 'to' both name email.to_addresses" in message
    assert f"{path}:1: no message_id, direction, sent_at, person columns" in message
    assert people.emails.count() == 0


def test_written_emails_keep_their_first_salesforce_record(people: Store) -> None:
    load(people, DATA / "emails-good.csv")
    email = people.emails.get("<reply.1@mail.analytical.example>")
    assert email is not None and email.sf_id is None
    people.emails.record_written(email.id, "EmailMessage", "02s000000000001AAA")
    people.emails.record_written(email.id, "Task", "00T000000000001AAA")
    again = people.emails.get(email.message_id)
    assert again is not None and (again.sf_object, again.sf_id) == ("EmailMessage", "02s000000000001AAA")
