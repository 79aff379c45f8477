"""Building the org from its seed: tables, indexes, the permission model, users and records.

The seeded database is copied to `seed.db` beside `org.db`; `reset()` copies it back table by table,
so tests return to the seeded state in milliseconds.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterator

from sfsync.errors import UsageError
from sfsync.localorg.catalog import ObjectSpec
from sfsync.localorg.duplicate_setup import write_rule_rows
from sfsync.localorg.duplicates import checked_rules
from sfsync.localorg.org import Org
from sfsync.localorg.outcomes import DmlError, DmlOptions
from sfsync.localorg.people import insert_people, insert_row
from sfsync.localorg.record_types import record_type_rows
from sfsync.localorg.seed import SeedRecord
from sfsync.localorg.values import format_datetime

SEED_FILE = "seed.db"
_INDEXED_TYPES = frozenset({"email", "url"})  # text `=` is case-insensitive in SOQL: NOCASE indexes serve it
_INDEXED_TEXT = frozenset({"MessageIdentifier"})  # an email is looked up by it before it is written
_INDEXED_REFERENCES = frozenset({"ConvertedContactId", "AccountId", "Username", "ParentId"}) | {
    "EmailMessageId",  # an email's relations
    "RelationId",  # a person's emails
    "WhoId",  # a person's tasks
}


def index_statements(spec: ObjectSpec) -> Iterator[str]:
    table = spec.name
    for field in spec.stored_fields:
        name = field.name
        if field.type in _INDEXED_TYPES or name in _INDEXED_TEXT or field.flag("externalId") or field.flag("unique"):
            yield f'CREATE INDEX IF NOT EXISTS "ix_{table}_{name}" ON "{table}" ("{name}" COLLATE NOCASE)'
        elif name == "SystemModstamp":
            # Incremental reads (`IsDeleted = 0 AND SystemModstamp > x ORDER BY SystemModstamp, Id`) and their
            # COUNT for totalSize are answered from this index alone.
            yield f'CREATE INDEX IF NOT EXISTS "ix_{table}_{name}" ON "{table}" ("{name}", "Id", "IsDeleted")'
        elif name in _INDEXED_REFERENCES:
            yield f'CREATE INDEX IF NOT EXISTS "ix_{table}_{name}" ON "{table}" ("{name}")'


def create_schema(org: Org) -> None:
    org.db_path.parent.mkdir(parents=True, exist_ok=True)
    for stale in (org.db_path, org.db_path.with_name(SEED_FILE)):
        for suffix in ("", "-wal", "-shm"):
            stale.with_name(stale.name + suffix).unlink(missing_ok=True)
    connection = org.connect()
    for statement in org.catalog.ddl():
        connection.execute(statement)
    for spec in org.catalog.objects.values():
        for statement in index_statements(spec):
            connection.execute(statement)


def build(org: Org) -> None:
    """Create and seed a fresh database, then snapshot it for `reset`."""
    create_schema(org)
    with org.dml.transaction():
        insert_people(org, org.seed)
        write_rule_rows(org)
        actor = org.integration_user.id
        for record_type in record_type_rows(org.catalog):
            insert_row(org, "RecordType", record_type, actor)
        _insert_records(org, org.seed.records)
        if org.seed.history_days:
            _spread_history(org, org.seed.history_days)
    org.connect().execute("PRAGMA wal_checkpoint(TRUNCATE)")
    snapshot = sqlite3.connect(org.db_path.with_name(SEED_FILE))
    try:
        org.connect().backup(snapshot)
    finally:
        snapshot.close()


def _spread_history(org: Org, days: int) -> None:
    """Stamp the seeded records as made one after another over `days` days, the last a day ago.

    Every record gets its own second, so an incremental read by `SystemModstamp` sees history, not one instant.
    """
    connection = org.connect()
    end = dt.datetime.now(dt.UTC) - dt.timedelta(days=1)
    for name in sorted({record.object for record in org.seed.records}):
        spec = org.catalog.objects[name]
        ids = [row[0] for row in connection.execute(f'SELECT "Id" FROM "{spec.name}" ORDER BY rowid')]  # noqa: S608 - identifiers come from the catalog
        step = dt.timedelta(days=days) / max(len(ids), 1)
        stamps = (format_datetime(end - step * (len(ids) - n)) for n in range(len(ids)))
        connection.executemany(
            f'UPDATE "{spec.name}" SET "CreatedDate" = ?1, "LastModifiedDate" = ?1, "SystemModstamp" = ?1 WHERE "Id" = ?2',  # noqa: S608, E501 - identifiers come from the catalog
            zip(stamps, ids, strict=True),
        )


def reset(org: Org) -> None:
    """Back to the seeded state: every table's rows replaced by the snapshot's."""
    connection = org.connect()
    with org.write_lock:
        connection.execute("ATTACH DATABASE ? AS seeded", (str(org.db_path.with_name(SEED_FILE)),))
        try:
            connection.execute("BEGIN IMMEDIATE")
            for name in org.catalog.objects:
                connection.execute(f'DELETE FROM main."{name}"')  # noqa: S608 - identifiers come from the catalog, values are bound
                connection.execute(f'INSERT INTO main."{name}" SELECT * FROM seeded."{name}"')  # noqa: S608 - identifiers come from the catalog, values are bound
            connection.execute("COMMIT")
        finally:
            if connection.in_transaction:
                connection.execute("ROLLBACK")
            connection.execute("DETACH DATABASE seeded")
    org.reset_stats()
    org.api_limit = org.seed.api_limit
    org.session_lifetime = org.seed.session_lifetime_seconds
    org.trusted_ip_ranges = org.seed.trusted_ip_ranges
    org.enhanced_email = org.seed.enhanced_email
    org.duplicate_rules = checked_rules(org.catalog, org.seed.duplicate_rules)


def _rejected(org: Org, record: SeedRecord, error: DmlError) -> UsageError:
    """A seed record the org refuses (a blocking duplicate rule, a bad value…): the seed's error, at its line."""
    where = f"{org.seed.source or 'the seed'}:{record.line}" if record.line else (org.seed.source or "the seed")
    name = f" {record.ref!r}" if record.ref else ""
    return UsageError(f"{where}: the {record.object} record{name} is rejected: {error.status_code}: {error.message}")


def _insert_records(org: Org, records: tuple[SeedRecord, ...]) -> None:
    refs: dict[str, str] = {}
    options = DmlOptions(allow_save_duplicates=True, enforce_access=False)
    for record in records:
        actor = org.user_named(record.created_by) if record.created_by else org.integration_user
        if actor is None:
            raise ValueError(f"seed record created by an unknown user: {record.created_by}")
        values = {
            k: refs.get(v[1:], v) if isinstance(v, str) and v.startswith("@") else v for k, v in record.values.items()
        }
        result = org.dml.create(actor, record.object, values, options=options)
        if not result.success or result.id is None:
            raise _rejected(org, record, result.errors[0])
        if record.ref:
            refs[record.ref] = result.id
        if record.converted is not None:
            links = {k: refs[v.lstrip("@")] for k, v in record.converted.items()}
            org.dml.convert_lead(actor, result.id, links)
