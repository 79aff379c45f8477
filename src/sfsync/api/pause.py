"""The store's pause as apply and every run cycle obey it (`sfsync pause` records it; commands/pause.py).

Writes stop for every runner of the store: an apply refuses to start, an apply in flight stops after its
chunk (recorded), and every plan made while paused says so.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import TYPE_CHECKING

from sfsync.engine.plans.plan import Plan, PlanDiagnostic
from sfsync.errors import PausedError, Severity

if TYPE_CHECKING:
    from sfsync.store import Store
    from sfsync.store.pause import PauseState


class PauseGate:
    """An apply's stop request: a Ctrl-C or signal (`stop`), or the store paused since the apply began.

    Apply asks it before each chunk, the first included, under the store lock: a pause recorded while
    an apply waits or runs is seen before anything more is sent, and the chunk in flight is finished and
    recorded first. `pause` is the pause that stopped it, if any.
    """

    def __init__(self, store: Store, stop: Callable[[], bool]) -> None:
        self._store = store
        self._stop = stop
        self.pause: PauseState | None = None

    def __call__(self) -> bool:
        if self._stop():
            return True
        self.pause = self._store.pause.paused()
        return self.pause is not None


def refuse_when_paused(store: Store) -> None:
    """Raise `PausedError` when writes are paused for the store (call it holding the store lock)."""
    state = store.pause.paused()
    if state is not None:
        raise PausedError(f"writes are {state.describe()}: nothing was written; `sfsync resume` restarts them")


def with_pause_notice(plan: Plan, store: Store) -> Plan:
    """The plan with a warning naming the pause, when writes are paused: every view of the plan shows it."""
    state = store.pause.paused()
    if state is None:
        return plan
    notice = PlanDiagnostic(
        Severity.WARNING,
        f"store {state.describe()}",
        "apply writes nothing until `sfsync resume`; this plan is still made and saved",
    )
    return dataclasses.replace(plan, diagnostics=(*plan.diagnostics, notice))
