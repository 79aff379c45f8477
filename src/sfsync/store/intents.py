"""Create intents: written before a create is sent, resolved after.

An intent still `pending` or `unknown` after a crash or timeout means "this record may exist in
Salesforce": the next run re-matches it instead of creating again.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import RowMapping, select

from sfsync.catalogue import Kind
from sfsync.store.bulk import chunks
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

    def resolve(self, intent_id: str, state: IntentState, sf_id: str | None = None) -> None:
        """Record the create's outcome (`created` with its Id, `failed`, or `unknown`)."""
        resolved_at = None if state is IntentState.PENDING else utc_now()
        stmt = (
            intent.update()
            .where(intent.c.id == intent_id)
            .values(state=str(state), sf_id=sf_id, resolved_at=resolved_at)
        )
        with self._session.write() as conn:
            if conn.execute(stmt).rowcount != 1:
                raise StoreError(f"no create intent {intent_id}")

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


def _values(item: Intent) -> dict[str, object]:
    return {**item.__dict__, "kind": str(item.kind), "state": str(item.state)}


def _intent(row: RowMapping) -> Intent:
    return Intent(**{**row, "kind": Kind(row["kind"]), "state": IntentState(row["state"])})
