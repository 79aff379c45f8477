"""The Bulk path's check before writing: one query job per object, whatever the rows, as safe as the REST re-read."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from engine_support import LEADS, add_people, config_applied

from sfsync.engine.applying import recheck
from sfsync.engine.applying.applier import apply_plan
from sfsync.engine.planning.planner import make_plan

pytestmark = pytest.mark.org

BULK = LEADS.replace("write: true,", "write: true, api: bulk,")


def _people(count: int, start: int = 0) -> list[dict[str, str]]:
    return [
        {"email": f"p{n}@bulk-recheck.example", "last_name": f"P{n}", "title": "Analyst"}
        for n in range(start, start + count)
    ]


def test_a_person_edit_between_plan_and_bulk_apply_is_a_conflict(org, store, write_config):
    lead = org.create("Lead", LastName="Curie", Company="Radium", Email="marie@radium.example")
    add_people(store, {"email": "marie@radium.example", "last_name": "Curie", "title": "Physicist"})
    port, loaded = org.port(), write_config(BULK)
    plan = make_plan(port, store, loaded)
    org.edit("Lead", lead, Title="Director")
    report = apply_plan(port, store, loaded, plan)
    (row,) = [r for r in report.rows if r.sf_id == lead]
    assert "Title" in row.dropped
    assert org.records("Lead", "marie@radium.example")[0]["Title"] == "Director"


def test_a_record_appearing_between_plan_and_bulk_apply_is_not_created_again(org, store, write_config):
    add_people(store, {"email": "new@radium.example", "last_name": "New", "title": "Boss"})
    port, loaded = org.port(), write_config(BULK)
    plan = make_plan(port, store, loaded)
    org.create("Lead", LastName="New", Company="Radium", Email="NEW@radium.example")
    report = apply_plan(port, store, loaded, plan)
    assert [r.outcome for r in report.rows] == ["conflict"]
    assert len(org.records("Lead", "new@radium.example")) == 1


def test_a_target_deleted_between_plan_and_bulk_apply_is_not_written(org, store, write_config):
    lead = org.create("Lead", LastName="Gone", Company="Radium", Email="gone@radium.example")
    add_people(store, {"email": "gone@radium.example", "last_name": "Gone", "title": "Physicist"})
    port, loaded = org.port(), write_config(BULK)
    plan = make_plan(port, store, loaded)
    org.handle.control(f"records/Lead/{lead}?as=ada@acme.local", "DELETE")
    report = apply_plan(port, store, loaded, plan)
    assert [(r.outcome, r.message) for r in report.rows] == [("conflict", "the record is gone from Salesforce")]


def test_bulk_apply_checks_with_the_same_calls_for_any_number_of_rows(org, store, write_config):
    port, loaded = org.port(), write_config(BULK)
    calls = []
    for batch in (_people(3), _people(60, start=3)):
        add_people(store, *batch)
        plan = make_plan(port, store, loaded)
        assert len(plan.changes) == len(batch)
        before = dict(port.call_counts().by_kind)
        apply_plan(port, store, loaded, plan)
        after = port.call_counts().by_kind
        calls.append({kind: n - before.get(kind, 0) for kind, n in after.items() if n != before.get(kind, 0)})
    assert calls[0] == calls[1]
    # One job of creates, checked by one query of its keys: nothing is re-read per row or per collection.
    assert calls[1].get("query") == 1 and "retrieve" not in calls[1], calls[1]


def test_what_the_bulk_check_read_reaches_the_mirror_and_the_write_is_not_proposed_again(org, store, write_config):
    lead = org.create("Lead", LastName="Curie", Company="Radium", Email="marie@radium.example")
    add_people(store, {"email": "marie@radium.example", "last_name": "Curie", "title": "Physicist"})
    port, loaded = org.port(), write_config(BULK)
    plan = make_plan(port, store, loaded)
    org.edit("Lead", lead, Title="Director", Company="Radium Institute")
    apply_plan(port, store, loaded, plan)
    mirrored = store.mirror.get_many("Lead", [lead])[lead].fields
    assert (mirrored["Title"], mirrored["Company"]) == ("Director", "Radium Institute")
    again = make_plan(port, store, loaded)
    assert not [f for c in again.changes if c.sf_id == lead for f in c.fields if f.field == "Title"]


def test_a_value_set_in_sfsyncs_own_save_is_checked_however_old_its_stamp(org, store, write_config, monkeypatch):
    # Incremental reads leave out records sfsync modified last, so the mirror does not know what automation
    # set in that save; the Bulk check must look at them even when their stamp is before the plan's watermark.
    add_people(store, {"email": "flow@radium.example", "last_name": "Flow"})
    port, loaded = org.port(), write_config(BULK)
    config_applied(store, loaded)  # the plan records its read: the mirror has a watermark after the apply
    apply_plan(port, store, loaded, make_plan(port, store, loaded))
    (lead,) = org.records("Lead", "flow@radium.example")
    as_sfsync = {"as": org.handle.username, "values": {"Title": "Set by a flow"}}
    assert org.handle.control(f"records/Lead/{lead['Id']}", "PATCH", as_sfsync)["success"]
    time.sleep(1.1)  # stamps have whole seconds: the next edit moves the watermark past the flow's
    org.create("Lead", LastName="Other", Company="Elsewhere", Email="other@elsewhere.example")
    add_people(store, {"email": "flow@radium.example", "last_name": "Flow", "title": "Analyst"})
    plan = make_plan(port, store, loaded)
    (change,) = [c for c in plan.changes if c.sf_id == lead["Id"]]
    assert [(f.field, f.before) for f in change.fields if f.field == "Title"] == [("Title", None)]
    monkeypatch.setattr(recheck, "LOOKBACK", dt.timedelta(0))
    report = apply_plan(port, store, loaded, plan)
    assert [r.dropped for r in report.rows if r.sf_id == lead["Id"]] == [("Title",)]
    assert org.records("Lead", "flow@radium.example")[0]["Title"] == "Set by a flow"
