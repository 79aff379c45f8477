"""Salesforce's datetimes as written on the wire: `2024-01-31T10:00:00.000+0000` (REST), or with `Z` (Bulk CSV)."""

from __future__ import annotations

import datetime as dt
from typing import Any


def salesforce_moment(value: Any) -> dt.datetime | None:
    """The aware datetime `value` writes (a naive one is UTC, as Salesforce's are); None if it is not one."""
    if not value:
        return None
    text = str(value).strip().replace("Z", "+00:00")
    if len(text) > 5 and text[-5] in "+-" and text[-3] != ":":  # `+0000`: Python before 3.11 reads only `+00:00`
        text = f"{text[:-2]}:{text[-2:]}"
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def rest_datetime(text: str) -> str:
    """A datetime as REST's JSON writes it (`…000+0000`): Bulk query CSV writes the same moment `…000Z`."""
    moment = salesforce_moment(text)
    if moment is None:
        return text
    utc = moment.astimezone(dt.UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}+0000"
