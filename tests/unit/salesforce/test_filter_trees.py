"""The config's `salesforce:` filter trees: the fields they read, and the typed filter they stand for."""

from __future__ import annotations

import datetime as dt

import pytest

from sfsync.config.filters import All, Any, Condition, Not, Op
from sfsync.salesforce.describe import object_describe
from sfsync.salesforce.filter_trees import config_filter, filter_fields
from sfsync.salesforce.query import Eq, Gte, In, IsNull, Like, Or
from sfsync.salesforce.soql import SoqlError, where_text


def _lead_describe():  # a reduced describe with typed fields
    return object_describe(
        {
            "name": "Lead",
            "fields": [
                {"name": "IsConverted", "type": "boolean", "filterable": True},
                {"name": "CreatedDate", "type": "datetime", "filterable": True},
                {"name": "ConvertedDate", "type": "date", "filterable": True},
                {"name": "NumberOfEmployees", "type": "int", "filterable": True},
            ],
        }
    )


def test_a_config_tree_becomes_the_typed_filter_and_its_soql() -> None:
    tree = All(
        all=[
            Condition(field="Type", op=Op.EQ, value="Customer"),
            Any(
                any=[
                    Condition(field="Name", op=Op.CONTAINS, value="50%_off"),
                    Condition(field="Industry", op=Op.IS_NULL),
                ]
            ),
            Not(**{"not": Condition(field="Rating", op=Op.IN, value=["Hot", "Warm"])}),
        ],
        salesforce="Account",
    )
    converted = config_filter(tree)
    assert converted.items[1] == Or((Like("Name", "50%_off"), IsNull("Industry")))  # type: ignore[union-attr]
    assert where_text(converted) == (
        "(Type = 'Customer' AND (Name LIKE '%50\\%\\_off%' OR Industry = null) AND (NOT Rating IN ('Hot','Warm')))"
    )


def test_the_describe_types_the_values() -> None:
    describe = _lead_describe()
    assert config_filter(Condition(field="IsConverted", op=Op.EQ, value="false"), describe) == Eq("IsConverted", False)
    assert config_filter(Condition(field="NumberOfEmployees", op=Op.GTE, value="50"), describe) == Gte(
        "NumberOfEmployees", 50
    )
    day = config_filter(Condition(field="ConvertedDate", op=Op.IN, value=["2024-01-31", "soon"]), describe)
    assert day == In("ConvertedDate", (dt.date(2024, 1, 31), "soon"))
    assert where_text(
        config_filter(Condition(field="CreatedDate", op=Op.GT, value="2024-01-31T10:00:00Z"), describe)
    ) == ("CreatedDate > 2024-01-31T10:00:00+00:00")
    assert config_filter(Condition(field="Title", op=Op.EQ, value="50"), describe) == Eq("Title", "50")


def test_a_bad_name_in_a_config_tree_is_refused_when_compiled() -> None:
    with pytest.raises(SoqlError):
        where_text(config_filter(Condition(field="Name = 'x' OR Id", op=Op.EQ, value="b")))


def test_filter_fields_inherit_the_salesforce_object_and_keep_their_path() -> None:
    tree = All(
        all=[Condition(field="IsClosed", op=Op.EQ, value=False), Condition(field="company.name", op=Op.EQ, value="x")],
        salesforce="Opportunity",
    )
    found = list(filter_fields(tree, ("exclusions", 0, "where")))
    assert [(f.sobject, f.field, f.path) for f in found] == [
        ("Opportunity", "IsClosed", ("exclusions", 0, "where", "all", 0, "field")),
        ("Opportunity", "company.name", ("exclusions", 0, "where", "all", 1, "field")),
    ]
    workspace_only = Condition(field="company.intent_level", op=Op.IN, value=["High"])
    assert list(filter_fields(workspace_only)) == []
