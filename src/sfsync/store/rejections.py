"""Standing rejections: per workspace record and object, the last refusal that resending will not change.

A refusal is standing when Salesforce would give the same answer to the same request (a terminal error
code, a duplicate rule without a usable match). It holds the digest of what was sent, the records whose
change may lift it (`watched`: the records a duplicate rule matched, an update's target) with their
`SystemModstamp` as known then, and the workspace record's `updated_at`. A successful write or link of
the record clears it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import RowMapping, bindparam, delete, select

from sfsync.catalogue import Kind
from sfsync.store.bulk import execute_many, upsert
from sfsync.store.schema import standing_rejection
from sfsync.store.session import Session

RecordKey = tuple[str, str, str]  # workspace kind, workspace id, object
_c = standing_rejection.c
# One DELETE for every key of a batch (an executemany), bound by names that are not the columns'.
_CLEAR = delete(standing_rejection).where(
    _c.kind == bindparam("key_kind"), _c.workspace_id == bindparam("key_id"), _c.object == bindparam("key_object")
)


@dataclass(frozen=True)
class Watched:
    """A Salesforce record whose change (a later stamp, deletion) lifts a standing rejection."""

    object: str
    sf_id: str
    stamp: dt.datetime | None = None


@dataclass(frozen=True)
class StandingRejection:
    kind: Kind
    workspace_id: str
    object: str
    sf_id: str | None
    error_code: str
    message: str
    values_digest: str
    watched: tuple[Watched, ...]
    workspace_updated_at: dt.datetime | None
    rejected_at: dt.datetime
    run_id: str | None = None

    @property
    def key(self) -> RecordKey:
        return (str(self.kind), self.workspace_id, self.object)


class RejectionsSection:
    def __init__(self, session: Session) -> None:
        self._session = session

    def record(self, items: Sequence[StandingRejection]) -> None:
        """Record (or replace) each record's standing rejection."""
        if not items:
            return
        with self._session.write() as conn:
            upsert(conn, standing_rejection, [_row(item) for item in items], ["kind", "workspace_id", "object"])

    def clear(self, keys: Iterable[RecordKey]) -> None:
        rows = [{"key_kind": k, "key_id": i, "key_object": o} for k, i, o in sorted(set(keys))]
        with self._session.write() as conn:
            execute_many(conn, _CLEAR, rows)

    def all(self) -> dict[RecordKey, StandingRejection]:
        with self._session.read() as conn:
            rows = conn.execute(select(standing_rejection)).mappings()
            found = [_item(row) for row in rows]
        return {item.key: item for item in found}


def _row(item: StandingRejection) -> dict[str, object]:
    watched = [
        {"object": w.object, "sf_id": w.sf_id, "stamp": w.stamp.isoformat() if w.stamp else None} for w in item.watched
    ]
    return {**item.__dict__, "kind": str(item.kind), "watched": watched}


def _item(row: RowMapping) -> StandingRejection:
    values = dict(row)
    watched = tuple(
        Watched(w["object"], w["sf_id"], dt.datetime.fromisoformat(w["stamp"]) if w.get("stamp") else None)
        for w in values.pop("watched") or ()
    )
    return StandingRejection(**{**values, "kind": Kind(values["kind"]), "watched": watched})
