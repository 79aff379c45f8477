"""The compiler from typed queries to SOQL: one test per operator against the exact text, and the splitting."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sfsync.salesforce.query import (
    And,
    Eq,
    Gt,
    Gte,
    In,
    IsNull,
    Like,
    LikeAt,
    Lt,
    Lte,
    Ne,
    Not,
    Or,
    Query,
)
from sfsync.salesforce.soql import MAX_QUERY_LENGTH, SoqlError, compile_query, literal, name, soql_texts, where_text


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
def test_text_is_quoted_with_every_special_character_escaped(text: str, expected: str) -> None:
    assert literal(text) == expected


def test_literals_by_python_type() -> None:
    assert literal(None) == "null"
    assert literal(True) == "true"
    assert literal(12) == "12"
    assert literal(1.5) == "1.5"
    assert literal(dt.date(2024, 1, 31)) == "2024-01-31"
    assert literal(dt.datetime(2024, 1, 31, 10, 0, 7, 500_000, tzinfo=dt.UTC)) == "2024-01-31T10:00:07+00:00"
    assert literal(dt.datetime(2024, 1, 31, 12, 0, tzinfo=dt.timezone(dt.timedelta(hours=2)))) == (
        "2024-01-31T10:00:00+00:00"
    )
    assert literal(dt.datetime(2024, 1, 31, 10, 0)) == "2024-01-31T10:00:00+00:00"  # naive: UTC


def test_non_finite_numbers_and_bad_names_are_refused() -> None:
    with pytest.raises(SoqlError):
        literal(float("nan"))
    with pytest.raises(SoqlError):
        name("Email OR Id != null")
    assert name("Account.Owner.Name") == "Account.Owner.Name"


@pytest.mark.parametrize(
    ("node", "expected"),
    [
        (Eq("Email", "a@b.example"), "Email = 'a@b.example'"),
        (Ne("LastModifiedById", "005x'y"), "LastModifiedById != '005x\\'y'"),
        (Gt("NumberOfEmployees", 50), "NumberOfEmployees > 50"),
        (
            Gte("SystemModstamp", dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC)),
            "SystemModstamp >= 2026-01-02T03:04:05+00:00",
        ),
        (Lt("CloseDate", dt.date(2026, 3, 1)), "CloseDate < 2026-03-01"),
        (Lte("AnnualRevenue", 1.5), "AnnualRevenue <= 1.5"),
        (Eq("IsConverted", False), "IsConverted = false"),
        (In("Rating", ("Hot", "Warm")), "Rating IN ('Hot','Warm')"),
        (In("Rating", ("Hot",), negated=True), "Rating NOT IN ('Hot')"),
        (In("Rating", ()), "Id = null"),
        (In("Rating", (), negated=True), "Id != null"),
        (Like("Website", "50%_off"), "Website LIKE '%50\\%\\_off%'"),
        (Like("Name", "Ac'me", LikeAt.STARTS), "Name LIKE 'Ac\\'me%'"),
        (Like("Name", "Inc", LikeAt.ENDS), "Name LIKE '%Inc'"),
        (IsNull("Industry"), "Industry = null"),
        (IsNull("Sfsync_Id__c", negated=True), "Sfsync_Id__c != null"),
        (Not(Eq("Type", "Customer")), "(NOT Type = 'Customer')"),
        (And((Eq("Type", "A"), Eq("Rating", "Hot"))), "(Type = 'A' AND Rating = 'Hot')"),
        (Or((Eq("Type", "A"), IsNull("Type"))), "(Type = 'A' OR Type = null)"),
        (And(()), "Id != null"),
        (Or(()), "Id = null"),
    ],
)
def test_each_operator_compiles_to_its_soql(node, expected) -> None:
    assert where_text(node) == expected


def test_a_query_with_since_and_a_nested_tree() -> None:
    since = dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC)
    tree = And((Eq("Type", "Customer"), Or((Like("Name", "acme"), Not(In("Rating", ("Hot",)))))))
    query = Query("Account", ("Id", "Name"), tree, since=since, include_deleted=True)
    assert compile_query(query) == (
        "SELECT Id, Name FROM Account WHERE (SystemModstamp >= 2026-01-02T03:04:05+00:00 AND "
        "(Type = 'Customer' AND (Name LIKE '%acme%' OR (NOT Rating IN ('Hot')))))"
    )
    assert compile_query(Query("Lead", ("Id",))) == "SELECT Id FROM Lead"
    assert soql_texts(Query("Lead", ("Id",), Eq("Email", "a@b.example"))) == [
        "SELECT Id FROM Lead WHERE Email = 'a@b.example'"
    ]


def test_injection_through_a_value_stays_inside_the_literal_and_bad_names_are_refused() -> None:
    assert where_text(Eq("Name", "a' OR Name != 'b")) == "Name = 'a\\' OR Name != \\'b'"
    with pytest.raises(SoqlError):
        where_text(Eq("Name = 'x' OR Id", "b"))
    with pytest.raises(SoqlError):
        compile_query(Query("Lead; DELETE", ("Id",)))
    with pytest.raises(SoqlError):
        compile_query(Query("Lead", ("Id, (SELECT Id FROM Contacts)",)))


def _values_in(texts: list[str]) -> list[str]:
    return [v for text in texts for v in re.findall(r"'([^']*)'", text)]


def test_a_long_in_list_is_split_into_texts_within_the_length() -> None:
    emails = tuple(f"person.number{n:05}@example-company-{n % 97}.com" for n in range(3000))
    texts = soql_texts(Query("Lead", ("Id", "Email"), In("Email", emails)))
    assert len(texts) > 1 and all(len(t) <= MAX_QUERY_LENGTH for t in texts)
    assert 3000 * 40 // MAX_QUERY_LENGTH < len(texts) <= 3000 * 50 // MAX_QUERY_LENGTH + 1
    assert _values_in(texts) == list(emails)  # every value once, in order
    assert all(t.startswith("SELECT Id, Email FROM Lead WHERE Email IN (") for t in texts)


def test_a_long_or_inside_the_since_and_is_split_keeping_the_rest() -> None:
    since = dt.datetime(2026, 1, 2, tzinfo=dt.UTC)
    likes = tuple(Like("Website", f"company{n}.example") for n in range(1500))
    query = Query("Account", ("Id", "Website"), And((Ne("OwnerId", "005A"), Or(likes))), since=since)
    texts = soql_texts(query, max_length=5_000)
    assert len(texts) > 1 and all(len(t) <= 5_000 for t in texts)
    assert all(
        "SystemModstamp >= 2026-01-02T00:00:00+00:00 AND (OwnerId != '005A' AND (Website LIKE" in t for t in texts
    )
    assert [v for v in _values_in(texts) if v.startswith("%")] == [f"%company{n}.example%" for n in range(1500)]


def test_a_list_that_cannot_be_split_goes_whole() -> None:
    query = Query("Lead", ("Id",), Not(In("Email", tuple(f"e{n}@x.example" for n in range(3000)))))
    assert soql_texts(query) == [compile_query(query)]


@given(st.lists(st.text(min_size=1, max_size=60), min_size=1, max_size=300), st.integers(400, 3000))
def test_splitting_keeps_every_value_once_and_each_text_within_the_budget(values, budget) -> None:
    texts = soql_texts(Query("Contact", ("Id",), In("LastName", tuple(values))), max_length=budget)
    head = len("SELECT Id FROM Contact WHERE LastName IN ()")
    fits_alone = all(head + len(literal(v)) <= budget for v in values)
    assert not fits_alone or all(len(t) <= budget for t in texts)
    parts = [re.sub(r"^SELECT Id FROM Contact WHERE LastName IN \(|\)$", "", t) for t in texts]
    assert ",".join(parts) == ",".join(literal(v) for v in values)
