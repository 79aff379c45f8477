"""One record's derived output (`Derived`) and its JSON form in the derivation cache.

What a record's visit added to the write set: its changes, skips, play entries and template failures
(a failure, not its diagnostic: the diagnostic's position comes from the config file as it is now).
The JSON form is the plan file's own for each record (the plan's codec, `plans/codec.py`), so it round-trips exactly:
a cached output rebuilt equals the one derived. Its text can so be put together from the lines the plan's
output encoded the same parts to (`Encoded`): a first plan encodes each part once, for both.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sfsync.engine.plans.codec import decode, encode
from sfsync.engine.plans.plan import PlayEntry, RecordChange, Skip

_ENCODE = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode  # as the plan's lines are

Failure = tuple[tuple[str | int, ...], str]  # a template failure: its config path and message


@dataclass
class Derived:
    """What one record's visit derived (empty: nothing, and nothing is cached for it but its inputs)."""

    changes: list[RecordChange] = field(default_factory=list)
    skips: list[Skip] = field(default_factory=list)
    entries: list[PlayEntry] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.changes or self.skips or self.entries or self.failures)


@dataclass(frozen=True, slots=True)
class Encoded:
    """The JSON text of each of a share's changes, skips and play entries, as the plan's output encoded them."""

    changes: list[bytes]
    skips: list[bytes]
    entries: list[bytes]


def to_json(derived: Derived) -> dict[str, Any] | None:
    if not derived:
        return None
    body: dict[str, Any] = {}
    if derived.changes:
        body["changes"] = [encode(c) for c in derived.changes]
    if derived.skips:
        body["skips"] = [encode(s) for s in derived.skips]
    if derived.entries:
        body["entries"] = [encode(e) for e in derived.entries]
    if derived.failures:
        body["failures"] = [[list(path), message] for path, message in derived.failures]
    return body


def from_json(body: Mapping[str, Any] | None) -> Derived:
    if not body:
        return Derived()
    return Derived(
        changes=[decode(RecordChange, c) for c in body.get("changes", ())],
        skips=[decode(Skip, s) for s in body.get("skips", ())],
        entries=[decode(PlayEntry, e) for e in body.get("entries", ())],
        failures=[(tuple(path), message) for path, message in body.get("failures", ())],
    )


def to_json_text(derived: Derived, encoded: Encoded | None = None) -> str | None:
    """The JSON text of `to_json(derived)`: put together from `encoded`, the same parts' lines, when given."""
    if not derived:
        return None
    if encoded is None:
        return _ENCODE(to_json(derived))
    named = ((b"changes", encoded.changes), (b"skips", encoded.skips), (b"entries", encoded.entries))
    parts = [b'"%b":[%b]' % (name, b",".join(texts)) for name, texts in named if texts]
    if derived.failures:
        parts.append(b'"failures":' + _ENCODE([[list(path), message] for path, message in derived.failures]).encode())
    return (b"{" + b",".join(parts) + b"}").decode()
