"""Date and date-and-time kinds: parsed, never compared as text.

A date goes out as `YYYY-MM-DD`. A date and time goes out in Salesforce's own form, UTC to the
second (`2024-01-31T10:00:00.000+0000`): dateTime fields have a precision of one second and are
transferred in UTC (SOAP API Developer Guide, "Primitive Data Types"), so milliseconds and offsets
never make two moments differ. A moment written without an offset is UTC. A date without a time is
not a moment: for a date-and-time field it is a row error unless the mapping says `date_as:
midnight_utc`, and it never equals a moment that Salesforce holds.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from sfsync.config.models import DateAs
from sfsync.engine.field_values.base import FieldValues, InvalidValue, Options

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_OFFSET = re.compile(r"([+-]\d{2})(\d{2})$")


def salesforce_datetime(value: dt.datetime) -> str:
    """Salesforce's form: `2024-01-31T10:00:00.000+0000`."""
    return value.astimezone(dt.UTC).replace(tzinfo=None).isoformat(timespec="seconds") + ".000+0000"


def calendar_date(value: Any) -> dt.date | None:
    """A date-only value (a date, or `YYYY-MM-DD` text), else None; raises InvalidValue for a bad calendar day."""
    if isinstance(value, dt.datetime):
        return None
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and _DATE.fullmatch(value.strip()):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            raise InvalidValue("not a date on the calendar") from None
    return None


def moment(value: Any) -> dt.datetime:
    """A date and time in UTC, to the second; raises InvalidValue."""
    if isinstance(value, dt.datetime):
        parsed = value
    elif isinstance(value, str):
        try:
            parsed = dt.datetime.fromisoformat(_OFFSET.sub(r"\1:\2", value.strip()))
        except ValueError:
            raise InvalidValue("not a date and time (ISO 8601, e.g. 2024-01-31T10:00:00Z)") from None
    else:
        raise InvalidValue("not a date and time (ISO 8601, e.g. 2024-01-31T10:00:00Z)")
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.UTC)
    return parsed.astimezone(dt.UTC).replace(microsecond=0)


class Date(FieldValues):
    """`date` fields."""

    def _convert(self, value: Any, options: Options) -> Any:
        return self._key(value).isoformat()

    def _key(self, value: Any) -> Any:
        day = calendar_date(value)
        if day is None:
            raise InvalidValue("not a date (YYYY-MM-DD)")
        return day


class DateTime(FieldValues):
    """`datetime` fields."""

    def _convert(self, value: Any, options: Options) -> Any:
        day = calendar_date(value)
        if day is None:
            return salesforce_datetime(moment(value))
        if options.date_as is DateAs.MIDNIGHT_UTC:
            return salesforce_datetime(dt.datetime.combine(day, dt.time(), dt.UTC))
        raise InvalidValue("a date without a time (`date_as: midnight_utc` on the mapping sends it as midnight UTC)")

    def _key(self, value: Any) -> Any:
        day = calendar_date(value)
        return ("date", day) if day is not None else moment(value)

    def filter_key(self, value: Any) -> Any:
        """A filter's date against a date-and-time field means midnight UTC of that date."""
        key = self.key(value)
        if isinstance(key, tuple) and len(key) == 2 and key[0] == "date":
            return dt.datetime.combine(key[1], dt.time(), dt.UTC)
        return key
