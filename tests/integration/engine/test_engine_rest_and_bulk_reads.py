"""A record read through REST and through a Bulk API 2.0 query job is the same record, over HTTPS against the
local org: the read pass keeps the same values whichever API it used, and plans the same changes."""

from __future__ import annotations

from typing import Any

import pytest
from engine_support import LEADS, add_companies, add_people

from sfsync.engine.planning.planner import make_plan
from sfsync.engine.reading.fields import READ_OBJECTS
from sfsync.engine.reading.refresh import RefreshResult, refresh
from sfsync.store import open_store

pytestmark = pytest.mark.org

REST = LEADS.replace("sync: {", "sync: {api: rest, ")
BULK = LEADS.replace("sync: {", "sync: {api: bulk, ")
# REST while the mirror is empty, Bulk API 2.0 once it holds more than one record of the object.
AUTO = LEADS.replace("sync: {", "sync: {api: auto, bulk_threshold: 1, ")


def _workspace(store: Any) -> None:
    add_companies(store, {"domain": "nasa.example", "name": "NASA", "intent_level": "High"})
    add_people(
        store,
        {"email": "katherine@nasa.example", "last_name": "Johnson", "title": "Mathematician"},
        {"email": "alan@bletchley.example", "last_name": "Turing", "title": "Cryptanalyst"},
    )


def _refresh(org: Any, store: Any, loaded: Any) -> RefreshResult:
    port = org.port()
    describes = {name: port.describe(name) for name in READ_OBJECTS}
    return refresh(port, store, loaded.config, describes)


def _mirror(store: Any) -> dict[str, list[tuple[Any, ...]]]:
    return {
        name: sorted(
            (r.sf_id, sorted(r.fields.items()), r.system_modstamp, r.last_modified_date, r.is_deleted)
            for r in store.mirror.records(name)
        )
        for name in READ_OBJECTS
    }


def test_a_rest_read_and_a_bulk_read_keep_the_same_values_and_plan_the_same(org, store, write_config, tmp_path):
    org.create("Account", Name="Values Inc", AnnualRevenue=1234567.5, NumberOfEmployees=42)
    bulk_store = open_store(f"sqlite:///{tmp_path / 'bulk.db'}")
    try:
        _workspace(store)
        _workspace(bulk_store)
        rest_read = _refresh(org, store, write_config(REST))
        bulk_read = _refresh(org, bulk_store, write_config(BULK))
        assert {o.api for o in rest_read.objects} == {"rest"} and {o.api for o in bulk_read.objects} == {"bulk"}
        assert _mirror(store) == _mirror(bulk_store)
        rest_plan = make_plan(org.port(), store, write_config(REST))
        bulk_plan = make_plan(org.port(), bulk_store, write_config(BULK))
        assert rest_plan.changes == bulk_plan.changes and rest_plan.changes
    finally:
        bulk_store.close()


def test_a_bulk_read_after_a_rest_read_finds_nothing_changed(org, store, write_config):
    loaded = write_config(AUTO)
    first = _refresh(org, store, loaded)
    assert {o.api for o in first.objects} == {"rest"}
    held = _mirror(store)

    again = _refresh(org, store, loaded)

    switched = [o for o in again.objects if o.api == "bulk"]
    assert {o.sobject for o in switched} >= {"Account", "Lead"}
    assert [(o.sobject, o.read) for o in switched] == [(o.sobject, 0) for o in switched]
    assert _mirror(store) == held
