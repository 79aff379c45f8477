"""Set-based reads that join the workspace to links and the mirror (what a plan is computed from).

Every query is one SQL statement streamed row by row; none loops over records in Python. Match
candidates by email or domain are in `sync_views`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import RowMapping, Table, and_, select

from sfsync.catalogue import Kind
from sfsync.store.mirror import MirrorRecord
from sfsync.store.mirror import record_from_row as mirror_record
from sfsync.store.schema import company, link, mirror, person
from sfsync.store.session import Session
from sfsync.store.workspace import WorkspaceRecord
from sfsync.store.workspace import record_from_row as workspace_record

_TABLES: dict[Kind, tuple[Table, str]] = {Kind.PERSON: (person, "email_norm"), Kind.COMPANY: (company, "domain_norm")}


@dataclass(frozen=True)
class LinkedRecord:
    """A workspace record with its link to `object` (if any) and that record's mirror row (if read)."""

    record: WorkspaceRecord
    sf_id: str | None
    mirrored: MirrorRecord | None


class MatchingSection:
    def __init__(self, session: Session) -> None:
        self._session = session

    def with_links(self, kind: Kind, object_name: str) -> Iterator[LinkedRecord]:
        """Every workspace record of `kind`, left-joined to its link and mirror row, in id order."""
        table, _ = _TABLES[kind]
        m = mirror.alias("m")
        stmt = (
            select(table, link.c.sf_id.label("link_sf_id"), *[c.label(f"m_{c.name}") for c in m.columns])
            .outerjoin(
                link,
                and_(link.c.kind == str(kind), link.c.workspace_id == table.c.id, link.c.object == object_name),
            )
            .outerjoin(m, and_(m.c.object == object_name, m.c.sf_id == link.c.sf_id))
            .order_by(table.c.id)
        )
        with self._session.read() as conn:
            for row in conn.execute(stmt.execution_options(yield_per=1000)).mappings():
                mirrored = _prefixed(row, "m_")
                yield LinkedRecord(
                    workspace_record(kind, row), row["link_sf_id"], mirror_record(mirrored) if mirrored else None
                )


def _prefixed(row: RowMapping, prefix: str) -> dict[str, Any] | None:
    values = {k.removeprefix(prefix): v for k, v in row.items() if k.startswith(prefix)}
    return values if values.get("sf_id") is not None else None
