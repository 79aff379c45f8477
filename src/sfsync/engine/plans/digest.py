"""How a plan holds a sensitive field's value: a keyed digest, never the value.

A field change's `before`/`after` (a field skip's `before`/`wanted`) of a sensitive field is a
`ValueDigest` instead of the value, in JSON `{"digest": "hmac-sha256:<64 hex>"}`. The digest is an
HMAC keyed by a secret of the store that made the plan (engine/sensitive), so a plan shared as a
pull-request comment or an artifact tells nothing of the value, not even a short one by guessing.
Salesforce field values are never JSON objects, so a value of exactly that shape is a digest.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

DIGEST_KEY = "digest"


@dataclass(frozen=True, slots=True)
class ValueDigest:
    """A sensitive value held as its digest (`hmac-sha256:<hex>`); apply takes the value from the store."""

    digest: str


def value_from_json(value: Any) -> Any:
    """A plan value read back: `{"digest": "…"}` is a `ValueDigest`, anything else the value itself."""
    if isinstance(value, dict) and set(value) == {DIGEST_KEY} and isinstance(value[DIGEST_KEY], str):
        return ValueDigest(value[DIGEST_KEY])
    return value


def is_digest(value: Any) -> bool:
    return isinstance(value, ValueDigest)
