"""Play entrants after an apply: members once every row of theirs was written or their skip is final."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from sfsync.catalogue import Kind
from sfsync.engine.applying import play_outcomes
from sfsync.engine.applying.play_outcomes import record_plays
from sfsync.engine.plans.plan import PlayEntry, Skip, SkipCode, WorkspaceRef
from sfsync.store.runs import Outcome, RowResult

# p1 written; p2 linked (still owes its values); p3 written on one object, rejected on another; p4 no change,
# skipped for good; p5 no change, its skip pending; p6 no row: no change and no skip, or (in an apply that
# stopped early) a change not sent yet.
ROWS = [
    ("p1", Outcome.WRITTEN), ("p2", Outcome.SKIPPED), ("p3", Outcome.WRITTEN), ("p3", Outcome.REJECTED),
]  # fmt: skip
SKIPS = [("p4", SkipCode.POLICY), ("p5", SkipCode.NO_EMAIL)]


def _applied(store, *, leaving=("gone",)):
    run = store.runs.start("apply")
    store.runs.record([RowResult(run.id, "Lead", "update", outcome, None, "person", who) for who, outcome in ROWS])
    store.plays.enter("everyone", Kind.PERSON, list(leaving))
    entries = [PlayEntry("everyone", Kind.PERSON, f"p{n}") for n in range(1, 7)]
    entries += [PlayEntry("everyone", Kind.PERSON, who, entered=False) for who in leaving]
    skips = [Skip(WorkspaceRef(Kind.PERSON, who), "Lead", code, "") for who, code in SKIPS]
    return run.id, SimpleNamespace(play_entries=entries, skips=skips)


def _members(store):
    return sorted(m.workspace_id for m in store.plays.members("everyone", Kind.PERSON))


@pytest.mark.parametrize("chunk", [1, 3, 2_000])
def test_a_complete_apply_makes_members_of_the_finished_entrants_and_lets_the_leavers_go(store, monkeypatch, chunk):
    monkeypatch.setattr(play_outcomes, "ENTRIES_CHUNK", chunk)  # the same outcome whatever the chunk
    run_id, plan = _applied(store)
    record_plays(store, plan, run_id, complete=True)
    assert _members(store) == ["p1", "p4", "p6"]


def test_an_interrupted_apply_makes_members_only_of_those_it_wrote_and_keeps_the_leavers(store):
    run_id, plan = _applied(store)
    record_plays(store, plan, run_id, complete=False)
    assert _members(store) == ["gone", "p1"]
