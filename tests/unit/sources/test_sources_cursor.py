"""A cursor value is kept as text and read back as the type the database gave it, so it binds as that type."""

from __future__ import annotations

import datetime as dt
import decimal
from typing import Any

import pytest

from sfsync.sources.cursor import decode_cursor, encode_cursor, shown_cursor

VALUES: list[Any] = [
    0,
    2**40,
    1.5,
    decimal.Decimal("12.50"),
    "2026-03-01 09:30:00",
    dt.datetime(2026, 3, 1, 9, 30, tzinfo=dt.UTC),
    dt.datetime(2026, 3, 1, 9, 30),
    dt.date(2026, 3, 1),
]


@pytest.mark.parametrize("value", VALUES, ids=lambda v: f"{type(v).__name__}-{v}")
def test_a_cursor_value_comes_back_as_it_went(value: Any) -> None:
    back = decode_cursor(encode_cursor(value))
    assert back == value and type(back) is type(value)
    assert shown_cursor(encode_cursor(value)) == (value.isoformat() if isinstance(value, dt.date) else str(value))


def test_text_it_did_not_write_is_refused() -> None:
    with pytest.raises(ValueError, match="not a cursor value"):
        decode_cursor('["int", 1]')
    assert shown_cursor(None) == "(none)"
