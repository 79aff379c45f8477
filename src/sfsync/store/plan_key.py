"""The store's plan key: the secret that seals the plans this store's sfsync makes, and from which the key
that digests their sensitive values is derived (engine/sensitive).

Made once, when the store is created or upgraded (migration 5): 32 random bytes in a single-row
table. It never leaves the store except into an HMAC: it is never printed, logged, or written to a
plan. A plan sealed with it can only be applied against this store; anyone who can read the store
can seal plans, so protect the store as you protect its credentials.
"""

from __future__ import annotations

from sqlalchemy import select

from sfsync.store.errors import StoreError
from sfsync.store.schema import plan_key
from sfsync.store.session import Session


class PlanKeySection:
    def __init__(self, session: Session) -> None:
        self._session = session

    def key(self) -> bytes:
        with self._session.read() as conn:
            value = conn.scalar(select(plan_key.c.key).where(plan_key.c.id == 1))
        if not value:
            raise StoreError("the store has no plan key (its plan_key row was removed); plans cannot be sealed")
        return bytes(value)
