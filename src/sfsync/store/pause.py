"""Whether writes to Salesforce are paused for everyone using this store, by whom, since when and why.

One row (`id = 1`), absent until the first `sfsync pause`. Pausing never takes the store lock: it must
reach an apply that holds the lock, which reads the row under it before its first write and between
chunks. `resume` keeps the row (who resumed, when) so `state show` and `status` can say so.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Boolean, CheckConstraint, Column, Integer, String, Table, Text, select

from sfsync.store.schema import UtcDateTime, metadata
from sfsync.store.session import Session, utc_now

store_pause = Table(
    "store_pause",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("paused", Boolean, nullable=False),
    Column("changed_by", String(255), nullable=False),
    Column("changed_at", UtcDateTime, nullable=False),
    Column("reason", Text, nullable=False),
    CheckConstraint("id = 1", name="ck_store_pause_single_row"),
)


@dataclass(frozen=True)
class PauseState:
    """The last pause or resume: `paused`, who (`by`) and when (`at`); `reason` is the pause's, or empty."""

    paused: bool
    by: str
    at: dt.datetime
    reason: str = ""

    def describe(self) -> str:
        """`paused by alice at 2026-…` (with the reason, when given) or `resumed by … at …`."""
        verb = "paused" if self.paused else "resumed"
        reason = f" ({self.reason})" if self.reason else ""
        return f"{verb} by {self.by} at {self.at.isoformat(timespec='seconds')}{reason}"


class PauseSection:
    def __init__(self, session: Session) -> None:
        self._session = session

    def state(self) -> PauseState | None:
        """The last pause or resume, None when the store was never paused."""
        with self._session.read() as conn:
            row = conn.execute(select(store_pause).where(store_pause.c.id == 1)).first()
        if row is None:
            return None
        return PauseState(bool(row.paused), row.changed_by, row.changed_at, row.reason)

    def paused(self) -> PauseState | None:
        """The pause in force, None when writes may go ahead."""
        state = self.state()
        return state if state is not None and state.paused else None

    def pause(self, by: str, reason: str = "") -> PauseState:
        return self._set(PauseState(True, by, utc_now(), reason))

    def resume(self, by: str) -> PauseState:
        return self._set(PauseState(False, by, utc_now()))

    def _set(self, state: PauseState) -> PauseState:
        values = {"paused": state.paused, "changed_by": state.by, "changed_at": state.at, "reason": state.reason}
        with self._session.write() as conn:
            if conn.execute(store_pause.update().where(store_pause.c.id == 1).values(**values)).rowcount == 0:
                conn.execute(store_pause.insert().values(id=1, **values))
        return state
