"""Checkbox kinds: strict booleans, and the checkbox rule that false is empty.

Only these texts are booleans (any case, trimmed): true/false, t/f, yes/no, y/n, on/off, 1/0, as the
numbers 1 and 0 are. Anything else is a row error, never false.

A Salesforce checkbox is never null (it reads false), so for `if_empty` a checkbox is empty when it
is false: filling an empty checkbox may set it to true, and never clears one that is true. Writing
false where Salesforce holds false or null is no change at all.
"""

from __future__ import annotations

from typing import Any

from sfsync.engine.field_values.base import FieldValues, InvalidValue, Options, blank
from sfsync.store.loader.coerce import FALSE_TEXT, TRUE_TEXT


def boolean(value: Any) -> bool:
    """A strict boolean; raises InvalidValue."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        text = value.strip().lower()
        if text in TRUE_TEXT or text in FALSE_TEXT:
            return text in TRUE_TEXT
    raise InvalidValue("not a checkbox value (true/false, yes/no, on/off, 1/0)")


class Boolean(FieldValues):
    """A boolean where null means unknown (workspace booleans): empty only when there is no value."""

    def _convert(self, value: Any, options: Options) -> Any:
        return boolean(value)


class Checkbox(Boolean):
    """A Salesforce `boolean` field: empty when false or null."""

    def is_empty(self, value: Any) -> bool:
        return blank(value) or self.key(value) is False
