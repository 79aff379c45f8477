"""The Salesforce mirror: the last read copy of each record, and per-object read watermarks.

Match columns (`email_norm`, `domain_norm`, `account_id`, …) are extracted from the record's fields
when it is stored, so candidates are found by indexed equality joins. A watermark is the highest
`SystemModstamp` read for an object plus the ids seen at exactly that stamp: the next read asks for
`SystemModstamp >= stamp` and drops those ids, so nothing modified in the same second is missed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, func, select

from sfsync.store.bulk import chunks, upsert
from sfsync.store.normalise import normalise_domain, normalise_email
from sfsync.store.public_suffix import registrable_domain
from sfsync.store.schema import mirror, watermark
from sfsync.store.session import Session, utc_now

_IN_SIZE = 1000  # keys per `IN (…)`: well under SQLite's and PostgreSQL's parameter limits


@dataclass(frozen=True)
class MirrorRecord:
    """One Salesforce record as read (`fields` by API name)."""

    object: str
    sf_id: str
    fields: Mapping[str, Any]
    system_modstamp: dt.datetime | None = None
    last_modified_date: dt.datetime | None = None
    is_deleted: bool = False


@dataclass(frozen=True)
class Watermark:
    object: str
    system_modstamp: dt.datetime
    ids_at_stamp: frozenset[str]


def _norm(value: Any, normalise: Any) -> str | None:
    return normalise(value).value if isinstance(value, str) and value.strip() else None


def match_columns(fields: Mapping[str, Any]) -> dict[str, str | None]:
    """The normalised keys a record is matched by, from its `Email` and `Website`."""
    domain = _norm(fields.get("Website"), normalise_domain)
    return {
        "email_norm": _norm(fields.get("Email"), normalise_email),
        "domain_norm": domain,
        "domain_reg": registrable_domain(domain) if domain else None,
    }


def _row(record: MirrorRecord, now: dt.datetime) -> dict[str, Any]:
    f = record.fields
    return {
        "object": record.object,
        "sf_id": record.sf_id,
        "fields": dict(f),
        "system_modstamp": record.system_modstamp,
        "last_modified_date": record.last_modified_date,
        "is_deleted": record.is_deleted,
        **match_columns(f),
        "account_id": f.get("AccountId"),
        "is_converted": f.get("IsConverted"),
        "converted_contact_id": f.get("ConvertedContactId"),
        "owner_id": f.get("OwnerId"),
        "master_record_id": f.get("MasterRecordId"),
        "refreshed_at": now,
    }


class MirrorSection:
    def __init__(self, session: Session) -> None:
        self._session = session

    def upsert(self, records: Sequence[MirrorRecord]) -> None:
        """Store a batch of read records and advance each object's watermark, in one transaction."""
        now = utc_now()
        with self._session.write() as conn:
            upsert(conn, mirror, [_row(r, now) for r in records], ["object", "sf_id"])
            for name in sorted({r.object for r in records}):
                _advance(conn, name, [r for r in records if r.object == name and r.system_modstamp], now)

    def get(self, object_name: str, sf_id: str) -> MirrorRecord | None:
        stmt = select(mirror).where(mirror.c.object == object_name, mirror.c.sf_id == sf_id)
        with self._session.read() as conn:
            row = conn.execute(stmt).mappings().first()
        return record_from_row(row) if row else None

    def get_many(self, object_name: str, sf_ids: Collection[str]) -> dict[str, MirrorRecord]:
        """The mirrored records among `sf_ids`, by id (missing ids are absent)."""
        found: dict[str, MirrorRecord] = {}
        with self._session.read() as conn:
            for chunk in chunks(sorted(set(sf_ids)), _IN_SIZE):
                stmt = select(mirror).where(mirror.c.object == object_name, mirror.c.sf_id.in_(chunk))
                found.update((row["sf_id"], record_from_row(row)) for row in conn.execute(stmt).mappings())
        return found

    def records(self, object_name: str) -> Iterator[MirrorRecord]:
        stmt = select(mirror).where(mirror.c.object == object_name).order_by(mirror.c.sf_id)
        with self._session.read() as conn:
            for row in conn.execute(stmt.execution_options(yield_per=1000)).mappings():
                yield record_from_row(row)

    def counts(self) -> dict[str, int]:
        """Live (not deleted) mirrored records per object."""
        stmt = select(mirror.c.object, func.count()).where(mirror.c.is_deleted.is_(False)).group_by(mirror.c.object)
        with self._session.read() as conn:
            return {name: int(n) for name, n in conn.execute(stmt.order_by(mirror.c.object))}

    def watermark(self, object_name: str) -> Watermark | None:
        with self._session.read() as conn:
            row = conn.execute(select(watermark).where(watermark.c.object == object_name)).first()
        return Watermark(row.object, row.system_modstamp, frozenset(row.ids_at_stamp)) if row else None

    def reset_watermark(self, object_name: str) -> None:
        """Forget the watermark: the next read of the object is a full reconcile."""
        with self._session.write() as conn:
            conn.execute(watermark.delete().where(watermark.c.object == object_name))


def _advance(conn: Connection, object_name: str, records: list[MirrorRecord], now: dt.datetime) -> None:
    if not records:
        return
    top = max(r.system_modstamp for r in records if r.system_modstamp)
    ids = {r.sf_id for r in records if r.system_modstamp == top}
    current = conn.execute(select(watermark).where(watermark.c.object == object_name)).first()
    if current is not None and current.system_modstamp > top:
        return
    if current is not None and current.system_modstamp == top:
        ids |= set(current.ids_at_stamp)
    row = {"object": object_name, "system_modstamp": top, "ids_at_stamp": sorted(ids), "updated_at": now}
    upsert(conn, watermark, [row], ["object"])


def record_from_row(row: Mapping[Any, Any]) -> MirrorRecord:
    return MirrorRecord(
        row["object"], row["sf_id"], row["fields"], row["system_modstamp"], row["last_modified_date"], row["is_deleted"]
    )
