"""Changes put in plan order from sorted runs spooled to disk: the order of sorting them all in memory."""

from __future__ import annotations

import pytest
from engine_support import CONTACTS, add_companies, add_people
from hypothesis import given, settings
from hypothesis import strategies as st

from sfsync.engine.planning import change_order
from sfsync.engine.planning.change_order import OrderedChanges
from sfsync.engine.planning.planner import make_plan
from sfsync.engine.plans.codec import RECORD_LISTS, encode
from sfsync.engine.plans.file import PlanSpool
from sfsync.engine.plans.json_form import plan_json, plan_to_json
from sfsync.engine.plans.plan import Action, RecordChange, SkipCode, WorkspaceRef
from sfsync.engine.plans.records import EncodedRecords
from sfsync.engine.plans.sections import record_line

CHANGES = st.lists(
    st.tuples(st.integers(0, 1), st.sampled_from(["Account", "Contact", "Lead"]), st.booleans(), st.text(max_size=6)),
    max_size=60,
    unique_by=lambda item: item[3],
)


def _change(batch: int, sobject: str, create: bool, key: str) -> RecordChange:
    action = Action.CREATE if create else Action.UPDATE
    return RecordChange(
        key, sobject, action, WorkspaceRef("person", key, key), None if create else "003x", "", (), (), batch
    )


def _plan_order(change: RecordChange) -> tuple[int, str, bool, str]:
    return (change.batch, change.sobject, change.action != Action.CREATE, change.key)


@settings(max_examples=60, deadline=None)
@given(items=CHANGES, run_bytes=st.integers(1, 2000))
def test_changes_read_back_in_plan_order_whatever_the_runs(items, run_bytes) -> None:
    changes = [_change(*item) for item in items]
    ordered = OrderedChanges(run_bytes=run_bytes)
    for change in changes:
        ordered.add(change)
    assert ordered.count == len(changes)
    if len(changes) > 1 and run_bytes == 1:
        assert ordered.runs == len(changes)  # every change its own run: the merge does all the ordering
    assert list(ordered) == sorted(changes, key=_plan_order)


def test_a_plan_ordered_through_runs_is_the_plan_sorted_in_memory(store, port, write_config) -> None:
    domains = [f"c{n:02d}.example" for n in range(12)]
    add_companies(store, *({"domain": d, "name": d.upper()} for d in reversed(domains)))
    add_people(
        store, *({"email": f"p{n}@{d}", "last_name": f"P{n}", "company_domain": d} for n, d in enumerate(domains))
    )
    loaded = write_config(CONTACTS)
    in_memory = make_plan(port, store, loaded)
    store.derivations.clear()  # derived again, through runs this time
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(change_order, "RUN_BYTES", 1)  # one run per change
        spilled = make_plan(port, store, loaded)
    assert spilled == in_memory and spilled.counts() == in_memory.counts()
    assert [c.sobject for c in spilled.changes] == ["Account"] * 12 + ["Contact"] * 12
    assert [c.key for c in spilled.changes] == sorted(c.key for c in spilled.changes[:12]) + sorted(
        c.key for c in spilled.changes[12:]
    )


def test_a_company_written_for_its_people_is_no_longer_skipped_as_out_of_play(store, port, write_config) -> None:
    # The play's audience is people: each company's visit skips its Account ("not in a play"), and the
    # visit of its first person, later, writes the Account after all and drops that skip.
    add_companies(store, {"domain": "acme.example", "name": "Acme"}, {"domain": "idle.example", "name": "Idle"})
    add_people(store, {"email": "ada@acme.example", "last_name": "Lovelace", "company_domain": "acme.example"})
    plan = make_plan(port, store, write_config(CONTACTS))
    assert [(c.sobject, c.action) for c in plan.changes] == [("Account", Action.CREATE), ("Contact", Action.CREATE)]
    assert [(s.workspace.label, s.sobject, s.code) for s in plan.skips] == [
        ("idle.example", "Account", SkipCode.NOT_IN_PLAY)
    ]
    assert plan.counts()["Account"] == {"create": 1, "update": 0, "skip": 1}


@settings(max_examples=40, deadline=None)
@given(items=CHANGES, run_bytes=st.integers(1, 2000))
def test_each_line_handed_on_is_its_change_encoded_in_plan_order(items, run_bytes) -> None:
    changes = [_change(*item) for item in items]
    ordered = OrderedChanges(run_bytes=run_bytes)
    for change in changes:
        ordered.add(change)
    lines = list(ordered.lines())
    expected = sorted(changes, key=_plan_order)
    assert [line.line for line in lines] == [record_line("change", encode(change)) for change in expected]
    assert [(line.record, line.create) for line in lines] == [
        ((c.workspace.kind, c.workspace.id, c.sobject), c.action is Action.CREATE) for c in expected
    ]


def test_a_plan_made_into_a_spool_has_the_json_form_of_the_plan_made_in_memory(store, port, write_config) -> None:
    # The spooled plan's view takes each record's JSON as it was spooled, without decoding it.
    add_companies(store, {"domain": "acme.example", "name": "Acme"}, {"domain": "idle.example", "name": "Idle"})
    add_people(store, {"email": "ada@acme.example", "last_name": "Lovelace", "company_domain": "acme.example"})
    loaded = write_config(CONTACTS)
    in_memory = plan_to_json(make_plan(port, store, loaded))
    spool = PlanSpool()
    try:
        spooled = make_plan(port, store, loaded, spool=spool)
        assert isinstance(spooled.changes, EncodedRecords)
        document = plan_json(spooled)
        assert {name: list(document[name]) for name in RECORD_LISTS} == {name: in_memory[name] for name in RECORD_LISTS}
        assert len(in_memory["changes"]) == 2 and len(in_memory["skips"]) == 1
    finally:
        spool.discard()
