"""Date and datetime literals: normalising them to the stored form, and date-literal ranges.

Ranges are half-open `[start, end)` in days, computed in UTC (the local org's users all live in
UTC). Weeks start on Sunday and quarters are calendar quarters, as in a default org.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

Range = tuple[date, date]

DATETIME_FORMAT = "%Y-%m-%dT%H:%M:%S"


def _day(today: date, offset: int) -> Range:
    return today + timedelta(days=offset), today + timedelta(days=offset + 1)


def _week_start(today: date) -> date:
    return today - timedelta(days=(today.weekday() + 1) % 7)


def _weeks(today: date, first: int, count: int) -> Range:
    start = _week_start(today) + timedelta(weeks=first)
    return start, start + timedelta(weeks=count)


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _months(today: date, first: int, count: int, size: int = 1) -> Range:
    base = date(today.year, today.month, 1)
    if size == 3:
        base = date(today.year, (today.month - 1) // 3 * 3 + 1, 1)
    elif size == 12:
        base = date(today.year, 1, 1)
    start = _add_months(base, first * size)
    return start, _add_months(start, count * size)


DATE_LITERALS: dict[str, Callable[[date], Range]] = {
    "TODAY": lambda t: _day(t, 0),
    "YESTERDAY": lambda t: _day(t, -1),
    "TOMORROW": lambda t: _day(t, 1),
    "LAST_WEEK": lambda t: _weeks(t, -1, 1),
    "THIS_WEEK": lambda t: _weeks(t, 0, 1),
    "NEXT_WEEK": lambda t: _weeks(t, 1, 1),
    "LAST_MONTH": lambda t: _months(t, -1, 1),
    "THIS_MONTH": lambda t: _months(t, 0, 1),
    "NEXT_MONTH": lambda t: _months(t, 1, 1),
    "LAST_QUARTER": lambda t: _months(t, -1, 1, 3),
    "THIS_QUARTER": lambda t: _months(t, 0, 1, 3),
    "NEXT_QUARTER": lambda t: _months(t, 1, 1, 3),
    "LAST_YEAR": lambda t: _months(t, -1, 1, 12),
    "THIS_YEAR": lambda t: _months(t, 0, 1, 12),
    "NEXT_YEAR": lambda t: _months(t, 1, 1, 12),
    "LAST_90_DAYS": lambda t: (t - timedelta(days=90), t + timedelta(days=1)),
    "NEXT_90_DAYS": lambda t: (t + timedelta(days=1), t + timedelta(days=91)),
}

N_DATE_LITERALS: dict[str, Callable[[date, int], Range]] = {
    # LAST_N_DAYS includes today; NEXT_N_DAYS starts tomorrow.
    "LAST_N_DAYS": lambda t, n: (t - timedelta(days=n), t + timedelta(days=1)),
    "NEXT_N_DAYS": lambda t, n: (t + timedelta(days=1), t + timedelta(days=n + 1)),
    "N_DAYS_AGO": lambda t, n: _day(t, -n),
    "LAST_N_WEEKS": lambda t, n: _weeks(t, -n, n),
    "NEXT_N_WEEKS": lambda t, n: _weeks(t, 1, n),
    "N_WEEKS_AGO": lambda t, n: _weeks(t, -n, 1),
    "LAST_N_MONTHS": lambda t, n: _months(t, -n, n),
    "NEXT_N_MONTHS": lambda t, n: _months(t, 1, n),
    "N_MONTHS_AGO": lambda t, n: _months(t, -n, 1),
    "LAST_N_QUARTERS": lambda t, n: _months(t, -n, n, 3),
    "NEXT_N_QUARTERS": lambda t, n: _months(t, 1, n, 3),
    "N_QUARTERS_AGO": lambda t, n: _months(t, -n, 1, 3),
    "LAST_N_YEARS": lambda t, n: _months(t, -n, n, 12),
    "NEXT_N_YEARS": lambda t, n: _months(t, 1, n, 12),
    "N_YEARS_AGO": lambda t, n: _months(t, -n, 1, 12),
}


def literal_range(name: str, argument: int | None, today: date) -> Range:
    if argument is None:
        return DATE_LITERALS[name](today)
    return N_DATE_LITERALS[name](today, argument)


def stored_datetime(text: str) -> str:
    """`2024-01-31T10:00:00+01:00` (or `Z`, or with millis) as stored: `2024-01-31T09:00:00.000+0000`."""
    value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    utc = value.astimezone(UTC)
    return f"{utc.strftime(DATETIME_FORMAT)}.{utc.microsecond // 1000:03d}+0000"


def day_start(day: date) -> str:
    return f"{day.isoformat()}T00:00:00.000+0000"


def utc_now() -> datetime:
    return datetime.now(UTC)
