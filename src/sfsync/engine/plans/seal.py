"""The plan's seal: an HMAC-SHA256 over the plan file's header, keyed by a secret only its store holds.

`sfsync plan -o` ends the plan file with its seal (`{"seal": "hmac-sha256:<hex>"}`); `sfsync apply`
recomputes it with its store's key and refuses the plan before anything is sent when the two differ.
The header holds the SHA-256 of every section of records, so the seal covers every byte of the plan
before it: apply reads each section once and refuses the plan when one does not hash to what the
header says. So a plan that applies was made by sfsync against this very store and is, byte for
byte, what it wrote: a hand-edited plan, or one made against another store, is refused.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from typing import Any

from sfsync.errors import ForeignPlanError

SEAL_KEY = "seal"
ALGORITHM = "hmac-sha256"
REFUSED = "the plan was not made by this store or was edited"


def seal_of(header: bytes, key: bytes) -> str:
    """The seal of a plan file's header line (its newline included) under the store's key."""
    return f"{ALGORITHM}:{hmac.new(key, header, hashlib.sha256).hexdigest()}"


def check_seal(header: bytes, given: Any, key: bytes, lineage: str | None = None) -> None:
    """Refuse (ForeignPlanError) a header whose seal is missing or is not this store's seal of it.

    `lineage`, the store's, only words the refusal: a plan naming another lineage was made against another store.
    """
    if not isinstance(given, str) or not given:
        raise ForeignPlanError(
            f"{REFUSED}: it has no seal. Save plans with `sfsync plan -o FILE` and apply them as saved."
        )
    if hmac.compare_digest(given.encode("utf-8", "replace"), seal_of(header, key).encode("ascii")):
        return
    raise ForeignPlanError(f"{REFUSED}: {_why(header, lineage)}. Run `sfsync plan -o FILE` again.")


def refuse_edited(what: str) -> ForeignPlanError:
    """A section that does not hash to what the sealed header says: edited after it was saved."""
    return ForeignPlanError(f"{REFUSED}: {what} changed since it was saved. Run `sfsync plan -o FILE` again.")


def _why(header: bytes, lineage: str | None) -> str:
    try:
        fingerprint = json.loads(header).get("fingerprint")
    except (ValueError, AttributeError):
        fingerprint = None
    planned = fingerprint.get("lineage") if isinstance(fingerprint, Mapping) else None
    if lineage is not None and isinstance(planned, str) and planned != lineage:
        return f"it was made against another store (lineage {planned}; this store is {lineage})"
    return "its seal does not match its content (edited since it was saved, or made against another store)"
