"""One record's derived output (`Derived`) and its JSON form in the derivation cache.

What a record's visit added to the write set: its changes, skips, play entries and template failures
(a failure, not its diagnostic: the diagnostic's position comes from the config file as it is now).
The JSON form is the plan file's own for each record (the plan's codec, `plans/codec.py`), so it round-trips exactly:
a cached output rebuilt equals the one derived.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sfsync.engine.plans.codec import decode, encode
from sfsync.engine.plans.plan import PlayEntry, RecordChange, Skip

Failure = tuple[tuple[str | int, ...], str]  # a template failure: its config path and message


@dataclass
class Derived:
    """What one record's visit derived (empty: nothing, and nothing is cached for it but its inputs)."""

    changes: list[RecordChange] = field(default_factory=list)
    skips: list[Skip] = field(default_factory=list)
    entries: list[PlayEntry] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    # Each record's JSON form once written (by identity, with the record: an id names one live object),
    # so the plan's output and the derivation cache, which both write it, write it once.
    forms: dict[int, tuple[Any, Any]] = field(default_factory=dict, compare=False, repr=False)

    def __bool__(self) -> bool:
        return bool(self.changes or self.skips or self.entries or self.failures)

    def written(self, record: Any, form: Any) -> None:
        """`record` (one of this share's) has the JSON form `form` (`codec.encode`'s)."""
        self.forms[id(record)] = (record, form)

    def form(self, record: Any) -> Any:
        """`codec.encode(record)`, written once."""
        known = self.forms.get(id(record))
        if known is not None and known[0] is record:
            return known[1]
        form = encode(record)
        self.written(record, form)
        return form


def to_json(derived: Derived) -> dict[str, Any] | None:
    if not derived:
        return None
    body: dict[str, Any] = {}
    if derived.changes:
        body["changes"] = [derived.form(c) for c in derived.changes]
    if derived.skips:
        body["skips"] = [derived.form(s) for s in derived.skips]
    if derived.entries:
        body["entries"] = [[e.play, e.kind, e.workspace_id, e.entered] for e in derived.entries]
    if derived.failures:
        body["failures"] = [[list(path), message] for path, message in derived.failures]
    return body


def from_json(body: Mapping[str, Any] | None) -> Derived:
    if not body:
        return Derived()
    return Derived(
        changes=[decode(RecordChange, c) for c in body.get("changes", ())],
        skips=[decode(Skip, s) for s in body.get("skips", ())],
        entries=[
            PlayEntry(play, kind, workspace_id, entered)
            for play, kind, workspace_id, entered in body.get("entries", ())
        ],
        failures=[(tuple(path), message) for path, message in body.get("failures", ())],
    )
