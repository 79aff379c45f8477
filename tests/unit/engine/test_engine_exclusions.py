"""Filters on subjects: workspace fields, Salesforce scopes, and exclusions covering people."""

from __future__ import annotations

import pytest
from pydantic import TypeAdapter

from sfsync.catalogue import Kind
from sfsync.config.filters import Filter, Op
from sfsync.config.models import Exclusion
from sfsync.engine.planning.exclusions import compare, exclusion_for, holds
from sfsync.engine.subject import Subject
from sfsync.salesforce.port import FieldInfo, ObjectDescribe

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


OWNER_18, OWNER_15 = "005D000000K0fXOIAZ", "005D000000K0fXO"
DESCRIBES = {"Contact": ObjectDescribe("Contact", True, True, True, {"OwnerId": FieldInfo("OwnerId", "reference")}, "")}
OWNED_ADA = Subject(Kind.PERSON, "p_3", {"email": "ada@x.example", "postal_code": "02134"}, {"Contact": [
    {"Id": "003A", "OwnerId": OWNER_18}]})  # fmt: skip


@pytest.mark.parametrize("owner", [OWNER_15, OWNER_18, OWNER_15 + "iaz"], ids=["15", "18", "18-lower-checksum"])
def test_an_owner_exclusion_matches_either_form_of_the_id(owner):
    where = FILTER.validate_python({"salesforce": "Contact", "field": "OwnerId", "op": "eq", "value": owner})
    assert holds(where, OWNED_ADA, describes=DESCRIBES)
    listed = FILTER.validate_python({"salesforce": "Contact", "field": "OwnerId", "op": "in", "value": [owner]})
    assert holds(listed, OWNED_ADA, describes=DESCRIBES)


def test_an_id_is_case_sensitive_in_filters():
    where = FILTER.validate_python({"salesforce": "Contact", "field": "OwnerId", "op": "eq", "value": OWNER_15.lower()})
    assert not holds(where, OWNED_ADA, describes=DESCRIBES)


@pytest.mark.parametrize(
    ("where", "expected"),
    [
        ({"field": "person.postal_code", "op": "eq", "value": 2134}, False),  # text never compares as a number
        ({"field": "person.postal_code", "op": "eq", "value": "02134"}, True),
        ({"field": "person.postal_code", "op": "gt", "value": 100}, False),
        ({"field": "person.attributes.tier", "op": "eq", "value": "Nan"}, True),
        ({"field": "person.attributes.size", "op": "gte", "value": 100}, True),
        ({"field": "person.attributes.size", "op": "eq", "value": "0250"}, False),
        ({"field": "person.attributes.vip", "op": "eq", "value": True}, True),
        ({"field": "person.attributes.vip", "op": "eq", "value": False}, False),
    ],
)
def test_workspace_fields_compare_by_catalogue_type_and_attributes_by_the_literal(where, expected):
    values = {
        "email": "ada@x.example",
        "postal_code": "02134",
        "attributes": {"tier": "Nan", "size": "250", "vip": "on"},
    }
    assert holds(FILTER.validate_python(where), Subject(Kind.PERSON, "p_4", values)) is expected
