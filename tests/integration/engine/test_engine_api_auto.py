"""`sync.api: auto` above the Bulk threshold: updates of records a person edited recently stay on REST, guarded.

Records created through the control API as the integration user stand for records sfsync wrote (not a
person's); those created as ada were touched by a person just now.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest
from engine_support import LEADS, add_people

from sfsync.engine.applying.applier import apply_plan
from sfsync.engine.planning.planner import make_plan
from sfsync.salesforce.adapter import SalesforceAdapter
from sfsync.salesforce.port import GuardedUpdate, Record, WriteOperation, WriteResult
from sfsync.salesforce.write_requests import Read, Write, Written

pytestmark = pytest.mark.org

AUTO = LEADS.replace("write: true,", "write: true, api: auto, bulk_threshold: 2,")


class _Watching:
    """The adapter, noting which update targets went by REST (guarded) and which by Bulk; `person` runs
    once right before the first guarded update is sent."""

    def __init__(self, port: SalesforceAdapter, person: Any = None) -> None:
        self._port, self._person = port, person
        self.guarded: list[str] = []
        self.bulk: list[tuple[str, list[str]]] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(self._port, name)

    def send_write(self, write: Write, then: Sequence[Read] = ()) -> Written:
        guarded = [u.id for u in write.updates if isinstance(u, GuardedUpdate)]
        if guarded and self._person is not None:
            person, self._person = self._person, None
            person()
        self.guarded += guarded
        return self._port.send_write(write, then)

    def bulk_write(
        self, sobject: str, operation: WriteOperation, records: Sequence[Record], external_id_field: str | None = None
    ) -> list[WriteResult]:
        self.bulk.append((str(operation), [str(r.get("Id") or r.get("Email")) for r in records]))
        return self._port.bulk_write(sobject, operation, records, external_id_field)


def _as_sfsync(org: Any, n: int) -> str:
    values = {"LastName": f"Quiet{n}", "Company": "Radium", "Email": f"quiet{n}@radium.example"}
    result = org.handle.control("records/Lead", "POST", {"as": "integration@acme.local", "values": values})
    return str(result["id"])


def _world(org: Any, store: Any) -> tuple[str, list[str]]:
    touched = org.create("Lead", LastName="Curie", Company="Radium", Email="marie@radium.example")
    quiet = [_as_sfsync(org, n) for n in range(3)]
    add_people(
        store,
        {"email": "marie@radium.example", "last_name": "Curie", "title": "Physicist"},
        *({"email": f"quiet{n}@radium.example", "last_name": f"Quiet{n}", "title": "Analyst"} for n in range(3)),
        {"email": "new@radium.example", "last_name": "New", "title": "Chemist"},
    )
    return touched, quiet


def test_a_recently_touched_record_is_updated_over_rest_and_the_rest_goes_bulk(org, store, write_config):
    touched, quiet = _world(org, store)
    port, loaded = _Watching(org.port()), write_config(AUTO)
    plan = make_plan(port, store, loaded)  # type: ignore[arg-type]
    (estimate,) = plan.estimates
    assert (estimate.api, estimate.creates, estimate.updates, estimate.guard) == ("bulk", 1, 4, "none")
    # the create job: its keys' query and the job; the 3 untouched updates: a check query job and an ingest job;
    # the touched update: a re-read and a composite call; and the query job that finds the recently edited
    assert estimate.calls == (1 + 5) + (3 + 5) + 2 + 3
    (note,) = [d for d in plan.diagnostics if d.path == "sync.api"]
    assert (note.severity, note.summary) == ("warning", "Lead: 3 Bulk updates are not guarded")
    assert "1 of its 4 updates, of records a person edited in the 7 days before the read, goes over REST" in note.detail
    report = apply_plan(port, store, loaded, plan)  # type: ignore[arg-type]
    assert port.guarded == [touched]
    assert sorted((op, sorted(ids)) for op, ids in port.bulk) == [
        ("insert", ["new@radium.example"]), ("update", sorted(quiet)),
    ]  # fmt: skip
    assert [r.outcome for r in report.rows] == ["written"] * 5
    assert org.records("Lead", "marie@radium.example")[0]["Title"] == "Physicist"


def test_a_person_edit_racing_the_rest_update_is_refused_not_overwritten(org, store, write_config):
    touched, _quiet = _world(org, store)
    person = _Watching(org.port(), lambda: org.edit("Lead", touched, Title="Director"))
    loaded = write_config(AUTO)
    plan = make_plan(person, store, loaded)  # type: ignore[arg-type]
    report = apply_plan(person, store, loaded, plan)  # type: ignore[arg-type]
    (row,) = [r for r in report.rows if r.sf_id == touched]
    assert row.outcome == "conflict"
    assert org.records("Lead", "marie@radium.example")[0]["Title"] == "Director"


def test_explicit_bulk_keeps_every_update_on_bulk(org, store, write_config):
    touched, quiet = _world(org, store)
    port, loaded = _Watching(org.port()), write_config(AUTO.replace("api: auto", "api: bulk"))
    plan = make_plan(port, store, loaded)  # type: ignore[arg-type]
    assert plan.estimates[0].calls == (1 + 5) + (3 + 5)  # the create job and its keys' query; the updates' check, job
    apply_plan(port, store, loaded, plan)  # type: ignore[arg-type]
    assert port.guarded == []
    assert [sorted(ids) for op, ids in port.bulk if op == "update"] == [sorted([touched, *quiet])]
