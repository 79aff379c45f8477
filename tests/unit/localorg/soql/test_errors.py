"""Rejected queries carry Salesforce's error codes and exact texts, positioned by row and column."""

# ruff: noqa: S608  (these f-strings build SOQL under test, or test-table inserts from catalog names)

from __future__ import annotations

import pytest

from sfsync.localorg.catalog import Catalog
from sfsync.localorg.soql import QueryService, SoqlError

from .conftest import Access

FIELD_HINT = (
    "If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. "
    "Please reference your WSDL or the describe call for the appropriate names."
)
OBJECT_HINT = (
    "If you are attempting to use a custom object, be sure to append the '__c' after the entity name. "
    "Please reference your WSDL or the describe call for the appropriate names."
)


def _error(service: QueryService, access: Access, soql: str) -> SoqlError:
    with pytest.raises(SoqlError) as caught:
        service.query(soql, access=access, api_version="59.0")
    return caught.value


def test_unknown_field(service: QueryService, access: Access) -> None:
    error = _error(service, access, "SELECT Id, Foo FROM Lead")
    assert error.error_code == "INVALID_FIELD"
    assert error.message == (
        "\nSELECT Id, Foo FROM Lead\n           ^\nERROR at Row:1:Column:12\n"
        f"No such column 'Foo' on entity 'Lead'. {FIELD_HINT}"
    )


def test_unknown_object(service: QueryService, access: Access) -> None:
    error = _error(service, access, "SELECT Id FROM Nope__c")
    assert error.error_code == "INVALID_TYPE"
    assert error.message == (
        "\nSELECT Id FROM Nope__c\n               ^\nERROR at Row:1:Column:16\n"
        f"sObject type 'Nope__c' is not supported. {OBJECT_HINT}"
    )


def test_unexpected_token_on_a_later_row(service: QueryService, access: Access) -> None:
    error = _error(service, access, "SELECT Id,\nFROM Account")
    assert error.error_code == "MALFORMED_QUERY"
    assert error.message == "\nFROM Account\n^\nERROR at Row:2:Column:1\nunexpected token: 'FROM'"


def test_end_of_query(service: QueryService, access: Access) -> None:
    error = _error(service, access, "SELECT Id FROM")
    assert error.message.endswith("ERROR at Row:1:Column:15\nunexpected token: <EOF>")


def test_field_hidden_by_field_level_security_is_no_such_column(service: QueryService, catalog: Catalog) -> None:
    restricted = Access(catalog, hidden_fields={"Lead": frozenset({"Email"})})
    error = _error(service, restricted, "SELECT Id FROM Lead WHERE Email = 'a@b.c'")
    assert error.error_code == "INVALID_FIELD"
    assert "No such column 'Email' on entity 'Lead'" in error.message


def test_object_without_read_is_unsupported(service: QueryService, catalog: Catalog) -> None:
    restricted = Access(catalog, hidden_objects=frozenset({"Account"}))
    assert _error(service, restricted, "SELECT Id FROM Account").error_code == "INVALID_TYPE"
    error = _error(service, restricted, "SELECT Account.Name FROM Contact")
    assert error.error_code == "INVALID_FIELD"
    assert "Didn't understand relationship 'Account' in field path." in error.message


@pytest.mark.parametrize(
    ("soql", "code", "text"),
    [
        ("SELECT Id FROM Lead WHERE Id = 'abc'", "INVALID_QUERY_FILTER_OPERATOR", "invalid ID field: abc"),
        (
            "SELECT Id FROM Lead WHERE NumberOfEmployees = '5'",
            "INVALID_FIELD",
            "value of filter criterion for field 'NumberOfEmployees' must be of type integer and should not be "
            "enclosed in quotes",
        ),
        (
            "SELECT Id FROM Lead WHERE CreatedDate > 2024-01-01",
            "INVALID_FIELD",
            "value of filter criterion for field 'CreatedDate' must be of type dateTime and should not be enclosed "
            "in quotes",
        ),
        (
            "SELECT Id FROM Lead WHERE ConvertedDate > 2024-01-01T00:00:00Z",
            "INVALID_FIELD",
            "value of filter criterion for field 'ConvertedDate' must be of type date and should not be enclosed "
            "in quotes",
        ),
        (
            "SELECT Id FROM Lead WHERE LastName = 5",
            "INVALID_FIELD",
            "value of filter criterion for field 'LastName' must be of type string and should be enclosed in quotes",
        ),
        ("SELECT Id FROM Lead WHERE Description = 'x'", "INVALID_FIELD", "field 'Description' can not be filtered"),
        ("SELECT Id FROM Lead ORDER BY Description", "INVALID_FIELD", "field 'Description' can not be sorted"),
        ("SELECT FIELDS(ALL) FROM Lead", "MALFORMED_QUERY", "must have a LIMIT of at most 200"),
        ("SELECT FIELDS(ALL) FROM Lead LIMIT 201", "MALFORMED_QUERY", "must have a LIMIT of at most 200"),
        ("SELECT Id FROM Lead WHERE A = 1 AND B = 2 OR C = 3", "MALFORMED_QUERY", "unexpected token: 'OR'"),
        ("SELECT Id FROM Lead WHERE LastName = 'x", "MALFORMED_QUERY", "unterminated string literal"),
        ("SELECT Id FROM Lead WHERE LastName = 'a\\q'", "MALFORMED_QUERY", "Illegal character sequence '\\q'"),
        ("SELECT Id FROM Lead OFFSET 2001", "NUMBER_OUTSIDE_VALID_RANGE", "Maximum SOQL offset allowed is 2000"),
        ("SELECT Status, LastName FROM Lead GROUP BY Status", "MALFORMED_QUERY", "must be grouped or aggregated"),
        ("SELECT Id, (SELECT Id FROM Nopes) FROM Account", "INVALID_TYPE", "Didn't understand relationship 'Nopes'"),
        ("SELECT Foo.Name FROM Contact", "INVALID_FIELD", "Didn't understand relationship 'Foo' in field path."),
        ("SELECT Account.Foo FROM Contact", "INVALID_FIELD", "No such column 'Foo' on entity 'Account'."),
    ],
)
def test_rejected_queries(service: QueryService, access: Access, soql: str, code: str, text: str) -> None:
    error = _error(service, access, soql)
    assert (error.error_code, text in error.message) == (code, True), error.message


def test_long_lines_are_echoed_as_a_window_around_the_error(service: QueryService, access: Access) -> None:
    fields = ", ".join(f"Field{n}" for n in range(30))
    error = _error(service, access, f"SELECT Id, {fields} FROM Lead")
    echo, caret = error.message.split("\n")[1:3]
    assert len(echo) < 100
    assert echo[caret.index("^") :].startswith("Field0,")
