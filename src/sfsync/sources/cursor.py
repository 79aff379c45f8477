"""A SQL source's cursor value kept as text: tagged JSON, so it is read back as the type it was.

The value is bound as a parameter of the next read (`cursor > :after`); binding it as the type the
database returned (an integer, a timestamp) compares it as that type, never as text.
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
from typing import Any

_DECODERS: dict[str, Any] = {
    "int": int,
    "float": float,
    "decimal": decimal.Decimal,
    "text": str,
    "datetime": dt.datetime.fromisoformat,
    "date": dt.date.fromisoformat,
}


def encode_cursor(value: Any) -> str:
    """`{"int": "42"}`, `{"datetime": "2026-03-01T09:30:00+00:00"}`, …: the value and its type."""
    if isinstance(value, bool):  # a bool is an int to Python; a growing cursor is never one
        tag = "text"
    elif isinstance(value, int):
        tag = "int"
    elif isinstance(value, float):
        tag = "float"
    elif isinstance(value, decimal.Decimal):
        tag = "decimal"
    elif isinstance(value, dt.datetime):
        tag = "datetime"
    elif isinstance(value, dt.date):
        tag = "date"
    else:
        tag = "text"
    text = value.isoformat() if isinstance(value, dt.date) else str(value)
    return json.dumps({tag: text}, sort_keys=True)


def decode_cursor(text: str) -> Any:
    """The value `encode_cursor` kept; raises ValueError on text it did not write."""
    tagged = json.loads(text)
    if not isinstance(tagged, dict) or len(tagged) != 1:
        raise ValueError(f"not a cursor value: {text!r}")
    ((tag, value),) = tagged.items()
    return _DECODERS[tag](value)


def shown_cursor(text: str | None) -> str:
    """The cursor value as a person reads it in a message."""
    if text is None:
        return "(none)"
    ((_, value),) = json.loads(text).items()
    return str(value)
