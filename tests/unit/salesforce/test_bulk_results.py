"""Bulk query CSV read into records shaped as REST's JSON gives them."""

from __future__ import annotations

from sfsync.salesforce.moments import rest_datetime
from sfsync.salesforce.results import csv_records

PAGE = (
    '"Id","CreatedDate","Title","Account.Name","Account.Owner.Alias","Interests__c"\n'
    '"003A","2024-01-31T10:00:00.000Z","","Acme","ada","Golf;Tennis"\n'
    '"003B","","CTO","","",""\n'
)


def test_bulk_cells_become_rest_values_datetimes_and_parents_included() -> None:
    first, second = csv_records(PAGE, {"createddate"})
    assert first == {
        "Id": "003A",
        "CreatedDate": "2024-01-31T10:00:00.000+0000",
        "Title": None,
        "Account": {"Name": "Acme", "Owner": {"Alias": "ada"}},
        "Interests__c": "Golf;Tennis",
    }
    assert second == {"Id": "003B", "CreatedDate": None, "Title": "CTO", "Account": None, "Interests__c": None}


def test_only_the_named_datetime_columns_change_form() -> None:
    [row] = csv_records('"Id","Note__c"\n"003A","2024-01-31T10:00:00.000Z"\n', {"createddate"})
    assert row["Note__c"] == "2024-01-31T10:00:00.000Z"  # text that looks like a datetime stays text


def test_rest_datetime_keeps_the_moment_and_its_milliseconds() -> None:
    assert rest_datetime("2024-01-31T10:00:00.000Z") == "2024-01-31T10:00:00.000+0000"
    assert rest_datetime("2024-01-31T12:00:00.250+02:00") == "2024-01-31T10:00:00.250+0000"
    assert rest_datetime("not a moment") == "not a moment"
