"""Lineage, serial and the applied config: what a plan's fingerprint is built from.

The lineage is a UUID fixed when the store is created; the serial grows by one on every apply that
changes state. A plan records both and apply refuses to run when they have moved.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select

from sfsync.store.schema import applied_config, state_meta
from sfsync.store.session import Session, utc_now


@dataclass(frozen=True)
class StateVersion:
    lineage: str
    serial: int


@dataclass(frozen=True)
class AppliedConfig:
    """The config as it was applied at `serial`: its digest and canonical JSON text."""

    serial: int
    digest: str
    canonical: str
    applied_at: dt.datetime


class MetaSection:
    def __init__(self, session: Session) -> None:
        self._session = session

    def version(self) -> StateVersion:
        with self._session.read() as conn:
            row = conn.execute(select(state_meta.c.lineage, state_meta.c.serial)).one()
        return StateVersion(row.lineage, row.serial)

    def bump_serial(self) -> int:
        """Increment the serial (inside the caller's transaction, if any); returns the new value."""
        with self._session.write() as conn:
            conn.execute(state_meta.update().where(state_meta.c.id == 1).values(serial=state_meta.c.serial + 1))
            return int(conn.scalar(select(state_meta.c.serial)) or 0)

    def record_applied_config(self, digest: str, canonical: str) -> AppliedConfig:
        """Bump the serial and record the config applied at it, in one transaction."""
        with self._session.write() as conn:
            serial = self.bump_serial()
            row = AppliedConfig(serial, digest, canonical, utc_now())
            conn.execute(applied_config.insert().values(**row.__dict__))
            return row

    def last_applied_config(self) -> AppliedConfig | None:
        stmt = select(applied_config).order_by(applied_config.c.serial.desc()).limit(1)
        with self._session.read() as conn:
            row = conn.execute(stmt).first()
        return AppliedConfig(**row._mapping) if row else None
