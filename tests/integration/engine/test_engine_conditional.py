"""The write guard on the REST path: a person's edit between apply's check and its write is never overwritten.

The person edits through the local org's own control API at the exact moment named (after the check,
just before the write), through a port that hands over to the real adapter.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import pytest
from engine_support import LEADS, add_people

from sfsync.engine.applying.applier import apply_plan
from sfsync.engine.planning.planner import make_plan
from sfsync.salesforce.adapter import SalesforceAdapter
from sfsync.salesforce.port import Record
from sfsync.salesforce.write_requests import Read, Write, Written

pytestmark = pytest.mark.org

RECHECK = LEADS.replace("write: true,", "write: true, write_guard: recheck,")


class _Racing:
    """The adapter, with `person` run once right before the first update is sent (or after the first re-read)."""

    def __init__(self, port: SalesforceAdapter, person: Callable[[], None], *, after_read: bool = False) -> None:
        self._port, self._person, self._after_read = port, person, after_read
        self.retrieves = 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self._port, name)

    def _race(self) -> None:
        person, self._person = self._person, lambda: None
        person()

    def retrieve(self, sobject: str, ids: Sequence[str], fields: Sequence[str]) -> list[Record | None]:
        rows = self._port.retrieve(sobject, ids, fields)
        self.retrieves += 1
        if self._after_read:
            self._race()
        return rows

    def send_write(self, write: Write, then: Sequence[Read] = ()) -> Written:
        if write.updates:
            self._race()
        return self._port.send_write(write, then)


def _curie(org: Any, store: Any) -> str:
    lead = str(org.create("Lead", LastName="Curie", Company="Radium", Email="marie@radium.example"))
    add_people(store, {"email": "marie@radium.example", "last_name": "Curie", "title": "Physicist"})
    return lead


def test_an_edit_after_the_check_is_refused_by_the_guard_and_read_into_the_mirror(org, store, write_config):
    lead = _curie(org, store)
    port, loaded = org.port(), write_config(LEADS)
    plan = make_plan(port, store, loaded)
    racing = _Racing(port, lambda: org.edit("Lead", lead, Title="Director"))
    report = apply_plan(racing, store, loaded, plan)
    (row,) = [r for r in report.rows if r.sf_id == lead]
    assert row.outcome == "conflict" and "If-Unmodified-Since" in row.message
    assert org.records("Lead", "marie@radium.example")[0]["Title"] == "Director"
    mirrored = store.mirror.get("Lead", lead)
    assert mirrored is not None and mirrored.fields["Title"] == "Director"
    assert port.call_counts().by_kind.get("composite_update") == 1


def test_with_recheck_the_same_edit_is_overwritten(org, store, write_config):
    lead = _curie(org, store)
    port, loaded = org.port(), write_config(RECHECK)
    plan = make_plan(port, store, loaded)
    report = apply_plan(_Racing(port, lambda: org.edit("Lead", lead, Title="Director")), store, loaded, plan)
    assert [r.outcome for r in report.rows if r.sf_id == lead] == ["written"]
    assert org.records("Lead", "marie@radium.example")[0]["Title"] == "Physicist"
    assert "composite_update" not in port.call_counts().by_kind


def test_an_edit_in_the_same_second_as_the_check_is_caught_by_the_settling_re_read(org, store, write_config):
    lead = _curie(org, store)
    port, loaded = org.port(), write_config(LEADS)
    plan = make_plan(port, store, loaded)
    # Right after the check's read of a record stamped this very second: the edit may carry the same stamp.
    racing = _Racing(port, lambda: org.edit("Lead", lead, Title="Director"), after_read=True)
    report = apply_plan(racing, store, loaded, plan)
    (row,) = [r for r in report.rows if r.sf_id == lead]
    assert row.outcome == "conflict" and row.dropped == ("Title",)
    assert racing.retrieves >= 2  # the suspect target was read again once its second was over
    assert org.records("Lead", "marie@radium.example")[0]["Title"] == "Director"
