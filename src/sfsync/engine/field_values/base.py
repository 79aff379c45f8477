"""What every kind of Salesforce field value shares: the errors, the mapping's opt-ins, the base kind.

A kind (`FieldValues`) answers four questions about one Salesforce field's values, and every place
that sends, compares or records a value asks it rather than deciding on its own:

- `to_salesforce`: the workspace value in the JSON form Salesforce stores for the field, or
  `InvalidValue` (a row error: the record is not written);
- `same`: whether two values are equal as the field means it (a value read from Salesforce, one
  from the ledger, one about to be sent; JSON or Bulk text alike);
- `is_empty`: whether the field counts as empty for `if_empty` (a checkbox is empty when false);
- `stored`: the value in Salesforce's own form, as a read returns it after a save (for the ledger
  and the mirror);
- `canonical`: one text per value as `same` sees it (what a sensitive value's digest is taken of).

Invariants every kind keeps: `same` is reflexive and symmetric; `stored(stored(v)) == stored(v)`;
a value `to_salesforce` accepts is `same` as what it returns; `same(a, b)` exactly when
`canonical(a) == canonical(b)`.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sfsync.config.models import DateAs
from sfsync.salesforce.port import FieldInfo


class InvalidValue(ValueError):
    """A value that cannot go into its field as it is. The message says why without quoting the value
    (the caller adds the value, unless the mapping is sensitive)."""


class TooLong(ValueError):
    """A text longer than its field holds; `length` and `limit` are in characters."""

    def __init__(self, length: int, limit: int, *, can_truncate: bool) -> None:
        self.length, self.limit, self.can_truncate = length, limit, can_truncate
        super().__init__(f"{length} characters, the field holds {limit}")


@dataclass(frozen=True)
class Options:
    """What a field mapping opts into (`truncate`, `date_as`); nothing by default."""

    truncate: bool = False
    date_as: DateAs | None = None


PLAIN = Options()


def blank(value: Any) -> bool:
    """No value at all: None, blank text or an empty list. sfsync never sends one."""
    if type(value) is str:  # the common case first: this runs for every field of every record
        return not value.strip()
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    return isinstance(value, list | tuple | set | frozenset) and not value


def scalar_text(value: Any) -> str:
    """The text of one scalar, as a person would write it (`true`, `42`, `1.5`, `2024-01-31`)."""
    if type(value) is str:  # most values are text already: no other check can apply to them
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if not math.isfinite(value):
            raise InvalidValue("not a finite number")
        return plain_decimal(Decimal(repr(value)))
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise InvalidValue("not a finite number")
        return plain_decimal(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        raise InvalidValue("a structure of keys and values, not one value")
    if isinstance(value, list | tuple | set | frozenset):
        raise InvalidValue("a list; only a multi-select picklist takes a list")
    return str(value)


def plain_decimal(number: Decimal) -> str:
    """Fixed-point text without exponent or trailing zeros: 1.50 → `1.5`, 2E+3 → `2000`."""
    text = format(number, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


class FieldValues:
    """The values of one kind of Salesforce field (the base kind: text compared exactly)."""

    # Whether `_convert` is the base one (text trimmed): a text value is then sent trimmed without the
    # calls in between. Planning sends every field of every record through `to_salesforce`.
    _trims_text = True

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._trims_text = cls._convert is FieldValues._convert

    def __init__(self, info: FieldInfo | None = None) -> None:
        self.info = info

    @property
    def name(self) -> str:
        return self.info.name if self.info else ""

    # --- sending ----------------------------------------------------------------------------------------
    def to_salesforce(self, value: Any, options: Options = PLAIN) -> Any:
        """The JSON value to send, None when there is nothing to send; raises InvalidValue."""
        if type(value) is str and self._trims_text:  # `blank`, then `_convert`, for the usual value
            return value.strip() or None
        if blank(value):
            return None
        return self._convert(value, options)

    def _convert(self, value: Any, options: Options) -> Any:
        return scalar_text(value).strip()

    def fit(self, value: Any, options: Options = PLAIN) -> tuple[Any, int]:
        """A converted value within the field's length: (value, length it was cut from, else 0).

        Raises TooLong when it does not fit and the kind or the mapping does not allow cutting it.
        """
        return value, 0

    # --- comparing ---------------------------------------------------------------------------------------
    def key(self, value: Any) -> Any:
        """What equality compares (None when empty). Total: a value the kind cannot read compares by its text."""
        if blank(value):
            return None
        try:
            return self._key(value)
        except InvalidValue:
            return ("unreadable", str(value).strip())

    def _key(self, value: Any) -> Any:
        return self._convert(value, PLAIN)

    def same(self, left: Any, right: Any) -> bool:
        """Equal as the field means it; two empty values are equal."""
        if self.is_empty(left) or self.is_empty(right):
            return self.is_empty(left) and self.is_empty(right)
        return bool(self.key(left) == self.key(right))

    def is_empty(self, value: Any) -> bool:
        """Empty for `if_empty`."""
        return blank(value)

    def canonical(self, value: Any) -> str:
        """The text of `key` (`null` when empty): two values have the same one exactly when they are `same`."""
        if self.is_empty(value):
            return "null"
        return json.dumps(_plain_key(self.key(value)), ensure_ascii=False, separators=(",", ":"))

    def stored(self, value: Any) -> Any:
        """Salesforce's own form of a value; a value the kind cannot read is kept as it is."""
        try:
            return self.to_salesforce(value)
        except InvalidValue:
            return value

    # --- filters -------------------------------------------------------------------------------------------
    def filter_key(self, value: Any) -> Any:
        """What a filter's `eq`/`in` compares; text kinds compare case-insensitively there, as SOQL does."""
        return self.key(value)

    def filter_text(self, value: Any) -> str:
        """The text `contains`/`starts_with`/`ends_with` look in (case-insensitive, as SOQL's LIKE)."""
        key = self.filter_key(value)
        return key.casefold() if isinstance(key, str) else str(value).strip().casefold()


def _plain_key(key: Any) -> Any:
    """A comparison key as JSON, each kind of key tagged so that keys of two kinds never share a text."""
    if isinstance(key, bool | str | int) or key is None:
        return key
    if isinstance(key, Decimal):
        return ["number", plain_decimal(key)]  # equal numbers have one fixed-point text
    if isinstance(key, dt.datetime):
        return ["moment", key.isoformat()]
    if isinstance(key, dt.date):
        return ["date", key.isoformat()]
    if isinstance(key, frozenset | set):
        return ["set", sorted(json.dumps(_plain_key(item), ensure_ascii=False) for item in key)]
    if isinstance(key, tuple | list):
        return ["tuple", [_plain_key(item) for item in key]]
    return ["text", str(key)]
