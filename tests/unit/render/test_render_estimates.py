"""The plan's API estimate phrase: a Bulk object's updates are said to be unguarded."""

from __future__ import annotations

from sfsync.render.estimates import estimates_phrase


def test_a_bulk_objects_updates_are_said_to_be_unguarded_and_rest_ones_are_not() -> None:
    plan = {
        "estimates": [
            {"sobject": "Contact", "api": "bulk", "calls": 16, "guard": "none"},
            {"sobject": "Lead", "api": "rest", "calls": 10, "guard": "conditional"},
            {"sobject": "Account", "api": "rest", "calls": 2},  # a plan made before the guard
        ]
    }
    assert estimates_phrase(plan) == (
        "Contact BULK ~16 calls (updates unguarded: Bulk cannot refuse an edit made after its check), "
        "Lead REST ~10 calls, Account REST ~2 calls"
    )
