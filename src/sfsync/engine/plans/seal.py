"""The plan's seal: an HMAC-SHA256 over the plan's content, keyed by a secret only its store holds.

`sfsync plan -o` writes the seal into the saved plan (`"seal": "hmac-sha256:<hex>"`); `sfsync apply`
recomputes it with its store's key and refuses the plan before anything is sent when the two differ.
So a plan that applies was made by sfsync against this very store and is, value for value, what it
wrote: a hand-edited plan, or one made against another store, is refused.

The seal covers the plan's canonical JSON: the document without `seal`, keys sorted, no blanks,
non-ASCII escaped (exactly `json.dumps(document, sort_keys=True, separators=(",", ":"))`). It is the
content, not the file's bytes, that is sealed: any JSON with the same content is the same plan. The
canonical text is made and hashed in one pass, one top-level list entry (a record change) at a time
with the C encoder, so a 200 MB plan is never held as one string.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterator, Mapping
from typing import Any

from sfsync.errors import ForeignPlanError

SEAL_KEY = "seal"
ALGORITHM = "hmac-sha256"
_ENCODE = json.JSONEncoder(sort_keys=True, separators=(",", ":")).encode  # ensure_ascii: the text is ASCII
REFUSED = "the plan was not made by this store or was edited"


def canonical_chunks(document: Mapping[str, Any]) -> Iterator[str]:
    """The canonical JSON of `document` without its seal, in pieces of at most one list entry each."""
    yield "{"
    for index, key in enumerate(sorted(name for name in document if name != SEAL_KEY)):
        value = document[key]
        yield f"{',' if index else ''}{_ENCODE(key)}:"
        if isinstance(value, list | tuple) and value:
            yield "["
            yield from (f"{',' if i else ''}{_ENCODE(item)}" for i, item in enumerate(value))
            yield "]"
        else:
            yield _ENCODE(value)
    yield "}"


def seal_of(document: Mapping[str, Any], key: bytes) -> str:
    """The seal of `document` (any seal it carries is left out) under the store's key."""
    mac = hmac.new(key, digestmod=hashlib.sha256)
    for chunk in canonical_chunks(document):
        mac.update(chunk.encode("ascii"))
    return f"{ALGORITHM}:{mac.hexdigest()}"


def sealed(document: Mapping[str, Any], key: bytes) -> dict[str, Any]:
    """The document with its seal as the last key."""
    return {**{name: value for name, value in document.items() if name != SEAL_KEY}, SEAL_KEY: seal_of(document, key)}


def check_seal(document: Mapping[str, Any], key: bytes, lineage: str | None = None) -> None:
    """Refuse (ForeignPlanError) a document whose seal is missing or is not this store's seal of its content.

    `lineage`, the store's, only words the refusal: a plan naming another lineage was made against another store.
    """
    given = document.get(SEAL_KEY)
    if not isinstance(given, str) or not given:
        raise ForeignPlanError(
            f"{REFUSED}: it has no seal. Save plans with `sfsync plan -o FILE` and apply them as saved."
        )
    if hmac.compare_digest(given.encode("utf-8", "replace"), seal_of(document, key).encode("ascii")):
        return
    fingerprint = document.get("fingerprint")
    planned = fingerprint.get("lineage") if isinstance(fingerprint, Mapping) else None
    if lineage is not None and isinstance(planned, str) and planned != lineage:
        why = f"it was made against another store (lineage {planned}; this store is {lineage})"
    else:
        why = "its seal does not match its content (edited since it was saved, or made against another store)"
    raise ForeignPlanError(f"{REFUSED}: {why}. Run `sfsync plan -o FILE` again.")
