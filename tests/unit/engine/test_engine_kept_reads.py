"""What a plan keeps of its read and derivation, by the config it is made with (engine/planning/keeping)."""

from __future__ import annotations

from engine_support import CONTACTS, add_companies, add_people

from sfsync.engine.applying.applier import apply_plan
from sfsync.engine.planning.planner import make_plan
from sfsync.engine.reading.fields import READ_OBJECTS

# A default's value changed: derivations differ, every object is read as with CONTACTS.
PARTNER = CONTACTS.replace("{LeadSource: Other}", "{LeadSource: Partner}")
# A read mapping added: Contacts are read otherwise.
READ_TITLE = CONTACTS.replace(
    "Title: {from: person.title, policy: if_unchanged}", "Title: {from: person.title, direction: read}"
)


def _workspace(store, port) -> None:
    port.seed("Contact", LastName="Lovelace", Email="ada@acme.example", Title="Countess")
    add_companies(store, {"domain": "acme.example", "name": "Acme", "intent_level": "High"})
    add_people(
        store,
        {"email": "ada@acme.example", "last_name": "Lovelace", "company_domain": "acme.example"},
        {"email": "bob@acme.example", "last_name": "Builder", "company_domain": "acme.example"},
    )


def _state(store):
    watermarks = {name: store.mirror.watermark(name) for name in ("Account", "Contact", "Lead")}
    return watermarks, store.read_shapes.shapes(), store.derivations.state()


def test_a_store_that_never_applied_keeps_the_first_plans_read(store, port, write_config):
    _workspace(store, port)
    loaded = write_config(CONTACTS)
    plan = make_plan(port, store, loaded)
    assert plan.recorded and store.read_shapes.shapes() and store.derivations.state() is not None
    apply_plan(port, store, loaded, plan)
    assert store.mirror.watermark("Contact") is not None  # read with this config's shape: not forgotten
    port.calls.clear()
    again = make_plan(port, store, loaded)
    assert port.calls["query"] == len(READ_OBJECTS)  # one query per object read
    # From the cache (the fake org's writes read back derive their company again; the local org's are
    # left out: tests/cli/test_plan_settled.py derives nothing there).
    assert again.derivation is not None and again.derivation.everything == "" and again.changes == ()


def test_a_config_read_alike_keeps_its_cache_aside_for_its_apply(store, port, write_config):
    _workspace(store, port)
    applied = write_config(CONTACTS)
    apply_plan(port, store, applied, make_plan(port, store, applied))
    make_plan(port, store, applied)
    before = _state(store)
    changed = write_config(PARTNER)
    plan = make_plan(port, store, changed)
    assert plan.recorded  # its read is the applied config's
    assert _state(store)[1:] == before[1:]  # the applied config's shapes and cache are untouched
    aside = store.derivations_aside.state()
    assert aside is not None and aside.digest != before[2].digest
    assert make_plan(port, store, applied).derivation.people_derived == 0  # the applied config's cache serves on
    apply_plan(port, store, changed, make_plan(port, store, changed))
    assert store.derivations_aside.state() is None and store.derivations.state().digest == aside.digest
    port.calls.clear()
    again = make_plan(port, store, changed)
    assert port.calls["query"] == len(READ_OBJECTS) and again.derivation.everything == "" and again.changes == ()


def test_a_config_read_otherwise_keeps_nothing(store, port, write_config):
    _workspace(store, port)
    applied = write_config(CONTACTS)
    apply_plan(port, store, applied, make_plan(port, store, applied))
    make_plan(port, store, applied)
    before = _state(store)
    changed = write_config(READ_TITLE)
    plan = make_plan(port, store, changed)
    assert not plan.recorded and plan.refresh["Contact"]["read"] == 2  # read in full, rolled back
    assert _state(store) == before and store.derivations_aside.state() is None
    assert store.workspace.find("person", "ada@acme.example").values["title"] is None
    apply_plan(port, store, changed, plan)
    assert store.mirror.watermark("Contact") is None  # read otherwise: read again from the start
    assert store.mirror.watermark("Account") is not None  # read alike: kept
    again = make_plan(port, store, changed)
    assert again.recorded and again.refresh["Contact"]["read"] == 2
    assert store.workspace.find("person", "ada@acme.example").values["title"] == "Countess"
