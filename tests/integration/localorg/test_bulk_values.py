"""Bulk API 2.0 query results give each value in Bulk's CSV form, read with the real simple-salesforce."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

import pytest
from simple_salesforce.bulk2 import ColumnDelimiter, LineEnding

pytestmark = pytest.mark.org

BULK_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.000Z")


@pytest.fixture
def sf(local_org: Any) -> Any:
    local_org.reset()
    return local_org.simple_salesforce()


def _query_text(sf: Any, sobject: str, soql: str, **options: Any) -> str:
    pages = list(getattr(sf.bulk2, sobject).query(soql, wait=0, **options))
    assert len(pages) == 1
    return str(pages[0])


def test_values_come_in_bulk_csv_forms_not_rest_json_forms(sf: Any) -> None:
    account = sf.Account.create({"Name": 'Acme, "the" Company'})["id"]
    opportunity = sf.Opportunity.create(
        {
            "Name": "Big deal",
            "StageName": "Prospecting",
            "CloseDate": "2024-01-31",
            "Amount": 10_000_000_000_000_000,
            "Probability": 12.5,
            "AccountId": account,
        }
    )["id"]
    columns = ["Id", "CloseDate", "Amount", "Probability", "IsPrivate", "CreatedDate", "Description", "Account.Name"]
    soql = f"SELECT {', '.join(columns)}, AccountId FROM Opportunity WHERE Id = '{opportunity}'"  # noqa: S608
    rest = sf.query(soql)["records"][0]

    text = _query_text(sf, "Opportunity", soql)

    header, line = text.splitlines()
    assert header == ",".join(f'"{c}"' for c in [*columns, "AccountId"])
    [row] = list(csv.DictReader(io.StringIO(text)))
    assert len(row["Id"]) == 18 and row["Id"] == rest["Id"] and len(row["AccountId"]) == 18
    assert BULK_DATETIME.fullmatch(row["CreatedDate"])  # REST: `…+0000`; Bulk CSV: `…Z`
    assert rest["CreatedDate"] == row["CreatedDate"].removesuffix("Z") + "+0000"
    assert row["CloseDate"] == "2024-01-31"
    assert row["Amount"] == "10000000000000000" and row["Probability"] == "12.5"  # no exponent, no separators
    assert row["IsPrivate"] == "false"
    assert row["Description"] == "" and ',"",' in line  # null is an empty (quoted) cell
    assert row["Account.Name"] == 'Acme, "the" Company' and '"Acme, ""the"" Company"' in line


def test_the_jobs_delimiter_and_line_ending_shape_the_results(sf: Any) -> None:
    soql = "SELECT Id, Name, CreatedDate FROM Account ORDER BY Name"

    text = _query_text(sf, "Account", soql, column_delimiter=ColumnDelimiter.PIPE, line_ending=LineEnding.CRLF)

    lines = text.split("\r\n")
    assert lines[0] == '"Id"|"Name"|"CreatedDate"' and lines[-1] == ""
    assert "\n" not in "".join(lines)
    names = [line.split("|")[1] for line in lines[1:-1]]
    assert names == sorted(names) and '"Acme Corp"' in names


def test_parent_datetimes_are_in_bulk_form_and_nested_rest_ones_in_rests(sf: Any) -> None:
    """A parent's datetime (`Account.LastModifiedDate`, two levels up too) is `…000Z` in Bulk's CSV like the
    object's own, and `…000+0000` in REST's nested record, the same moment."""
    account = sf.Account.create({"Name": "Parent of a contact"})["id"]
    contact = sf.Contact.create({"LastName": "Child", "AccountId": account})["id"]
    columns = ["CreatedDate", "Account.LastModifiedDate", "Account.Owner.CreatedDate"]
    soql = f"SELECT {', '.join(columns)} FROM Contact WHERE Id = '{contact}'"  # noqa: S608
    rest = sf.query(soql)["records"][0]
    nested = [rest["CreatedDate"], rest["Account"]["LastModifiedDate"], rest["Account"]["Owner"]["CreatedDate"]]

    [row] = list(csv.DictReader(io.StringIO(_query_text(sf, "Contact", soql))))

    assert all(BULK_DATETIME.fullmatch(row[column]) for column in columns), row
    assert nested == [row[column].removesuffix("Z") + "+0000" for column in columns]
