from __future__ import annotations

import pytest
from pydantic import ValidationError

from sfsync.config import canonical, digest
from sfsync.config.filters import All, Condition, Not, Op
from sfsync.config.models import Config, Direction, FieldMapping, Policy

CONNECTION = {
    "instance_url": "${SF_INSTANCE_URL}",
    "auth": {"method": "session", "access_token": "${SF_ACCESS_TOKEN}"},
}


def config(**sections: object) -> Config:
    return Config.model_validate({"version": 1, "connection": CONNECTION, **sections})


def test_shorthand_mapping_becomes_a_full_field_mapping_with_defaults() -> None:
    mapping = config(mappings={"Lead": {"Email": "person.email"}}).mappings["Lead"]["Email"]
    assert mapping == FieldMapping(from_="person.email", direction=Direction.WRITE, policy=Policy.IF_EMPTY)
    assert mapping.sensitive is False


def test_fields_with_the_owned_prefix_default_to_owned() -> None:
    mappings = config(
        sync={"owned_prefix": "Acme_"},
        mappings={"Lead": {"Acme_Intent__c": "company.intent_level", "Sfsync_X__c": "company.name"}},
    ).mappings["Lead"]
    assert mappings["Acme_Intent__c"].policy is Policy.OWNED
    assert mappings["Sfsync_X__c"].policy is Policy.IF_EMPTY


def test_an_explicit_policy_wins_over_the_prefix() -> None:
    mapping = config(mappings={"Lead": {"Sfsync_X__c": {"from": "company.name", "policy": "create_only"}}})
    assert mapping.mappings["Lead"]["Sfsync_X__c"].policy is Policy.CREATE_ONLY


def test_defaults_of_every_section() -> None:
    loaded = config()
    assert loaded.store == "sqlite:///.sfsync/sfsync.db"
    assert loaded.connection.api_version == "59.0"
    assert loaded.connection.timeout_seconds == 60
    assert (loaded.sync.write, loaded.sync.read, loaded.sync.bulk_threshold) == (False, True, 2000)
    assert loaded.sync.match_leads_in_contacts_mode is False


def test_an_unquoted_api_version_is_read_as_the_version_it_means() -> None:
    assert config(connection={**CONNECTION, "api_version": 62.0}).connection.api_version == "62.0"
    assert config(connection={**CONNECTION, "api_version": 61}).connection.api_version == "61.0"


def test_models_are_frozen() -> None:
    loaded = config()
    with pytest.raises(ValidationError):
        loaded.store = "sqlite:///other.db"  # type: ignore[misc]


def test_filter_tree_is_typed_by_its_keys() -> None:
    where = {
        "salesforce": "Opportunity",
        "all": [{"field": "IsClosed", "op": "eq", "value": False}, {"not": {"field": "Amount", "op": "is_null"}}],
    }
    parsed = config(exclusions=[{"name": "deals", "applies_to": "company", "where": where}]).exclusions[0].where
    assert isinstance(parsed, All)
    assert parsed.salesforce == "Opportunity"
    assert parsed.all[0] == Condition(field="IsClosed", op=Op.EQ, value=False)
    assert isinstance(parsed.all[1], Not)


@pytest.mark.parametrize(
    ("op", "value"),
    [("in", "x"), ("is_null", "x"), ("eq", None), ("eq", ["a"]), ("contains", 3)],
)
def test_a_value_that_does_not_fit_its_operator_is_rejected(op: str, value: object) -> None:
    with pytest.raises(ValidationError):
        Condition.model_validate({"field": "person.email", "op": op, "value": value})


def test_canonical_form_fills_defaults_and_sorts_keys() -> None:
    form = canonical(config(mappings={"Lead": {"Email": "person.email"}}))
    assert form["mappings"]["Lead"]["Email"] == {
        "date_as": None,
        "direction": "write",
        "from": "person.email",
        "policy": "if_empty",
        "sensitive": False,
        "truncate": False,
    }
    assert list(form) == sorted(form)
    assert form["connection"]["auth"]["access_token"] == "${SF_ACCESS_TOKEN}"


def test_digest_ignores_spelling_but_not_meaning() -> None:
    short = config(mappings={"Lead": {"Email": "person.email"}})
    full = config(mappings={"Lead": {"Email": {"from": "person.email", "policy": "if_empty"}}})
    changed = config(mappings={"Lead": {"Email": {"from": "person.email", "policy": "if_unchanged"}}})
    assert digest(short) == digest(full)
    assert digest(short) != digest(changed)
    assert len(digest(short)) == 64
