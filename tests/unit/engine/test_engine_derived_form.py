"""A record's derived output in the cache's JSON form: put together from the plan's own lines, or encoded."""

from __future__ import annotations

import json

from engine_support import CONTACTS, add_companies, add_people

from sfsync.catalogue import Kind
from sfsync.engine.planning.derived_form import Derived, from_json, to_json, to_json_text
from sfsync.engine.planning.plan_output import PlanOutput
from sfsync.engine.planning.planner import make_plan
from sfsync.engine.plans.plan import PlayEntry, Skip, SkipCode, WorkspaceRef


def _plan(store, port, write_config):
    add_companies(store, {"domain": "acme.example", "name": "Acme"})
    add_people(
        store,
        {"email": "ada@acme.example", "last_name": "Lovelace \u00e9\x00", "company_domain": "acme.example"},
        {"email": "bob@acme.example", "last_name": "Bob", "company_domain": "acme.example"},
    )
    loaded = write_config(CONTACTS)
    return loaded, make_plan(port, store, loaded)


def _share(plan):
    """A share with every part: the plan's changes, a skip and play entries with awkward text, a failure."""
    ada = WorkspaceRef("person", "p_1", "ada@acme.example \ufffe")
    return Derived(
        changes=list(plan.changes),
        skips=[Skip(ada, "Contact", SkipCode.CONFLICT, "set in Salesforce \x00 \u00e9")],
        entries=[PlayEntry("everyone", Kind.PERSON, "p_1"), PlayEntry("everyone", Kind.PERSON, "p_2", False)],
        failures=[(("defaults", "Contact", "Description", 0), "division by zero")],
    )


def test_the_text_put_together_from_the_plans_lines_is_the_outputs_json(store, port, write_config) -> None:
    loaded, plan = _plan(store, port, write_config)
    derived = _share(plan)
    assert len(derived.changes) >= 2
    encoded = PlanOutput(loaded).add(derived)
    text = to_json_text(derived, encoded)
    assert text is not None
    assert json.loads(text) == to_json(derived) == json.loads(to_json_text(derived) or "")
    assert from_json(json.loads(text)) == derived
    assert to_json_text(Derived(), PlanOutput(loaded).add(Derived())) is None


def test_each_records_cached_output_is_its_share_of_the_first_plan(store, port, write_config) -> None:
    _loaded, plan = _plan(store, port, write_config)
    cached = [from_json(c.output).changes for c in store.derivations.cached().values()]
    assert len(cached) == 3 and plan.changes
    assert sorted((c for changes in cached for c in changes), key=lambda c: c.key) == sorted(
        plan.changes, key=lambda c: c.key
    )


def test_a_share_added_by_its_cached_json_form_gives_the_plan_the_same_lines(store, port, write_config) -> None:
    loaded, plan = _plan(store, port, write_config)
    derived = _share(plan)
    by_value, by_form = PlanOutput(loaded), PlanOutput(loaded)
    by_value.add(derived)
    by_form.add_cached(json.loads(to_json_text(derived) or ""))
    assert [o.line for o in by_form.ordered_lines()] == [o.line for o in by_value.ordered_lines()]
    assert list(by_form.entry_lines()) == list(by_value.entry_lines())
    assert list(by_form.skips()) == list(by_value.skips()) == derived.skips
    assert by_form.diagnostics == by_value.diagnostics and len(by_form.diagnostics) == 1
