"""After an apply, a play's entrants become members once their write is done or their skip is final.

A record the plan has a change for is done when every row apply recorded for it in this run was written:
a create turned into a link still owes the record its values (the next plan updates it), and a rejected
record stays an entrant whatever the code (a refusal that will not change is held back by the next plans,
engine/standing.py, until the record changes, and then sent again). A record the plan has no change for
is done when the apply completed and its skip, if any, is final. A record that left a play's audience
leaves it once the apply completed.

The entries are taken a chunk at a time and their rows looked up in the run log (the store's row results),
so nothing here grows with the plan: only the plan's pending skips are held.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from itertools import groupby

from sfsync.catalogue import Kind
from sfsync.engine.plans.plan import Plan, PlayEntry, SkipCode
from sfsync.store import Store
from sfsync.store.bulk import chunks
from sfsync.store.runs import Outcome

# A skip that no later plan can undo without a person acting in Salesforce spends a play's trigger; any
# other (write disabled, missing data, exclusions, failures) leaves the record an entrant for the next plan.
FINAL_SKIPS = frozenset({SkipCode.POLICY, SkipCode.CONVERTED_LEAD, SkipCode.DELETED, SkipCode.MODE, SkipCode.REJECTED})

_PlayStep = Callable[[str, Kind, Iterable[str]], object]  # `store.plays.enter` or `.leave`

ENTRIES_CHUNK = 2_000  # play entries whose row results are looked up together


def record_plays(store: Store, plan: Plan, run_id: str, *, complete: bool) -> None:
    """Enter the entrants whose write is done (or whose skip is final), and, when `complete`, leave the
    records that left an audience: in one transaction."""
    if not plan.play_entries:
        return
    pending = {(str(s.workspace.kind), s.workspace.id) for s in plan.skips if s.code not in FINAL_SKIPS}
    with store.transaction():
        for chunk in chunks(plan.play_entries, ENTRIES_CHUNK):
            _record_chunk(store, run_id, chunk, pending, complete=complete)


def _record_chunk(
    store: Store, run_id: str, chunk: list[PlayEntry], pending: set[tuple[str, str]], *, complete: bool
) -> None:
    entering = [e for e in chunk if e.entered]
    outcomes = {
        (kind, workspace_id): found
        for kind in sorted({str(e.kind) for e in entering})
        for workspace_id, found in store.runs.record_outcomes(
            run_id, kind, [e.workspace_id for e in entering if str(e.kind) == kind]
        ).items()
    }

    def done(entry: PlayEntry) -> bool:
        found = outcomes.get((str(entry.kind), entry.workspace_id))
        if found is not None:  # the plan had a change for it: every row of it written
            return found == {Outcome.WRITTEN}
        # No row: either the plan had no change for it, or the apply stopped before its change was sent
        # (an apply that completed reported every change).
        return complete and (str(entry.kind), entry.workspace_id) not in pending

    # A record enters or leaves a play once per plan, so grouping by play keeps the row-by-row outcome.
    if complete:
        _each_play(store.plays.leave, [e for e in chunk if not e.entered])
    _each_play(store.plays.enter, [e for e in entering if done(e)])


def _each_play(record: _PlayStep, entries: list[PlayEntry]) -> None:
    def by_play(entry: PlayEntry) -> tuple[str, str]:
        return (entry.play, str(entry.kind))

    for (play, kind), group in groupby(sorted(entries, key=by_play), key=by_play):
        record(play, Kind(kind), [e.workspace_id for e in group])
