"""The store's tables: one `MetaData` for SQLite and PostgreSQL.

Tables are named by the domain. Timestamps are timezone-aware UTC (`UtcDateTime`); JSON is `JSONB` on
PostgreSQL and text on SQLite. Indexes exist for the engine's set-based reads: people joined to their
company by domain, workspace records joined to their link and mirror row, mirror candidates by email,
domain and Account. Changing a table means adding a step to `migrations.py`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
    false,
)
from sqlalchemy.dialects.postgresql import JSONB

from sfsync.catalogue import COMPANY_FIELDS, PERSON_FIELDS, FieldType, WorkspaceField


class UtcDateTime(TypeDecorator[dt.datetime]):
    """Aware UTC datetimes in and out; SQLite stores them naive (as sortable text), PostgreSQL as timestamptz."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("the store only takes timezone-aware datetimes")
        value = value.astimezone(dt.UTC)
        return value if dialect.name == "postgresql" else value.replace(tzinfo=None)

    def process_result_value(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


JSONValue = JSON().with_variant(JSONB(), "postgresql")
metadata = MetaData()

_FIELD_TYPES: dict[FieldType, Any] = {
    FieldType.BOOLEAN: Boolean,
    FieldType.DATE: Date,
    FieldType.INTEGER: BigInteger,
    FieldType.NUMBER: Float,
}


def _field_columns(fields: dict[str, WorkspaceField]) -> list[Column[Any]]:
    return [Column(f.name, _FIELD_TYPES.get(f.type, Text)) for f in fields.values() if f.name != "id"]


SF_ID = String(18)
OBJECT = String(80)
# Who made a workspace record: `load` (a file, the default for records older than the column) or
# `read` (the read pass, for a Salesforce record no workspace record had the key of).
ORIGIN = String(8)

company = Table(
    "company",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("domain_norm", String(253), unique=True),
    Column("domain_reg", String(253), index=True),  # the registrable domain of domain_norm (company_match)
    *_field_columns(COMPANY_FIELDS),
    Column("attributes", JSONValue, nullable=False),
    Column("origin", ORIGIN, nullable=False, server_default="load"),
    Column("updated_at", UtcDateTime, nullable=False),
)

person = Table(
    "person",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("email_norm", String(320), unique=True),
    Column("company_domain", String(253), index=True),
    *_field_columns(PERSON_FIELDS),
    Column("attributes", JSONValue, nullable=False),
    Column("origin", ORIGIN, nullable=False, server_default="load"),
    Column("updated_at", UtcDateTime, nullable=False),
)

mirror = Table(
    "mirror",
    metadata,
    Column("object", OBJECT, primary_key=True),
    Column("sf_id", SF_ID, primary_key=True),
    Column("fields", JSONValue, nullable=False),
    Column("system_modstamp", UtcDateTime),
    Column("last_modified_date", UtcDateTime),
    Column("is_deleted", Boolean, nullable=False),
    Column("email_norm", String(320)),
    Column("domain_norm", String(253)),
    Column("domain_reg", String(253)),
    Column("account_id", SF_ID),
    Column("is_converted", Boolean),
    Column("converted_contact_id", SF_ID),
    Column("owner_id", SF_ID),
    Column("master_record_id", SF_ID),  # set on a record deleted by a merge: the record it was merged into
    Column("refreshed_at", UtcDateTime, nullable=False),
    Index("ix_mirror_email", "object", "email_norm"),
    Index("ix_mirror_domain", "object", "domain_norm"),
    Index("ix_mirror_domain_reg", "object", "domain_reg"),
    Index("ix_mirror_account", "object", "account_id"),
)

watermark = Table(
    "watermark",
    metadata,
    Column("object", OBJECT, primary_key=True),
    Column("system_modstamp", UtcDateTime, nullable=False),
    Column("ids_at_stamp", JSONValue, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
)

link = Table(
    "link",
    metadata,
    Column("kind", String(16), primary_key=True),
    Column("workspace_id", String(64), primary_key=True),
    Column("object", OBJECT, primary_key=True),
    Column("sf_id", SF_ID, nullable=False),
    Column("created_by_sfsync", Boolean, nullable=False),
    Column("linked_at", UtcDateTime, nullable=False),
    Column("run_id", String(36)),
    # The link followed a merge from a record sfsync had created or written: still written before.
    Column("written_before", Boolean, nullable=False, server_default=false()),
    UniqueConstraint("object", "sf_id", name="uq_link_sf"),
    CheckConstraint("kind IN ('person', 'company')", name="ck_link_kind"),
)

ledger = Table(
    "ledger",
    metadata,
    Column("object", OBJECT, primary_key=True),
    Column("sf_id", SF_ID, primary_key=True),
    Column("field", String(120), primary_key=True),
    Column("value", JSONValue),
    Column("written_at", UtcDateTime, nullable=False),
    Column("run_id", String(36)),
)

intent = Table(
    "intent",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("kind", String(16), nullable=False),
    Column("workspace_id", String(64), nullable=False),
    Column("object", OBJECT, nullable=False),
    Column("payload_digest", String(64), nullable=False),
    Column("state", String(16), nullable=False),
    Column("sf_id", SF_ID),
    Column("run_id", String(36)),
    Column("created_at", UtcDateTime, nullable=False),
    Column("resolved_at", UtcDateTime),
    Index("ix_intent_record", "kind", "workspace_id", "object"),
    Index("ix_intent_state", "state"),
    CheckConstraint("state IN ('pending', 'created', 'failed', 'unknown')", name="ck_intent_state"),
)

play_member = Table(
    "play_member",
    metadata,
    Column("play", String(120), primary_key=True),
    Column("kind", String(16), primary_key=True),
    Column("workspace_id", String(64), primary_key=True),
    Column("in_audience", Boolean, nullable=False),
    Column("entered_at", UtcDateTime, nullable=False),
    Column("left_at", UtcDateTime),
)

applied_config = Table(
    "applied_config",
    metadata,
    Column("serial", Integer, primary_key=True, autoincrement=False),
    Column("digest", String(64), nullable=False),
    Column("canonical", Text, nullable=False),  # text, not JSON: the canonical form is kept byte for byte
    Column("applied_at", UtcDateTime, nullable=False),
)

state_meta = Table(
    "state_meta",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("lineage", String(36), nullable=False),
    Column("serial", Integer, nullable=False),
    CheckConstraint("id = 1", name="ck_state_meta_single_row"),
)

plan_key = Table(
    "plan_key",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("key", LargeBinary(32), nullable=False),  # the plan seal's HMAC key: never printed, never in a plan
    Column("created_at", UtcDateTime, nullable=False),
    CheckConstraint("id = 1", name="ck_plan_key_single_row"),
)

run = Table(
    "run",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("operation", String(32), nullable=False),
    Column("started_at", UtcDateTime, nullable=False, index=True),
    Column("finished_at", UtcDateTime),
    Column("status", String(16), nullable=False),
    Column("counts", JSONValue, nullable=False),
)

row_result = Table(
    "row_result",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    Column("run_id", String(36), ForeignKey("run.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("object", OBJECT, nullable=False),
    Column("sf_id", SF_ID),
    Column("workspace_kind", String(16)),
    Column("workspace_id", String(64)),
    Column("action", String(16), nullable=False),
    Column("outcome", String(16), nullable=False),
    Column("error_code", String(80)),
    Column("message", Text),
    Column("fields", JSONValue, nullable=False),
    Index("ix_row_result_record", "workspace_kind", "workspace_id"),
    Index("ix_row_result_sf", "object", "sf_id"),
    CheckConstraint(
        "outcome IN ('written', 'rejected', 'skipped', 'conflict', 'unknown')", name="ck_row_result_outcome"
    ),
)

standing_rejection = Table(
    "standing_rejection",
    metadata,
    Column("kind", String(16), primary_key=True),
    Column("workspace_id", String(64), primary_key=True),
    Column("object", OBJECT, primary_key=True),
    Column("sf_id", SF_ID),
    Column("error_code", String(80), nullable=False),
    Column("message", Text, nullable=False),
    Column("values_digest", String(64), nullable=False),
    Column("watched", JSONValue, nullable=False),  # [{object, sf_id, stamp}]: records whose change lifts it
    Column("workspace_updated_at", UtcDateTime),
    Column("rejected_at", UtcDateTime, nullable=False),
    Column("run_id", String(36)),
)

describe_cache = Table(
    "describe_cache",
    metadata,
    Column("object", OBJECT, primary_key=True),
    Column("describe", JSONValue, nullable=False),
    Column("last_modified", String(64)),
    Column("sha256", String(64), nullable=False),
    Column("fetched_at", UtcDateTime, nullable=False),
)

lock = Table(
    "lock",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("scope", String(32), nullable=False, unique=True),
    Column("operation", String(32), nullable=False),
    Column("host", String(255), nullable=False),
    Column("pid", Integer, nullable=False),
    Column("user", String(255), nullable=False),
    Column("since", UtcDateTime, nullable=False),
)

schema_migrations = Table(
    "schema_migrations",
    metadata,
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("name", String(120), nullable=False),
    Column("applied_at", UtcDateTime, nullable=False),
)
