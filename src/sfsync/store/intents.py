"""Create intents: written before a create is sent, resolved after.

An intent still `pending` or `unknown` after a crash or timeout means "this record may exist in
Salesforce": the next run re-matches it instead of creating again.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import Connection, RowMapping, bindparam, select

from sfsync.catalogue import Kind
from sfsync.store.bulk import chunks, execute_many, insert
from sfsync.store.errors import StoreError
from sfsync.store.schema import intent
from sfsync.store.session import Session, utc_now

_IN_SIZE = 1000  # keys per `IN (…)`: well under SQLite's and PostgreSQL's parameter limits


class IntentState(StrEnum):
    PENDING = "pending"
    CREATED = "created"
    FAILED = "failed"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Intent:
    id: str
    kind: Kind
    workspace_id: str
    object: str
    payload_digest: str
    state: IntentState
    sf_id: str | None
    run_id: str | None
    created_at: dt.datetime
    resolved_at: dt.datetime | None


@dataclass(frozen=True)
class Opening:
    """A create about to be sent, for `open_many`."""

    kind: Kind
    workspace_id: str
    object: str
    payload_digest: str


@dataclass(frozen=True)
class Resolution:
    """A create's outcome, for `resolve_many`."""

    intent_id: str
    state: IntentState
    sf_id: str | None = None


# One UPDATE for every resolution of a batch (bound names differ from the columns they set).
_RESOLVE = (
    intent.update()
    .where(intent.c.id == bindparam("intent_id"))
    .values(state=bindparam("new_state"), sf_id=bindparam("new_sf_id"), resolved_at=bindparam("at"))
)


class IntentsSection:
    def __init__(self, session: Session) -> None:
        self._session = session

    def open(
        self, kind: Kind, workspace_id: str, object_name: str, payload_digest: str, run_id: str | None = None
    ) -> Intent:
        """Record that a create is about to be sent (state `pending`)."""
        item = Intent(
            str(uuid.uuid4()), kind, workspace_id, object_name, payload_digest,
            IntentState.PENDING, None, run_id, utc_now(), None,
        )  # fmt: skip
        with self._session.write() as conn:
            conn.execute(intent.insert().values(**_values(item)))
        return item

    def open_many(self, openings: Sequence[Opening], run_id: str | None = None) -> list[Intent]:
        """`open` for a batch of creates: one insert for all of them, in the order given."""
        now = utc_now()
        items = [
            Intent(str(uuid.uuid4()), o.kind, o.workspace_id, o.object, o.payload_digest,
                   IntentState.PENDING, None, run_id, now, None)
            for o in openings
        ]  # fmt: skip
        with self._session.write() as conn:
            insert(conn, intent, [_values(item) for item in items])
        return items

    def resolve(self, intent_id: str, state: IntentState, sf_id: str | None = None) -> None:
        """Record the create's outcome (`created` with its Id, `failed`, or `unknown`)."""
        self.resolve_many([Resolution(intent_id, state, sf_id)])

    def resolve_many(self, resolutions: Sequence[Resolution]) -> None:
        """`resolve` for many intents with one statement, as if one after another (the last of an id wins);
        refuses (StoreError) an id with no intent."""
        if not resolutions:
            return
        now = utc_now()
        rows = [
            {"intent_id": r.intent_id, "new_state": str(r.state), "new_sf_id": r.sf_id,
             "at": None if r.state is IntentState.PENDING else now}
            for r in resolutions
        ]  # fmt: skip
        with self._session.write() as conn:
            touched = execute_many(conn, _RESOLVE, rows)
            if touched != len(rows):
                missing = sorted({r.intent_id for r in resolutions} - _known(conn, resolutions))
                raise StoreError(f"no create intent {', '.join(missing) or resolutions[0].intent_id}")

    def get(self, intent_id: str) -> Intent | None:
        with self._session.read() as conn:
            row = conn.execute(select(intent).where(intent.c.id == intent_id)).mappings().first()
        return _intent(row) if row else None

    def any_unresolved(self) -> bool:
        """Whether any create may or may not have happened (an intent still `pending` or `unknown`)."""
        states = [str(IntentState.PENDING), str(IntentState.UNKNOWN)]
        with self._session.read() as conn:
            return conn.execute(select(intent.c.id).where(intent.c.state.in_(states)).limit(1)).first() is not None

    def unresolved(self) -> Iterator[Intent]:
        """Intents whose create may or may not have happened: re-match these before creating anything."""
        states = [str(IntentState.PENDING), str(IntentState.UNKNOWN)]
        stmt = select(intent).where(intent.c.state.in_(states)).order_by(intent.c.created_at, intent.c.id)
        with self._session.read() as conn:
            for row in conn.execute(stmt.execution_options(yield_per=1000)).mappings():
                yield _intent(row)

    def unresolved_for(self, kind: Kind, workspace_ids: Collection[str]) -> list[Intent]:
        """The unresolved intents of these workspace records (as `unresolved`, for a few records)."""
        states = [str(IntentState.PENDING), str(IntentState.UNKNOWN)]
        found: list[Intent] = []
        with self._session.read() as conn:
            for part in chunks(sorted(set(workspace_ids)), _IN_SIZE):
                stmt = select(intent).where(
                    intent.c.state.in_(states), intent.c.kind == str(kind), intent.c.workspace_id.in_(part)
                )
                found += [_intent(row) for row in conn.execute(stmt.order_by(intent.c.created_at)).mappings()]
        return found


def _known(conn: Connection, resolutions: Sequence[Resolution]) -> set[str]:
    ids = sorted({r.intent_id for r in resolutions})
    found: set[str] = set()
    for part in chunks(ids, _IN_SIZE):
        found.update(conn.execute(select(intent.c.id).where(intent.c.id.in_(part))).scalars())
    return found


def _values(item: Intent) -> dict[str, object]:
    return {**item.__dict__, "kind": str(item.kind), "state": str(item.state)}


def _intent(row: RowMapping) -> Intent:
    return Intent(**{**row, "kind": Kind(row["kind"]), "state": IntentState(row["state"])})
