"""Refusals that will not change are not resent forever: held back until something they depend on changes."""

from __future__ import annotations

from engine_support import LEADS, add_people

from sfsync.engine.applying.applier import apply_plan
from sfsync.engine.planning.planner import make_plan
from sfsync.engine.plans.plan import SkipCode
from sfsync.salesforce.port import ErrorDetail


def _refused_create(store, port, write_config):
    add_people(store, {"email": "ada@acme.example", "last_name": "Lovelace", "title": "CTO"})
    loaded = write_config(LEADS)
    other = port.seed("Lead", LastName="Lovelace", Company="A", Email="augusta@acme.example")
    port.duplicate_rules["Lead"] = "LastName"
    first = apply_plan(port, store, loaded, make_plan(port, store, loaded))
    ada = store.workspace.find("person", "ada@acme.example")
    assert [r.outcome for r in first.rows if r.workspace_id == ada.id] == ["rejected"]
    return loaded, ada, other


def test_a_create_refused_by_a_duplicate_rule_is_not_resent_and_the_plan_says_why(store, port, write_config):
    loaded, ada, other = _refused_create(store, port, write_config)
    plan = make_plan(port, store, loaded)
    assert [c for c in plan.changes if c.workspace.id == ada.id] == []
    (skip,) = [s for s in plan.skips if s.workspace.id == ada.id]
    assert skip.code is SkipCode.REJECTED
    assert skip.reason.startswith("rejected by Salesforce on ")
    assert "(DUPLICATES_DETECTED: ambiguous: duplicate rule Lead_Rule refused the create" in skip.reason
    assert f"Lead {other} changes or is deleted" in skip.reason and "--full-refresh" in skip.reason
    writes = len(port.written)
    report = apply_plan(port, store, loaded, plan)
    assert not report.rejected and len(port.written) == writes
    again = make_plan(port, store, loaded)  # still an entrant, still held back
    assert [s.code for s in again.skips if s.workspace.id == ada.id] == [SkipCode.REJECTED]


def test_a_change_to_the_matched_record_lifts_it(store, port, write_config):
    loaded, ada, other = _refused_create(store, port, write_config)
    port.edit("Lead", other, LastName="Byron")
    plan = make_plan(port, store, loaded)
    (create,) = [c for c in plan.changes if c.workspace.id == ada.id]
    assert create.match.startswith("retrying: rejected last time (DUPLICATES_DETECTED)")
    apply_plan(port, store, loaded, plan)
    assert any(r["Email"] == "ada@acme.example" for r in port.live("Lead"))
    assert store.rejections.all() == {}


def test_a_change_to_the_workspace_record_or_a_full_refresh_lifts_it(store, port, write_config):
    loaded, ada, _other = _refused_create(store, port, write_config)
    assert make_plan(port, store, loaded, full_refresh=True).changes != ()
    add_people(store, {"email": "ada@acme.example", "last_name": "Lovelace", "title": "Countess"})
    assert [c.action for c in make_plan(port, store, loaded).changes if c.workspace.id == ada.id] == ["create"]


def test_a_terminal_rejection_of_a_record_already_written_is_not_replanned_forever(store, port, write_config):
    add_people(store, {"email": "ada@acme.example", "last_name": "Lovelace", "title": "CTO"})
    loaded = write_config(LEADS.replace("Title: person.title", "Title: {from: person.title, policy: owned}"))
    apply_plan(port, store, loaded, make_plan(port, store, loaded))
    add_people(store, {"email": "ada@acme.example", "last_name": "Lovelace", "title": "Chief Technology Officer"})
    port.reject_next["Lead"] = ErrorDetail("STRING_TOO_LONG", "Title: data value too large", ("Title",))
    update = make_plan(port, store, loaded)
    assert [c.action for c in update.changes] == ["update"]
    assert apply_plan(port, store, loaded, update).rejected
    held = make_plan(port, store, loaded)
    assert held.changes == ()
    assert [s.code for s in held.skips] == [SkipCode.REJECTED]
    assert "(STRING_TOO_LONG: Title: data value too large)" in held.skips[0].reason
    add_people(store, {"email": "ada@acme.example", "last_name": "Lovelace", "title": "CTO, Analytical"})
    retried = make_plan(port, store, loaded)
    assert [c.action for c in retried.changes] == ["update"]
    apply_plan(port, store, loaded, retried)
    assert port.live("Lead")[0]["Title"] == "CTO, Analytical" and store.rejections.all() == {}
