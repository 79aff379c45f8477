from __future__ import annotations

import datetime as dt

import pytest

from sfsync.config.filters import All, Any, Condition, Not, Op
from sfsync.salesforce.describe import object_describe
from sfsync.salesforce.soql import SoqlError, compile_where, filter_fields, literal, name, quote, select


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("O'Brien", r"'O\'Brien'"),
        ('say "hi"', r"""'say \"hi\"'"""),
        ("back\\slash", r"'back\\slash'"),
        ("line\nbreak\ttab", r"'line\nbreak\ttab'"),
        ("x' OR Name != '", r"'x\' OR Name != \''"),
    ],
)
def test_quote_escapes_every_special_character(text: str, expected: str) -> None:
    assert quote(text) == expected


def test_literals_by_python_type() -> None:
    assert literal(None) == "null"
    assert literal(True) == "true"
    assert literal(12) == "12"
    assert literal(1.5) == "1.5"
    assert literal(dt.date(2024, 1, 31)) == "2024-01-31"
    assert literal(dt.datetime(2024, 1, 31, 10, 0, tzinfo=dt.UTC)) == "2024-01-31T10:00:00Z"


def test_strings_become_typed_literals_only_for_matching_field_types() -> None:
    assert literal("2024-01-31", "date") == "2024-01-31"
    assert literal("2024-01-31", "string") == "'2024-01-31'"
    assert literal("2024-01-31; DELETE", "date") == "'2024-01-31; DELETE'"
    assert literal("TRUE", "boolean") == "true"
    assert literal("42", "int") == "42"
    assert literal("4x", "double") == "'4x'"


def test_non_finite_numbers_and_bad_names_are_refused() -> None:
    with pytest.raises(SoqlError):
        literal(float("nan"))
    with pytest.raises(SoqlError):
        name("Email OR Id != null")
    assert name("Account.Owner.Name") == "Account.Owner.Name"


def _lead_describe():  # a reduced describe with typed fields
    return object_describe(
        {
            "name": "Lead",
            "fields": [
                {"name": "IsConverted", "type": "boolean", "filterable": True},
                {"name": "CreatedDate", "type": "datetime", "filterable": True},
                {"name": "NumberOfEmployees", "type": "int", "filterable": True},
            ],
        }
    )


def test_compile_filter_tree() -> None:
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
    assert compile_where(tree) == (
        "(Type = 'Customer' AND (Name LIKE '%50\\%\\_off%' OR Industry = null) AND (NOT Rating IN ('Hot', 'Warm')))"
    )


def test_compile_uses_the_describe_for_literal_types() -> None:
    describe = _lead_describe()
    assert compile_where(Condition(field="IsConverted", op=Op.EQ, value="false"), describe) == "IsConverted = false"
    assert (
        compile_where(Condition(field="NumberOfEmployees", op=Op.GTE, value=50), describe) == "NumberOfEmployees >= 50"
    )


def test_injection_through_a_value_stays_inside_the_literal() -> None:
    where = compile_where(Condition(field="Name", op=Op.EQ, value="a' OR Name != 'b"))
    assert where == "Name = 'a\\' OR Name != \\'b'"
    with pytest.raises(SoqlError):
        compile_where(Condition(field="Name = 'x' OR Id", op=Op.EQ, value="b"))


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


def test_select_checks_names() -> None:
    assert select(["Id", "Email"], "Lead", "Email = 'a@b.c'") == "SELECT Id, Email FROM Lead WHERE Email = 'a@b.c'"
