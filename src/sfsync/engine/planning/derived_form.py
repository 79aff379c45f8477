"""One record's derived output (`Derived`) and its JSON form in the derivation cache.

What a record's visit added to the write set: its changes, skips, play entries and template failures
(a failure, not its diagnostic: the diagnostic's position comes from the config file as it is now).
The JSON form round-trips exactly: a cached output rebuilt equals the one derived.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields, is_dataclass
from typing import Any

from sfsync.engine.plans.digest import value_from_json
from sfsync.engine.plans.identity import WorkspaceRef
from sfsync.engine.plans.plan import (
    KNOWN_AFTER_APPLY,
    Action,
    FieldChange,
    FieldSkip,
    KnownAfterApply,
    PlayEntry,
    RecordChange,
    Skip,
    SkipCode,
)

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


def to_json(derived: Derived) -> dict[str, Any] | None:
    if not derived:
        return None
    body: dict[str, Any] = {}
    if derived.changes:
        body["changes"] = [_plain(c) for c in derived.changes]
    if derived.skips:
        body["skips"] = [_plain(s) for s in derived.skips]
    if derived.entries:
        body["entries"] = [[e.play, e.kind, e.workspace_id, e.entered] for e in derived.entries]
    if derived.failures:
        body["failures"] = [[list(path), message] for path, message in derived.failures]
    return body


def from_json(body: Mapping[str, Any] | None) -> Derived:
    if not body:
        return Derived()
    return Derived(
        changes=[_change(c) for c in body.get("changes", ())],
        skips=[_skip(s) for s in body.get("skips", ())],
        entries=[
            PlayEntry(play, kind, workspace_id, entered)
            for play, kind, workspace_id, entered in body.get("entries", ())
        ],
        failures=[(tuple(path), message) for path, message in body.get("failures", ())],
    )


def _plain(value: Any) -> Any:
    if isinstance(value, KnownAfterApply):
        return KNOWN_AFTER_APPLY
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, tuple | list):
        return [_plain(item) for item in value]
    if isinstance(value, Mapping):
        return {key: _plain(item) for key, item in value.items()}
    return value


def _change(d: dict[str, Any]) -> RecordChange:
    return RecordChange(
        key=d["key"],
        sobject=d["sobject"],
        action=Action(d["action"]),
        workspace=WorkspaceRef(**d["workspace"]),
        sf_id=d["sf_id"],
        match=d["match"],
        fields=tuple(_field_change(f) for f in d["fields"]),
        skipped_fields=tuple(_field_skip(f) for f in d["skipped_fields"]),
        batch=d["batch"],
        plays=tuple(d["plays"]),
        intent=d["intent"],
    )


def _field_change(d: dict[str, Any]) -> FieldChange:
    ref = d["ref"]
    pending = ref is not None and d["after"] == KNOWN_AFTER_APPLY
    after = KnownAfterApply(ref) if pending else value_from_json(d["after"])
    return FieldChange(**{**d, "before": value_from_json(d["before"]), "after": after})


def _field_skip(d: dict[str, Any]) -> FieldSkip:
    before, wanted = value_from_json(d["before"]), value_from_json(d["wanted"])
    return FieldSkip(d["field"], before, wanted, SkipCode(d["code"]), d["reason"], d["sensitive"])


def _skip(d: dict[str, Any]) -> Skip:
    return Skip(WorkspaceRef(**d["workspace"]), d["sobject"], SkipCode(d["code"]), d["reason"], d["sf_id"])
