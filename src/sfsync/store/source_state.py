"""How far each declared source was read: a SQL source's cursor, a file source's file digests.

One row per source name, written only once the rows of a read are in the workspace, so a read that
fails half-way is read again (loading is an upsert: a row loaded twice is one record). `definition` is
the digest of the source as the config declared it when it was read: a source whose query, files or
columns changed is read again from the start.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from sqlalchemy import Column, String, Table, Text, select

from sfsync.store.schema import JSONValue, UtcDateTime, metadata
from sfsync.store.session import Session, utc_now

source_state = Table(
    "source_state",
    metadata,
    Column("name", String(100), primary_key=True),
    Column("definition", String(64), nullable=False),
    Column("cursor", Text),  # the cursor value reached, as tagged JSON text (sources/cursor.py); None: none yet
    Column("files", JSONValue, nullable=False),  # {path: sha256 of its content} of the files read
    Column("read_at", UtcDateTime, nullable=False),
)


@dataclass(frozen=True)
class SourceState:
    """Where the last complete read of one source ended."""

    definition: str
    cursor: str | None = None
    files: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    read_at: dt.datetime | None = None


class SourceStateSection:
    def __init__(self, session: Session) -> None:
        self._session = session

    def state(self, name: str) -> SourceState | None:
        with self._session.read() as conn:
            row = conn.execute(select(source_state).where(source_state.c.name == name)).first()
        if row is None:
            return None
        return SourceState(row.definition, row.cursor, MappingProxyType(dict(row.files)), row.read_at)

    def record(self, name: str, state: SourceState) -> None:
        """Keep where a read ended (called once its rows are committed)."""
        values: dict[str, object] = {"definition": state.definition, "cursor": state.cursor}
        values |= {"files": dict(state.files), "read_at": utc_now()}
        with self._session.write() as conn:
            updated = conn.execute(source_state.update().where(source_state.c.name == name).values(**values))
            if updated.rowcount == 0:
                conn.execute(source_state.insert().values(name=name, **values))
