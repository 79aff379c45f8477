"""The table of the workspace's email messages: what a team sent and received, one row per message.

An email is immutable once loaded: its row is written once, keyed by its normalised universal message id
(`message_id`, `<local@domain>`), and a later load of the same id never changes it. `content_digest`
is the sha256 of the loaded values, so a re-load can tell the same email (nothing to do) from a
different one under an id already taken (reported, the first kept). Each email concerns one workspace
person (`person_id`), who had to be loaded before it; the email is written to Salesforce only once that
person is linked to a Salesforce record, and is never updated there.
"""

from __future__ import annotations

from sqlalchemy import CheckConstraint, Column, Index, String, Table, Text

from sfsync.store.schema import OBJECT, SF_ID, JSONValue, UtcDateTime, metadata

email_message = Table(
    "email_message",
    metadata,
    Column("id", String(64), primary_key=True),  # `e_` and a hash prefix of message_id: equal in every store
    Column("message_id", String(998), nullable=False, unique=True),
    Column("thread_id", Text),
    Column("direction", String(8), nullable=False),
    Column("from_address", String(320)),
    Column("to_addresses", JSONValue, nullable=False),  # a list of addresses, as given
    Column("cc_addresses", JSONValue, nullable=False),
    Column("subject", Text),
    Column("html_body", Text),
    Column("text_body", Text),
    Column("sent_at", UtcDateTime, nullable=False),
    Column("person_id", String(64), nullable=False),
    Column("attributes", JSONValue, nullable=False),
    Column("content_digest", String(64), nullable=False),
    Column("loaded_at", UtcDateTime, nullable=False),
    Column("sf_object", OBJECT),  # what the email was written as (EmailMessage or Task), once written
    Column("sf_id", SF_ID),
    Index("ix_email_message_person", "person_id", "sent_at"),
    CheckConstraint("direction IN ('outbound', 'inbound')", name="ck_email_message_direction"),
)
