"""The REST path's checks carried by the write before them (engine/applying/pipeline).

Each chunk's write carries the next chunk's check in the same call, so only an object's first chunk
is checked by a call of its own; a lost answer, or reads needed after the write, leave the next
chunk checked alone. A record a person makes while a chunk is written is still seen by the next
chunk's check, which runs after that write.
"""

from __future__ import annotations

import pytest
from engine_support import LEADS, add_people

from sfsync.engine.applying.applier import apply_plan
from sfsync.engine.applying.runs import GUARDED_CHUNK
from sfsync.engine.planning.planner import make_plan
from sfsync.salesforce.query import Query
from sfsync.salesforce.write_requests import Retrieve

RECHECK = LEADS.replace("write: true,", "write: true, write_guard: recheck,")


def _people(store, count: int) -> None:
    add_people(store, *({"email": f"p{n}@acme.example", "last_name": f"P{n}"} for n in range(count)))


def test_each_write_carries_the_next_chunks_check(store, port, write_config):
    _people(store, 450)
    loaded = write_config(LEADS)
    plan = make_plan(port, store, loaded)
    port.calls.clear()
    report = apply_plan(port, store, loaded, plan)
    assert report.counts() == {"written": 450}
    # Chunks of 199, 199 and 52 creates: the first checked by a query of its own, the two others carried.
    assert port.calls["query"] == 1 and port.calls["collections"] == 3
    assert [len(q.where.values) for q in port.carried if isinstance(q, Query)] == [GUARDED_CHUNK, 52]


def test_a_lost_answer_leaves_the_next_chunk_checked_by_a_call_of_its_own(store, port, write_config):
    _people(store, 300)
    loaded = write_config(RECHECK)  # chunks of 200
    plan = make_plan(port, store, loaded)
    port.calls.clear()
    port.drop_next_writes = 1
    report = apply_plan(port, store, loaded, plan)
    assert report.counts() == {"unknown": 200, "written": 100}
    assert port.calls["query"] == 2 and port.carried == []


def test_a_record_made_while_a_chunk_is_written_is_seen_by_the_next_chunks_carried_check(store, port, write_config):
    _people(store, 250)
    loaded = write_config(RECHECK)
    plan = make_plan(port, store, loaded)
    later = [c for c in plan.changes if c.action.value == "create"][-1].workspace.label
    port.before_next_write = lambda: port.seed("Lead", LastName="Typed", Company="Hand", Email=later)
    port.calls.clear()
    report = apply_plan(port, store, loaded, plan)
    (row,) = [r for r in report.rows if r.workspace_label == later]
    assert row.outcome == "conflict" and "appeared in Salesforce since the plan" in row.message
    assert port.calls["query"] == 1  # the second chunk's check was the one the first write carried
    assert [r["Email"] for r in port.live("Lead")].count(later) == 1


def test_guarded_updates_carry_the_next_chunks_re_read_in_their_last_composite_call(store, port, write_config):
    for n in range(250):
        port.seed("Lead", LastName=f"P{n}", Company="Acme", Email=f"p{n}@acme.example")
    add_people(store, *({"email": f"p{n}@acme.example", "last_name": f"P{n}", "title": "CTO"} for n in range(250)))
    loaded = write_config(LEADS)
    plan = make_plan(port, store, loaded)
    assert {c.action.value for c in plan.changes} == {"update"} and len(plan.changes) == 250
    port.calls.clear()
    report = apply_plan(port, store, loaded, plan)
    assert report.counts() == {"written": 250}
    # 199 updates in 8 composite calls, then 51 in 3; the second chunk's re-read rode in the eighth.
    assert port.calls["composite"] == 8 + 3 and port.calls["retrieve"] == 1
    (carried,) = port.carried
    assert isinstance(carried, Retrieve) and len(carried.ids) == 51 and "LastModifiedDate" in carried.fields


@pytest.mark.parametrize(("config", "count"), [(LEADS, 398), (LEADS, 450), (RECHECK, 450)])
def test_the_plans_estimate_counts_the_calls_apply_makes(store, port, write_config, config: str, count: int):
    # Creates under both guards: an object's first check alone, then one write per chunk carrying the next check.
    _people(store, count)
    loaded = write_config(config)
    plan = make_plan(port, store, loaded)
    (estimate,) = plan.estimates
    port.calls.clear()
    report = apply_plan(port, store, loaded, plan)
    assert report.counts() == {"written": count}
    sent = sum(port.calls[kind] for kind in ("query", "retrieve", "collections", "composite"))
    assert estimate.calls == sent, dict(port.calls)
