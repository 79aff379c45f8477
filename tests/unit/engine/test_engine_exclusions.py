"""Filters on subjects: workspace fields, Salesforce scopes, and exclusions covering people."""

from __future__ import annotations

import pytest
from pydantic import TypeAdapter

from sfsync.catalogue import Kind
from sfsync.config.filters import Filter, Op
from sfsync.config.models import Exclusion
from sfsync.engine.exclusions import compare, exclusion_for, holds
from sfsync.engine.subject import Subject

FILTER: TypeAdapter[Filter] = TypeAdapter(Filter)

ACME = Subject(
    Kind.COMPANY,
    "c_1",
    {"domain": "acme.example", "name": "Acme", "employee_count": 900},
    {
        "Account": [{"Id": "001A", "Type": "Prospect"}, {"Id": "001B", "Type": "Customer - Direct"}],
        "Opportunity": [{"AccountId": "001A", "IsClosed": "false", "Amount": 5000.0}],
    },
)
ADA = Subject(Kind.PERSON, "p_1", {"email": "ada@acme.example", "title": "CTO"}, {}, ACME)


@pytest.mark.parametrize(
    ("where", "subject", "expected"),
    [
        ({"field": "company.employee_count", "op": "gt", "value": 500}, ACME, True),
        ({"field": "company.name", "op": "eq", "value": "ACME"}, ACME, True),
        ({"field": "person.title", "op": "in", "value": ["CEO", "CTO"]}, ADA, True),
        ({"field": "company.industry", "op": "is_null"}, ADA, True),
        ({"not": {"field": "person.email", "op": "ends_with", "value": "acme.example"}}, ADA, False),
        ({"salesforce": "Account", "field": "Type", "op": "eq", "value": "Customer - Direct"}, ACME, True),
        (
            {"salesforce": "Opportunity", "all": [{"field": "IsClosed", "op": "eq", "value": False},
                                                  {"field": "Amount", "op": "gt", "value": 10000}]},
            ACME,
            False,
        ),
        ({"salesforce": "Opportunity", "field": "IsClosed", "op": "eq", "value": False}, ADA, True),
    ],
)  # fmt: skip
def test_filters(where, subject, expected):
    assert holds(FILTER.validate_python(where), subject) is expected


def test_company_exclusion_covers_its_people_through_the_domain_group():
    ceo = {"field": "person.title", "op": "eq", "value": "CEO"}
    customer = {"salesforce": "Account", "field": "Type", "op": "starts_with", "value": "customer"}
    rules = [
        Exclusion.model_validate({"name": "vip", "applies_to": "person", "where": ceo}),
        Exclusion.model_validate({"name": "customers", "applies_to": "company", "where": customer}),
    ]
    assert exclusion_for(ACME, rules) == "customers"
    assert exclusion_for(ADA, rules) == "customers"
    loner = Subject(Kind.PERSON, "p_2", {"email": "x@y.example", "title": "CEO"})
    assert exclusion_for(loner, rules) == "vip"


def test_comparisons_are_loosely_typed_like_soql():
    assert compare(Op.EQ, "TRUE", True)
    assert compare(Op.GTE, "10", 9.5)
    assert not compare(Op.LT, None, 3)
    assert compare(Op.NOT_IN, "b", ["a"])
