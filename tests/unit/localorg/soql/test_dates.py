"""Date-literal ranges and datetime normalisation."""

from __future__ import annotations

from datetime import date

import pytest

from sfsync.localorg.soql.dates import literal_range, stored_datetime

WEDNESDAY = date(2024, 5, 15)


@pytest.mark.parametrize(
    ("name", "argument", "expected"),
    [
        ("TODAY", None, (date(2024, 5, 15), date(2024, 5, 16))),
        ("THIS_WEEK", None, (date(2024, 5, 12), date(2024, 5, 19))),  # Sunday to Saturday
        ("LAST_WEEK", None, (date(2024, 5, 5), date(2024, 5, 12))),
        ("NEXT_MONTH", None, (date(2024, 6, 1), date(2024, 7, 1))),
        ("THIS_QUARTER", None, (date(2024, 4, 1), date(2024, 7, 1))),
        ("LAST_QUARTER", None, (date(2024, 1, 1), date(2024, 4, 1))),
        ("LAST_YEAR", None, (date(2023, 1, 1), date(2024, 1, 1))),
        ("LAST_90_DAYS", None, (date(2024, 2, 15), date(2024, 5, 16))),
        ("LAST_N_DAYS", 1, (date(2024, 5, 14), date(2024, 5, 16))),
        ("NEXT_N_DAYS", 2, (date(2024, 5, 16), date(2024, 5, 18))),
        ("N_DAYS_AGO", 3, (date(2024, 5, 12), date(2024, 5, 13))),
        ("LAST_N_MONTHS", 5, (date(2023, 12, 1), date(2024, 5, 1))),
        ("N_YEARS_AGO", 2, (date(2022, 1, 1), date(2023, 1, 1))),
    ],
)
def test_literal_ranges(name: str, argument: int | None, expected: tuple[date, date]) -> None:
    assert literal_range(name, argument, WEDNESDAY) == expected


@pytest.mark.parametrize(
    "text",
    ["2024-01-31T10:00:00Z", "2024-01-31T10:00:00+00:00", "2024-01-31T12:00:00+02:00", "2024-01-31T05:00:00-0500"],
)
def test_datetimes_are_stored_in_utc(text: str) -> None:
    assert stored_datetime(text) == "2024-01-31T10:00:00.000+0000"


def test_milliseconds_are_kept() -> None:
    assert stored_datetime("2024-01-31T10:00:00.250Z") == "2024-01-31T10:00:00.250+0000"
