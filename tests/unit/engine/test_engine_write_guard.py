"""The write guard's parts over the fake port: settling re-reads, 412s as conflicts, the estimate's calls."""

from __future__ import annotations

import datetime as dt

from engine_support import LEADS, add_people
from fake_port import FakePort

from sfsync.config.models import Config
from sfsync.engine.applying.applier import apply_plan
from sfsync.engine.applying.settle import guarded_retrieve
from sfsync.engine.planning.call_estimates import estimates
from sfsync.engine.planning.planner import make_plan


class _Clock:
    def __init__(self, now: dt.datetime) -> None:
        self.now = now
        self.slept: list[float] = []

    def __call__(self) -> dt.datetime:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += dt.timedelta(seconds=seconds)


def _stamped(port: FakePort, lead: str) -> dt.datetime:
    return dt.datetime.fromisoformat(str(port.records["Lead"][lead]["LastModifiedDate"]).replace("+0000", "+00:00"))


def test_a_target_stamped_in_the_current_second_is_read_again_once_that_second_is_over() -> None:
    port = FakePort()
    lead = port.seed("Lead", LastName="Curie", Company="Radium", Title="Physicist")
    clock = _Clock(_stamped(port, lead) + dt.timedelta(milliseconds=300))
    rows = guarded_retrieve(port, "Lead", [lead], ["Title"], clock=clock, sleep=clock.sleep)
    assert port.calls["retrieve"] == 2
    assert clock.slept and clock.now >= _stamped(port, lead) + dt.timedelta(seconds=2)
    assert rows[0] is not None and rows[0]["LastModifiedDate"] == port.records["Lead"][lead]["LastModifiedDate"]


def test_a_target_stamped_in_an_earlier_second_is_read_once() -> None:
    port = FakePort()
    lead = port.seed("Lead", LastName="Curie", Company="Radium")
    clock = _Clock(_stamped(port, lead) + dt.timedelta(seconds=5))
    guarded_retrieve(port, "Lead", [lead], ["Title"], clock=clock, sleep=clock.sleep)
    assert (port.calls["retrieve"], clock.slept) == (1, [])


def _config(write_config, guard: str, api: str = "rest") -> Config:
    return write_config(f"sync: {{write: true, write_guard: {guard}, api: {api}}}\n").config


def test_the_estimate_counts_one_composite_call_per_25_guarded_updates(write_config) -> None:
    changes = {"Lead": [10, 230]}  # creates, updates
    (guarded,) = estimates(_config(write_config, "conditional"), changes)
    (rechecked,) = estimates(_config(write_config, "recheck"), changes)
    # the first chunk's check alone; the creates' write; the updates: 8 + 2 composite requests (chunks of 199)
    # or 2 Collections requests; every later check rides in the write before it
    assert (guarded.calls, guarded.guard) == (1 + 1 + 10, "conditional")
    assert (rechecked.calls, rechecked.guard) == (1 + 1 + 2, "recheck")
    (bulk,) = estimates(_config(write_config, "conditional", "bulk"), changes)
    assert bulk.guard == "none"


def test_an_update_refused_by_its_guard_is_a_conflict_and_its_record_is_read_into_the_mirror(store, port, write_config):
    lead = port.seed("Lead", LastName="Curie", Company="Radium", Email="marie@radium.example")
    add_people(store, {"email": "marie@radium.example", "last_name": "Curie", "title": "Physicist"})
    loaded = write_config(LEADS)
    plan = make_plan(port, store, loaded)
    port.before_next_write = lambda: port.edit("Lead", lead, Title="Director")  # after the check, before the write
    report = apply_plan(port, store, loaded, plan)
    (row,) = [r for r in report.rows if r.sf_id == lead]
    assert row.outcome == "conflict" and "Title" in row.dropped
    assert port.records["Lead"][lead]["Title"] == "Director"
    mirrored = store.mirror.get("Lead", lead)
    assert mirrored is not None and mirrored.fields["Title"] == "Director"
    assert port.calls["composite"] == 1 and port.calls["collections"] == 0
