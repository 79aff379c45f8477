"""Play membership: which workspace records are in each play's audience, and since when.

Plays are edge-triggered: a play runs on a record when it enters the audience. A record that leaves
and comes back enters again (new `entered_at`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from sqlalchemy import Select, select

from sfsync.catalogue import Kind
from sfsync.store.bulk import chunks, upsert
from sfsync.store.schema import play_member
from sfsync.store.session import Session, utc_now

_BATCH = 1000


@dataclass(frozen=True)
class PlayMember:
    play: str
    kind: Kind
    workspace_id: str
    in_audience: bool
    entered_at: dt.datetime
    left_at: dt.datetime | None


class PlaysSection:
    def __init__(self, session: Session) -> None:
        self._session = session

    def enter(self, play: str, kind: Kind, workspace_ids: Iterable[str]) -> list[str]:
        """Mark records as in the audience; returns those that entered now (were not in it before)."""
        entered: list[str] = []
        now = utc_now()
        with self._session.write() as conn:
            for chunk in chunks(workspace_ids, _BATCH):
                inside: set[str] = set(conn.scalars(self._members_among(play, kind, chunk)))
                new = [i for i in dict.fromkeys(chunk) if i not in inside]
                rows = [_row(play, kind, i, True, now, None) for i in new]
                upsert(conn, play_member, rows, ["play", "kind", "workspace_id"])
                entered.extend(new)
        return entered

    def leave(self, play: str, kind: Kind, workspace_ids: Iterable[str]) -> None:
        now = utc_now()
        c = play_member.c
        with self._session.write() as conn:
            for chunk in chunks(workspace_ids, _BATCH):
                stmt = play_member.update().where(
                    c.play == play, c.kind == str(kind), c.workspace_id.in_(chunk), c.in_audience.is_(True)
                )
                conn.execute(stmt.values(in_audience=False, left_at=now))

    def forget(self, kind: Kind, workspace_id: str) -> None:
        """Drop a record's memberships of every play (the record was merged into another)."""
        c = play_member.c
        with self._session.write() as conn:
            conn.execute(play_member.delete().where(c.kind == str(kind), c.workspace_id == workspace_id))

    def members(self, play: str, kind: Kind) -> Iterator[PlayMember]:
        c = play_member.c
        stmt = select(play_member).where(c.play == play, c.kind == str(kind), c.in_audience.is_(True))
        with self._session.read() as conn:
            for row in conn.execute(stmt.order_by(c.workspace_id).execution_options(yield_per=1000)).mappings():
                yield PlayMember(**{**row, "kind": Kind(row["kind"])})

    @staticmethod
    def _members_among(play: str, kind: Kind, ids: list[str]) -> Select[tuple[str]]:
        c = play_member.c
        return select(c.workspace_id).where(
            c.play == play, c.kind == str(kind), c.workspace_id.in_(ids), c.in_audience.is_(True)
        )


def _row(
    play: str, kind: Kind, workspace_id: str, inside: bool, entered: dt.datetime, left: dt.datetime | None
) -> dict[str, object]:
    return {
        "play": play, "kind": str(kind), "workspace_id": workspace_id,
        "in_audience": inside, "entered_at": entered, "left_at": left,
    }  # fmt: skip
