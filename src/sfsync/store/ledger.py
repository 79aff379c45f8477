"""The field ledger: per Salesforce record and field, the value sfsync last wrote and when.

`if_unchanged` fields may be written again only while Salesforce still holds exactly this value.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from sfsync.store.bulk import upsert
from sfsync.store.schema import ledger
from sfsync.store.session import Session


@dataclass(frozen=True)
class LedgerEntry:
    object: str
    sf_id: str
    field: str
    value: Any
    written_at: dt.datetime
    run_id: str | None = None


class LedgerSection:
    def __init__(self, session: Session) -> None:
        self._session = session

    def record(self, entries: Sequence[LedgerEntry]) -> None:
        """Remember written values, replacing what was recorded for the same record and field."""
        with self._session.write() as conn:
            upsert(conn, ledger, [vars(e) for e in entries], ["object", "sf_id", "field"])

    def record_written(
        self, written: Iterable[tuple[str, str, Mapping[str, Any]]], written_at: dt.datetime, run_id: str | None
    ) -> None:
        """`record` of the values written to each record (object, Id, values by field), all at `written_at`
        by `run_id`: the rows built as the statement takes them, with no entry object per field."""
        rows = [
            {
                "object": sobject,
                "sf_id": sf_id,
                "field": name,
                "value": value,
                "written_at": written_at,
                "run_id": run_id,
            }
            for sobject, sf_id, values in written
            for name, value in values.items()
        ]
        with self._session.write() as conn:
            upsert(conn, ledger, rows, ["object", "sf_id", "field"])

    def values(self, object_name: str, sf_id: str) -> dict[str, Any]:
        stmt = select(ledger.c.field, ledger.c.value).where(ledger.c.object == object_name, ledger.c.sf_id == sf_id)
        with self._session.read() as conn:
            return {row.field: row.value for row in conn.execute(stmt)}

    def entries(self, object_name: str) -> Iterator[LedgerEntry]:
        stmt = select(ledger).where(ledger.c.object == object_name).order_by(ledger.c.sf_id, ledger.c.field)
        with self._session.read() as conn:
            for row in conn.execute(stmt.execution_options(yield_per=1000)).mappings():
                yield LedgerEntry(**row)
