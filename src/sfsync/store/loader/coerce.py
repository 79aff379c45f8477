"""Typed, normalised values from file cells, by the catalogue's field types.

Every function returns the value or raises `BadValue` with the reason; an empty cell is None (the
field is cleared). JSONL values may already be typed (`true`, `42`); CSV values are strings.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from typing import Any

from sfsync.catalogue import INTENT_LEVELS, FieldType
from sfsync.store.normalise import normalise_domain, normalise_email

# The texts that are booleans, in any case (workspace files and values sent to Salesforce checkboxes).
TRUE_TEXT = frozenset({"true", "t", "yes", "y", "on", "1"})
FALSE_TEXT = frozenset({"false", "f", "no", "n", "off", "0"})


class BadValue(ValueError):
    """A cell that cannot be read as its field's type."""


def is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(value: Any) -> str:
    if isinstance(value, dict | list):
        raise BadValue("expected text, found a JSON structure")
    return str(value).strip()


def _boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = _text(value).lower()
    if text in TRUE_TEXT or text in FALSE_TEXT:
        return text in TRUE_TEXT
    raise BadValue(f"bad boolean {value!r} (expected true/false, yes/no, on/off or 1/0)")


def _date(value: Any) -> dt.date:
    try:
        return dt.date.fromisoformat(_text(value))
    except ValueError:
        raise BadValue(f"bad date {value!r} (expected YYYY-MM-DD)") from None


def _integer(value: Any) -> int:
    if isinstance(value, bool):
        raise BadValue(f"bad number {value!r} (expected a whole number)")
    if isinstance(value, float) and value.is_integer():
        return int(value)
    try:
        return int(_text(value))
    except ValueError:
        raise BadValue(f"bad number {value!r} (expected a whole number)") from None


def _number(value: Any) -> float:
    if isinstance(value, bool):
        raise BadValue(f"bad number {value!r}")
    try:
        number = float(_text(value))
    except ValueError:
        raise BadValue(f"bad number {value!r}") from None
    if not math.isfinite(number):
        raise BadValue(f"bad number {value!r}")
    return number


def _currency(value: Any) -> str:
    text = _text(value).upper()
    if len(text) != 3 or not text.isascii() or not text.isalpha():
        raise BadValue(f"bad currency code {value!r} (expected ISO 4217, e.g. USD)")
    return text


def _intent(value: Any) -> str:
    text = _text(value)
    for level in INTENT_LEVELS:
        if level.lower() == text.lower():
            return level
    raise BadValue(f"bad intent level {value!r} (expected {', '.join(INTENT_LEVELS)})")


def _email(value: Any) -> str:
    result = normalise_email(_text(value))
    if result.value is None:
        raise BadValue(f"bad email: {result.reason}")
    return _text(value)


def _domain(value: Any) -> str:
    result = normalise_domain(_text(value))
    if result.value is None:
        raise BadValue(f"bad domain: {result.reason}")
    return result.value


COERCERS: dict[FieldType, Callable[[Any], Any]] = {
    FieldType.TEXT: _text,
    FieldType.EMAIL: _email,
    FieldType.DOMAIN: _domain,
    FieldType.BOOLEAN: _boolean,
    FieldType.DATE: _date,
    FieldType.INTEGER: _integer,
    FieldType.NUMBER: _number,
    FieldType.CURRENCY_CODE: _currency,
    FieldType.INTENT: _intent,
}


def coerce(field_type: FieldType, value: Any) -> Any:
    """The typed value of a cell (None when empty); raises BadValue."""
    return None if is_empty(value) else COERCERS[field_type](value)
