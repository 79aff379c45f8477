"""Salesforce record ids: key prefixes, the 15-character form and its 18-character checksum.

A 15-character id is a 3-character key prefix, a 2-character instance, one reserved character and
a 9-character base-62 number. The 18-character form appends one checksum character per
5-character chunk (the bits say which characters of the chunk are upper case).
"""

from __future__ import annotations

import re
import secrets
import string

_BASE62 = string.digits + string.ascii_uppercase + string.ascii_lowercase
_CHECKSUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"
_ID_SHAPE = re.compile(r"[a-zA-Z0-9]{15}(?:[A-Z0-5]{3})?")
INSTANCE = "5g"
ORG_ID = "00D5g0000000001"


def checksum(id15: str) -> str:
    suffix = ""
    for start in (0, 5, 10):
        chunk = id15[start : start + 5]
        suffix += _CHECKSUM[sum(1 << i for i, c in enumerate(chunk) if c.isupper())]
    return suffix


def to18(id15: str) -> str:
    return id15 + checksum(id15)


def make_id(prefix: str, number: int) -> str:
    """The 18-character id of the `number`-th record with key prefix `prefix`."""
    digits = ""
    while number:
        number, rest = divmod(number, 62)
        digits = _BASE62[rest] + digits
    return to18(f"{prefix}{INSTANCE}0{digits.rjust(9, '0')}")


def normalize(value: str) -> str | None:
    """The 18-character form of a 15- or 18-character id, or None if `value` is not an id.

    An 18-character id whose checksum disagrees with its first 15 characters is not an id.
    """
    if not _ID_SHAPE.fullmatch(value):
        return None
    full = to18(value[:15])
    return full if len(value) == 15 or full == value else None


def org_id18() -> str:
    return to18(ORG_ID)


def new_token() -> str:
    """An opaque session token shaped like Salesforce's (`00D…!AQ…`)."""
    return f"{ORG_ID}!AQ{secrets.token_urlsafe(72).replace('-', 'x').replace('_', 'y')}"
