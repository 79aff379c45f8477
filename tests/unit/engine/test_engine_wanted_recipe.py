"""A wanted-value recipe, worked out once per object and plays, gives what the precedence rule gives."""

from __future__ import annotations

from typing import Any

from sfsync.config.models import FieldMapping, Policy
from sfsync.engine.field_values import PLAIN, Options
from sfsync.engine.values import Wanted, wanted_by, wanted_values
from sfsync.engine.wanted_recipe import WantedRecipe

MAPPINGS = {
    "Title": FieldMapping.model_validate({"from": "person.title", "policy": "if_unchanged"}),
    "Phone": FieldMapping.model_validate({"from": "person.phone", "truncate": True}),
    "Notes__c": FieldMapping.model_validate({"from": "person.notes", "direction": "read"}),
}
DEFAULTS = [
    ("play:vip", {"LeadSource": "Web", "Phone": "n/a"}),
    ("default", {"LeadSource": "Other", "Company": "{{ company.name or '[none]' }}", "Blank": "  "}),
]
PEOPLE = [
    {"person": {"title": "CTO", "phone": "+1 555", "notes": "x"}, "company": {"name": "Acme"}},
    {"person": {"title": "", "phone": None, "notes": None}, "company": {"name": None}},
]


def test_a_recipe_gives_exactly_what_wanted_values_gives_for_every_record():
    recipe = WantedRecipe(MAPPINGS, DEFAULTS, "Sfsync_")
    for context in PEOPLE:
        expected = wanted_values("Lead", MAPPINGS, DEFAULTS, context, "Sfsync_")
        assert wanted_by(recipe, "Lead", context, lambda c=context: c) == expected
    second = wanted_by(recipe, "Lead", PEOPLE[1], lambda: PEOPLE[1])
    assert [(w.field, w.value, w.source, w.policy) for w in second] == [
        ("LeadSource", "Web", "play:vip", Policy.IF_EMPTY),
        ("Phone", "n/a", "play:vip", Policy.IF_EMPTY),  # the mapping's fallback: its options carried over
        ("Company", "[none]", "default", Policy.IF_EMPTY),
    ]
    assert second[1].options == Options(truncate=True)


def test_a_constant_default_is_built_once_and_a_template_renders_with_a_context_made_only_for_it():
    recipe = WantedRecipe({}, [("default", {"LeadSource": "Other", "Company": "{{ company.name }}"})], "S_")
    made: list[dict[str, Any]] = []

    def fresh() -> dict[str, Any]:
        made.append({"company": {"name": f"fresh {len(made)}"}})
        return made[-1]

    lookups = {"company": {"name": "looked up"}}
    first, second = (wanted_by(recipe, "Lead", lookups, fresh) for _ in range(2))
    assert first[0] is second[0]  # the same frozen value, not a copy per record
    assert [w.value for w in first] == ["Other", "fresh 0"] and [w.value for w in second] == ["Other", "fresh 1"]
    assert wanted_by(WantedRecipe({}, [("default", {"LeadSource": "Web"})], "S_"), "Lead", lookups, fresh)
    assert len(made) == 2  # no template, no context made


def test_a_default_on_an_owned_field_is_owned_and_an_empty_default_never_stands_in():
    recipe = WantedRecipe({}, [("default", {"Sfsync_Score__c": 3, "Empty": "", "List": []})], "Sfsync_")
    assert wanted_by(recipe, "Lead", {}, dict) == [Wanted("Sfsync_Score__c", 3, "default", Policy.OWNED, False, PLAIN)]
