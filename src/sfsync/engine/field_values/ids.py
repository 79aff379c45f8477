"""Salesforce Id kinds (`id`, `reference`): 15- and 18-character forms of one Id are the same Id.

An Id is 15 case-sensitive letters and digits; the 18-character form adds a checksum of their case,
one character per 5-character chunk. Salesforce always returns the 18-character form, so that is the
stored form; two Ids are the same when their 18-character forms are.
"""

from __future__ import annotations

import re
from typing import Any

from sfsync.engine.field_values.base import FieldValues, InvalidValue, Options

_ID = re.compile(r"[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?")
_CHECKSUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"


def long_id(text: str) -> str:
    """The 18-character form of a 15- or 18-character Id (its checksum upper-cased); raises InvalidValue."""
    if not _ID.fullmatch(text):
        raise InvalidValue("not a Salesforce Id (15 or 18 letters and digits)")
    if len(text) == 18:
        return text[:15] + text[15:].upper()
    suffix = ""
    for start in (0, 5, 10):
        chunk = text[start : start + 5]
        suffix += _CHECKSUM[sum(1 << bit for bit, char in enumerate(chunk) if char.isupper())]
    return text + suffix


class Reference(FieldValues):
    """`id` and `reference` fields (`OwnerId`, `AccountId`, …): sent and stored in the 18-character form."""

    def _convert(self, value: Any, options: Options) -> Any:
        if not isinstance(value, str):
            raise InvalidValue("not a Salesforce Id (15 or 18 letters and digits)")
        return long_id(value.strip())
