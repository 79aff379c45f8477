"""The config diff: deepdiff's paths turned into typed changes."""

from __future__ import annotations

from sfsync.engine.planning.config_diff import diff_configs, mode_changed, reprocessed_objects

OLD = {
    "sync": {"write": False, "person_object": "leads"},
    "mappings": {"Contact": {"Title": {"from": "person.title", "policy": "if_empty"}}},
    "defaults": {"Lead": {"Status": "Open"}},
    "exclusions": [{"name": "customers", "where": {"field": "company.status", "op": "eq", "value": "Customer"}}],
    "plays": [{"name": "a", "audience": {"object": "person"}}, {"name": "b", "audience": {"object": "company"}}],
}


def test_first_plan_is_an_initial_change():
    (change,) = diff_configs(None, OLD)
    assert change.kind == "initial"


def test_identical_configs_and_reordered_plays_are_no_change():
    reordered = {**OLD, "plays": list(reversed(OLD["plays"]))}
    assert diff_configs(OLD, reordered) == ()


def test_changes_are_typed_per_mapping_default_play_and_setting():
    new = {
        **OLD,
        "sync": {"write": True, "person_object": "contacts_and_accounts"},
        "mappings": {
            "Contact": {"Title": {"from": "person.title", "policy": "owned"}, "Phone": {"from": "person.phone"}}
        },
        "defaults": {},
        "plays": [OLD["plays"][0], {"name": "c", "audience": {"object": "person"}}],
    }
    changes = {(c.kind, c.path) for c in diff_configs(OLD, new)}
    assert changes == {
        ("sync_changed", "sync.write"),
        ("sync_changed", "sync.person_object"),
        ("mapping_changed", "mappings.Contact.Title"),
        ("mapping_added", "mappings.Contact.Phone"),
        ("default_removed", "defaults.Lead.Status"),
        ("play_removed", "plays.b"),
        ("play_added", "plays.c"),
    }
    diff = diff_configs(OLD, new)
    assert reprocessed_objects(diff) == {"Contact"}
    assert mode_changed(diff)
