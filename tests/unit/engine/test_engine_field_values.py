"""One value semantics per Salesforce field type: conversion, comparison, emptiness, stored form."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sfsync.config.models import DateAs
from sfsync.engine.field_values import InvalidValue, Options, TooLong, for_field
from sfsync.salesforce.port import FieldInfo

PICKS = ("Email", "Phone", "Events")
FIELDS = {
    "string": FieldInfo("Title", "string", length=10),
    "textarea": FieldInfo("Description", "textarea", length=32000),
    "picklist": FieldInfo("LeadSource", "picklist", length=255),
    "email": FieldInfo("Email", "email", length=80),
    "url": FieldInfo("Website", "url", length=255),
    "boolean": FieldInfo("DoNotCall", "boolean"),
    "int": FieldInfo("NumberOfEmployees", "int", digits=8),
    "currency": FieldInfo("AnnualRevenue", "currency", precision=18, scale=2),
    "percent": FieldInfo("Probability", "percent", precision=3, scale=0),
    "double": FieldInfo("Score__c", "double"),  # no precision in the describe: compared exactly
    "date": FieldInfo("Birthdate", "date"),
    "datetime": FieldInfo("EmailBouncedDate", "datetime"),
    "multipicklist": FieldInfo("Channels__c", "multipicklist", length=4099, picklist_values=PICKS),
    "reference": FieldInfo("OwnerId", "reference", length=18),
}
MIDNIGHT = Options(date_as=DateAs.MIDNIGHT_UTC)
INVALID = object()


def kind(name: str) -> Any:
    return for_field(FIELDS[name])


@pytest.mark.parametrize(
    ("field", "value", "options", "sent"),
    [
        ("string", "  02134 ", None, "02134"),
        ("string", 2134.0, None, "2134"),
        ("string", 1.5, None, "1.5"),
        ("string", True, None, "true"),
        ("string", dt.date(2024, 1, 31), None, "2024-01-31"),
        ("string", ["a", "b"], None, INVALID),  # never Python's text of a list
        ("string", {"a": 1}, None, INVALID),
        ("string", float("nan"), None, INVALID),
        ("string", "Nan", None, "Nan"),
        ("string", "   ", None, None),
        ("email", "Ada@Example.COM", None, "ada@example.com"),
        ("email", "not an email", None, INVALID),
        ("url", "https://www.linkedin.com/in/ada", None, "https://www.linkedin.com/in/ada"),
        ("boolean", "on", None, True),
        ("boolean", "t", None, True),
        ("boolean", "Yes", None, True),
        ("boolean", "off", None, False),
        ("boolean", "F", None, False),
        ("boolean", 1, None, True),
        ("boolean", 0, None, False),
        ("boolean", "maybe", None, INVALID),  # a row error, never False
        ("boolean", 2, None, INVALID),
        ("int", "12", None, 12),
        ("int", "1.0", None, 1),
        ("int", 12.0, None, 12),
        ("int", "1.5", None, INVALID),  # never silently cut to 1
        ("int", 1.5, None, INVALID),
        ("int", "Infinity", None, INVALID),
        ("int", float("inf"), None, INVALID),
        ("int", "NaN", None, INVALID),
        ("int", True, None, INVALID),
        ("int", "1_000", None, INVALID),
        ("int", 123456789, None, INVALID),  # NumberOfEmployees has 8 digits
        ("int", "1e999999999", None, INVALID),
        ("currency", "1234.5678", None, 1234.5678),  # sent as held: Salesforce keeps API values unrounded
        ("currency", "1e3", None, 1000),
        ("currency", 10**16, None, INVALID),  # 18 digits, 2 of them decimals
        ("currency", float("-inf"), None, INVALID),
        ("percent", "12.5", None, 12.5),
        ("date", dt.date(2024, 1, 31), None, "2024-01-31"),
        ("date", " 2024-01-31 ", None, "2024-01-31"),
        ("date", "2024-02-30", None, INVALID),
        ("date", "31/01/2024", None, INVALID),
        ("date", "2024-01-31T00:00:00Z", None, INVALID),
        ("datetime", "2024-01-31T10:00:00Z", None, "2024-01-31T10:00:00.000+0000"),
        ("datetime", "2024-01-31T11:00:00.123+01:00", None, "2024-01-31T10:00:00.000+0000"),
        ("datetime", "2024-01-31T10:00:00.000+0000", None, "2024-01-31T10:00:00.000+0000"),
        ("datetime", "2024-01-31T10:00:00", None, "2024-01-31T10:00:00.000+0000"),  # no offset: UTC
        ("datetime", "2024-01-31", None, INVALID),  # a date is not a moment unless the mapping says so
        ("datetime", dt.date(2024, 1, 31), None, INVALID),
        ("datetime", dt.date(2024, 1, 31), MIDNIGHT, "2024-01-31T00:00:00.000+0000"),
        ("datetime", "2024-01-31", MIDNIGHT, "2024-01-31T00:00:00.000+0000"),
        ("datetime", "yesterday", None, INVALID),
        ("multipicklist", "Events;Email", None, "Email;Events"),  # the picklist's order
        ("multipicklist", ["Phone", "Email", "Email"], None, "Email;Phone"),
        ("multipicklist", "Events; Other ;", None, "Events;Other"),
        ("multipicklist", [["Email"]], None, INVALID),
        ("reference", "001D000000K0fXO", None, "001D000000K0fXOIAZ"),
        ("reference", "001D000000K0fXOIAZ", None, "001D000000K0fXOIAZ"),
        ("reference", "bob", None, INVALID),
        ("reference", 42, None, INVALID),
    ],
)
def test_values_go_out_in_salesforce_form_or_are_invalid(field, value, options, sent):
    semantics = kind(field)
    if sent is INVALID:
        with pytest.raises(InvalidValue):
            semantics.to_salesforce(value, options or Options())
        return
    result = semantics.to_salesforce(value, options or Options())
    assert result == sent and type(result) is type(sent)


@pytest.mark.parametrize(
    ("field", "left", "right", "same"),
    [
        ("string", "02134", "2134", False),  # a zip code is text, not a number
        ("string", "Nan", "Nan", True),
        ("string", " CTO ", "CTO", True),
        ("string", "Acme", "acme", False),
        ("string", None, "  ", True),
        ("picklist", "Web", "web", False),
        ("email", "Ada@Example.com", "ada@example.com", True),
        ("url", "https://www.linkedin.com/in/ada", "https://linkedin.com/in/bob", False),
        ("url", "linkedin.com/in/ada/", "https://www.linkedin.com/in/ada", True),
        ("url", "http://acme.example", "https://ACME.example:443/", True),
        ("url", "https://acme.example/a?x=1", "https://acme.example/a?x=2", False),
        ("url", "ftp://acme.example", "http://acme.example", False),
        ("int", 100, "100.0", True),
        ("int", 100, 101, False),
        ("currency", 1234.5678, 1234.57, True),  # compared at the field's scale
        ("currency", 1234.5678, 1234.56, False),
        ("percent", 12.4, 12, True),
        ("double", 1.234, 1.23, False),
        ("boolean", False, None, True),  # a checkbox is never null: false is empty
        ("boolean", True, None, False),
        ("boolean", "true", True, True),
        ("date", "2024-01-31", dt.date(2024, 1, 31), True),
        ("datetime", "2024-01-31T10:00:00Z", "2024-01-31T10:00:00.000+0000", True),
        ("datetime", "2024-01-31T11:00:00+01:00", "2024-01-31T10:00:00.000+0000", True),
        ("datetime", "2024-01-31T10:00:00.999Z", "2024-01-31T10:00:00.000+0000", True),  # one-second precision
        ("datetime", "2024-01-31T10:00:01Z", "2024-01-31T10:00:00.000+0000", False),
        ("datetime", "2024-01-31", "2024-01-31T00:00:00.000+0000", False),
        ("multipicklist", "Email;Events", "Events;Email", True),
        ("multipicklist", "Email;Events", "Email", False),
        ("reference", "001D000000K0fXO", "001D000000K0fXOIAZ", True),
        ("reference", "001D000000K0fXOIAZ", "001d000000K0fXOiaz", False),  # case matters in the first 15
        ("reference", "001D000000K0fXP", "001D000000K0fXOIAZ", False),
    ],
)
def test_values_compare_by_field_type(field, left, right, same):
    semantics = kind(field)
    assert semantics.same(left, right) is same
    assert semantics.same(right, left) is same
    assert (semantics.canonical(left) == semantics.canonical(right)) is same  # what a `before` digest is of


@pytest.mark.parametrize(
    ("field", "value", "empty"),
    [
        ("boolean", False, True),
        ("boolean", None, True),
        ("boolean", "false", True),
        ("boolean", True, False),
        ("string", "  ", True),
        ("string", "0", False),
        ("int", 0, False),
    ],
)
def test_what_counts_as_empty(field, value, empty):
    assert kind(field).is_empty(value) is empty


def test_without_a_field_values_compare_as_text():
    assert not for_field(None).same(100, "100.0")
    assert for_field(None).same(" x ", "x")


@pytest.mark.parametrize(
    ("field", "value", "truncate", "fitted"),
    [
        ("string", "Engineering lead", True, ("Engineerin", 16)),
        ("string", "Engineer", False, ("Engineer", 0)),
        ("string", "Engineering lead", False, TooLong),
        ("string", "🚀🚀🚀🚀🚀🚀", False, TooLong),  # 12 UTF-16 units, as Salesforce counts them
        ("string", "ab🚀🚀🚀🚀🚀", True, ("ab🚀🚀🚀🚀", 12)),  # never half a character
        ("email", "a" * 80 + "@x.example", True, TooLong),  # only free text is ever cut
    ],
)
def test_lengths_are_checked_against_the_describe(field, value, truncate, fitted):
    semantics = kind(field)
    converted = semantics.to_salesforce(value)
    if fitted is TooLong:
        with pytest.raises(TooLong):
            semantics.fit(converted, Options(truncate=truncate))
        return
    assert semantics.fit(converted, Options(truncate=truncate)) == fitted


_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    st.sampled_from(["02134", "Nan", "on", "2024-01-31", "2024-01-31T10:00:00Z", "001D000000K0fXO", "Email;Phone"]),
    st.dates(),
    st.lists(st.sampled_from(PICKS), max_size=3),
)


@pytest.mark.parametrize("field", sorted(FIELDS))
@given(left=_SCALARS, right=_SCALARS)
def test_comparison_is_reflexive_and_symmetric(field, left, right):
    semantics = kind(field)
    assert semantics.same(left, left)
    assert semantics.same(left, right) == semantics.same(right, left)


@pytest.mark.parametrize("field", sorted(FIELDS))
@given(left=_SCALARS, right=_SCALARS)
def test_two_values_share_a_canonical_text_exactly_when_they_are_the_same(field, left, right):
    semantics = kind(field)
    assert (semantics.canonical(left) == semantics.canonical(right)) is semantics.same(left, right)


@pytest.mark.parametrize("field", sorted(FIELDS))
@given(value=_SCALARS)
def test_stored_form_is_stable_and_equal_to_what_was_sent(field, value):
    semantics = kind(field)
    stored = semantics.stored(value)
    assert repr(semantics.stored(stored)) == repr(stored)  # repr: NaN, kept as it is, is not == itself
    try:
        sent = semantics.to_salesforce(value)
    except InvalidValue:
        return
    assert semantics.same(value, sent)


@pytest.mark.parametrize("value", [";", " ; ", ";;", [], [";"], [" ", ";"]])
def test_a_multi_select_value_of_separators_only_is_empty(value):
    semantics = kind("multipicklist")
    assert semantics.is_empty(value) and semantics.to_salesforce(value) is None
    assert semantics.same(value, None) and semantics.stored(value) is None


def test_a_listed_multi_select_value_holding_a_separator_is_several_values():
    semantics = kind("multipicklist")
    assert semantics.same(["a;b", "b"], "b;a")
    assert semantics.stored(semantics.stored(["a;b"])) == semantics.stored("a;b")


@given(st.sampled_from(sorted(FIELDS)), st.text(max_size=12))
def test_a_text_value_is_sent_as_its_kind_converts_it(field, text):
    # A kind whose conversion is the base one sends text trimmed without the steps in between: the
    # same value (or the same refusal) as blank, then the kind's own conversion, give.
    values = kind(field)
    expected: Any = None
    if text.strip():
        try:
            expected = values._convert(text, Options())
        except InvalidValue:
            expected = INVALID
    try:
        sent = values.to_salesforce(text)
    except InvalidValue:
        sent = INVALID
    assert sent == expected
