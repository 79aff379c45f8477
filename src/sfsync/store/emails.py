"""Workspace email messages: added once by universal message id, never changed by a later load.

Invariants (the table is `email_message`, see `email_schema.py`):
- one row per normalised message id; its id is derived from that id (`e_…`), equal in every store;
- a load never updates an email: the same values again are `unchanged`, other values under a taken id
  are refused with the line of the file and the first values kept (emails are immutable, as in
  Salesforce, where sfsync creates an EmailMessage once and never updates it);
- every email concerns a person already in the workspace (`person_id`); a row naming an unknown person
  is refused, nothing else of its batch is lost;
- `sf_object`/`sf_id` record the Salesforce record the email was written as, set once.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, func, select

from sfsync.catalogue import EMAIL_STATUS, Direction, Kind
from sfsync.store.bulk import chunks, insert
from sfsync.store.email_schema import email_message
from sfsync.store.schema import state_meta
from sfsync.store.session import Session, utc_now
from sfsync.store.workspace import find_many

# The loaded columns: what an email is, and what its content digest covers.
CONTENT_COLUMNS = (
    "message_id", "thread_id", "direction", "from_address", "to_addresses", "cc_addresses", "subject",
    "html_body", "text_body", "sent_at", "person_id", "attributes",
)  # fmt: skip


@dataclass(frozen=True)
class EmailRow:
    """One loaded email, its values typed and normalised; `person_email` is the normalised key of its person."""

    line: int
    message_id: str
    direction: Direction
    sent_at: dt.datetime
    person_email: str
    thread_id: str | None = None
    from_address: str | None = None
    to_addresses: tuple[str, ...] = ()
    cc_addresses: tuple[str, ...] = ()
    subject: str | None = None
    html_body: str | None = None
    text_body: str | None = None
    attributes: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class EmailMessage:
    """A stored email. `sf_id` is set once it was written to Salesforce (as `sf_object`)."""

    id: str
    message_id: str
    direction: Direction
    sent_at: dt.datetime
    person_id: str
    thread_id: str | None
    from_address: str | None
    to_addresses: tuple[str, ...]
    cc_addresses: tuple[str, ...]
    subject: str | None
    html_body: str | None
    text_body: str | None
    attributes: Mapping[str, Any]
    sf_object: str | None = None
    sf_id: str | None = None

    @property
    def incoming(self) -> bool:
        return self.direction is Direction.INBOUND

    @property
    def status(self) -> str:
        """The EmailMessage.Status code of its direction."""
        return EMAIL_STATUS[self.direction]


@dataclass(frozen=True)
class AddOutcome:
    """A batch's result; `refused` holds (line, reason) of rows not added, `kept` of taken ids with other values."""

    added: int = 0
    unchanged: int = 0
    refused: tuple[tuple[int, str], ...] = ()
    kept: tuple[tuple[int, str], ...] = ()


def derived_email_id(message_id: str) -> str:
    return "e_" + hashlib.sha256(message_id.encode("utf-8")).hexdigest()[:16]


class EmailsSection:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, rows: Sequence[EmailRow]) -> AddOutcome:
        """Add a batch of loaded emails in file order, in one transaction."""
        with self._session.write() as conn:
            people = {r.key: r.id for r in find_many(conn, Kind.PERSON, sorted({r.person_email for r in rows}))}
            stored = _digests(conn, [r.message_id for r in rows])
            new: list[dict[str, Any]] = []
            added = unchanged = 0
            refused: list[tuple[int, str]] = []
            kept: list[tuple[int, str]] = []
            for row in rows:
                person_id = people.get(row.person_email)
                if person_id is None:
                    refused.append((row.line, _unknown_person(row.person_email)))
                    continue
                values = _content(row, person_id)
                digest = _digest(values)
                earlier = stored.get(row.message_id)
                if earlier is None:
                    stored[row.message_id] = digest
                    new.append({**values, "id": derived_email_id(row.message_id), "content_digest": digest})
                    added += 1
                elif earlier == digest:
                    unchanged += 1
                else:
                    kept.append((row.line, _taken(row.message_id)))
            now = utc_now()
            insert(conn, email_message, [{**v, "loaded_at": now, "sf_object": None, "sf_id": None} for v in new])
            if new:  # the workspace changed: a plan saved before this is stale
                conn.execute(state_meta.update().where(state_meta.c.id == 1).values(serial=state_meta.c.serial + 1))
        return AddOutcome(added, unchanged, tuple(refused), tuple(kept))

    def get(self, message_id: str) -> EmailMessage | None:
        """The email of a normalised message id (`normalise_message_id`), or None."""
        with self._session.read() as conn:
            row = conn.execute(select(email_message).where(email_message.c.message_id == message_id)).mappings().first()
        return _email(row) if row else None

    def get_many(self, email_ids: Sequence[str]) -> dict[str, EmailMessage]:
        """The stored emails of these ids (`derived_email_id`), by id; an id not stored is absent."""
        found: dict[str, EmailMessage] = {}
        ids = sorted(set(email_ids))
        with self._session.read() as conn:
            for start in range(0, len(ids), 1000):
                stmt = select(email_message).where(email_message.c.id.in_(ids[start : start + 1000]))
                found.update((row["id"], _email(row)) for row in conn.execute(stmt).mappings())
        return found

    def for_person(self, person_id: str) -> list[EmailMessage]:
        """A person's emails, oldest first."""
        stmt = select(email_message).where(email_message.c.person_id == person_id)
        with self._session.read() as conn:
            rows = conn.execute(stmt.order_by(email_message.c.sent_at, email_message.c.id)).mappings()
            return [_email(row) for row in rows]

    def records(self) -> Iterator[EmailMessage]:
        """Every email by id, streamed."""
        with self._session.read() as conn:
            rows = conn.execute(select(email_message).order_by(email_message.c.id).execution_options(yield_per=1000))
            try:
                for row in rows.mappings():
                    yield _email(row)
            finally:
                rows.close()

    def unwritten_counts(self) -> dict[str, int]:
        """How many emails not written yet each person has, by their workspace id (only people with one)."""
        stmt = select(email_message.c.person_id, func.count()).where(email_message.c.sf_id.is_(None))
        with self._session.read() as conn:
            return {str(person_id): int(n) for person_id, n in conn.execute(stmt.group_by(email_message.c.person_id))}

    def unwritten_of(self, person_ids: Sequence[str]) -> list[EmailMessage]:
        """The emails not written yet of these people, by person id, then time sent, then id (the person index)."""
        found: list[EmailMessage] = []
        order = (email_message.c.person_id, email_message.c.sent_at, email_message.c.id)
        with self._session.read() as conn:
            for part in chunks(sorted(set(person_ids)), 1000):
                stmt = select(email_message).where(email_message.c.person_id.in_(part), email_message.c.sf_id.is_(None))
                found += [_email(row) for row in conn.execute(stmt.order_by(*order)).mappings()]
        return found

    def count(self) -> int:
        with self._session.read() as conn:
            return int(conn.scalar(select(func.count()).select_from(email_message)) or 0)

    def move_person(self, from_person: str, to_person: str) -> int:
        """A person merged into another takes their emails along (an email never loses its person)."""
        stmt = email_message.update().where(email_message.c.person_id == from_person).values(person_id=to_person)
        with self._session.write() as conn:
            return int(conn.execute(stmt).rowcount or 0)

    def record_written(self, email_id: str, sobject: str, sf_id: str) -> None:
        """The email now exists in Salesforce as `sobject` `sf_id`; set once, never moved."""
        stmt = (
            email_message.update()
            .where(email_message.c.id == email_id, email_message.c.sf_id.is_(None))
            .values(sf_object=sobject, sf_id=sf_id)
        )
        with self._session.write() as conn:
            conn.execute(stmt)


def _content(row: EmailRow, person_id: str) -> dict[str, Any]:
    values = {name: getattr(row, name) for name in CONTENT_COLUMNS if name != "person_id"}
    values["direction"] = str(row.direction)
    values["to_addresses"], values["cc_addresses"] = list(row.to_addresses), list(row.cc_addresses)
    values["attributes"] = dict(row.attributes)
    return {**values, "person_id": person_id}


def _digest(values: Mapping[str, Any]) -> str:
    """sha256 of the loaded values: equal emails, equal digests (the instant compared in UTC)."""
    plain = {**values, "sent_at": values["sent_at"].astimezone(dt.UTC).isoformat()}
    return hashlib.sha256(json.dumps(plain, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()


def _digests(conn: Connection, message_ids: Sequence[str]) -> dict[str, str]:
    stmt = select(email_message.c.message_id, email_message.c.content_digest)
    found: dict[str, str] = {}
    ids = sorted(set(message_ids))
    for start in range(0, len(ids), 1000):  # well under both backends' parameter limits
        part = stmt.where(email_message.c.message_id.in_(ids[start : start + 1000]))
        found.update((m, d) for m, d in conn.execute(part))
    return found


def _unknown_person(email: str) -> str:
    return f"person {email} is not in the workspace: load them first (`sfsync workspace load FILE --object person`)"


def _taken(message_id: str) -> str:
    return f"message id {message_id} is already loaded with other values: emails never change, the first is kept"


def _email(row: Mapping[Any, Any]) -> EmailMessage:
    return EmailMessage(
        id=row["id"],
        message_id=row["message_id"],
        direction=Direction(row["direction"]),
        sent_at=row["sent_at"],
        person_id=row["person_id"],
        thread_id=row["thread_id"],
        from_address=row["from_address"],
        to_addresses=tuple(row["to_addresses"]),
        cc_addresses=tuple(row["cc_addresses"]),
        subject=row["subject"],
        html_body=row["html_body"],
        text_body=row["text_body"],
        attributes=dict(row["attributes"]),
        sf_object=row["sf_object"],
        sf_id=row["sf_id"],
    )
