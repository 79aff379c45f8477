"""Bulk API 2.0 CSV details that need no server: cell values, result files, locators, query objects."""

from __future__ import annotations

import pytest

from sfsync.localorg.bulk_csv import CellError, Dialect, cell_value, ingest_result_file, upload_line_ending_ok
from sfsync.localorg.bulk_json import query_object
from sfsync.localorg.bulk_query import locator_offset, make_locator
from sfsync.localorg.bulk_rows import RowOutcome
from sfsync.localorg.catalog import FieldSpec

LF = Dialect.of("COMMA", "LF")


def field(type_: str) -> FieldSpec:
    return FieldSpec("F__c", type_, {"name": "F__c", "label": "Eff", "type": type_})


@pytest.mark.parametrize(
    ("type_", "cell", "value"),
    [
        ("boolean", "TRUE", True),
        ("boolean", "0", False),
        ("int", " 42 ", 42),
        ("currency", "1.5", 1.5),
        ("date", "2024-01-31", "2024-01-31"),
        ("string", "#N/A", None),
        ("int", "#N/A", None),
    ],
)
def test_cells_become_json_values_by_field_type(type_: str, cell: str, value: object) -> None:
    assert cell_value(field(type_), cell) == value


def test_a_malformed_number_names_the_field_by_label() -> None:
    with pytest.raises(CellError, match="^Eff: value not of required type: lots$"):
        cell_value(field("double"), "lots")


def test_result_file_quotes_sf_columns_and_echoes_the_row() -> None:
    text = ingest_result_file(("sf__Id", "sf__Error"), "LastName,Company", [("", "E:m:--", 'a,"b,c"')], LF)

    assert text == '"sf__Id","sf__Error",LastName,Company\n"","E:m:--",a,"b,c"\n'


def test_tab_and_crlf_dialect_round_trips_a_row() -> None:
    dialect = Dialect.of("TAB", "CRLF")

    assert list(dialect.rows("A\tB\r\nx\ty z\r\n\r\n")) == [["A", "B"], ["x", "y z"]]
    assert dialect.line(["a", "b\tc"]) == 'a\t"b\tc"'


def test_line_ending_must_match_the_job() -> None:
    assert upload_line_ending_ok("A,B\na,b\n", LF)
    assert not upload_line_ending_ok("A,B\r\na,b\r\n", LF)
    assert upload_line_ending_ok("A,B\r\n", Dialect.of("COMMA", "CRLF"))


def test_errors_follow_code_message_fields_pattern() -> None:
    named = RowOutcome.failure("REQUIRED_FIELD_MISSING", "Required fields are missing: [A, B]", ("A", "B"))
    unnamed = RowOutcome.failure("DUPLICATE_VALUE", "duplicate value found", ())

    assert named.text == "REQUIRED_FIELD_MISSING:Required fields are missing: [A, B]:A B --"
    assert unnamed.text == "DUPLICATE_VALUE:duplicate value found:--"


@pytest.mark.parametrize("offset", [0, 7, 50_000, 1_000_000])
def test_locators_round_trip(offset: int) -> None:
    assert locator_offset(make_locator(offset)) == offset


def test_locator_of_another_org_is_refused() -> None:
    assert make_locator(50_000) == "NTAwMDA"
    assert locator_offset("null") == 0
    assert locator_offset("not a locator!") is None
    assert locator_offset("YWJj") is None  # base64 of "abc"


def test_query_object_skips_subqueries() -> None:
    soql = "SELECT Id, (SELECT Id FROM Contacts WHERE Name IN ('a')) FROM Account WHERE Name = 'x'"

    assert query_object(soql) == "Account"
    assert query_object("select id from lead") == "lead"
