"""What each object's mirror was read with: the digest of its read's shape (`engine/planning/read_shape`).

Invariant: an object with a shape here has its mirror, and the workspace values read from it, as a read
of that shape leaves them from its watermark on; a read of another shape must start again from the
beginning. An object without one was last read by an sfsync older than the table (with the applied
config) or its watermark was forgotten. Written by plans whose read is kept, once the read is over,
and forgotten before a read of another shape starts, so a read that fails half-way leaves no shape.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from sqlalchemy import Column, String, Table, delete, select

from sfsync.store.bulk import upsert
from sfsync.store.schema import UtcDateTime, metadata
from sfsync.store.session import Session, utc_now

read_shape = Table(
    "read_shape",
    metadata,
    Column("object", String(80), primary_key=True),
    Column("shape", String(71), nullable=False),  # "sha256:" and the hex digest
    Column("read_at", UtcDateTime, nullable=False),
)


class ReadShapesSection:
    def __init__(self, session: Session) -> None:
        self._session = session

    def shapes(self) -> dict[str, str]:
        with self._session.read() as conn:
            return {str(r.object): str(r.shape) for r in conn.execute(select(read_shape.c.object, read_shape.c.shape))}

    def record(self, shapes: Mapping[str, str]) -> None:
        now = utc_now()
        rows = [{"object": name, "shape": shape, "read_at": now} for name, shape in sorted(shapes.items())]
        if rows:
            with self._session.write() as conn:
                upsert(conn, read_shape, rows, ["object"])

    def forget(self, objects: Iterable[str]) -> None:
        names = sorted(set(objects))
        if names:
            with self._session.write() as conn:
                conn.execute(delete(read_shape).where(read_shape.c.object.in_(names)))
