"""The plan's JSON form: what `show` renders, and, record by record, what `plan -o` saves.

`plan_json` gives stable key order and the derived `counts` and `appliable`, its record lists read
one record at a time from the plan (`plan_to_json` holds them as lists, for small plans and tests);
`plan_head_json` is everything but the records (a plan file's header). `plan_from_json` rebuilds the
frozen value, and a document of an unknown `format_version` or of the wrong shape is a usage error,
never a traceback. Each record has its own form both ways (`plain`, `RECORD_READERS`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import fields, is_dataclass
from typing import Any

from sfsync.engine.plans.derivation import DerivationSummary
from sfsync.engine.plans.digest import value_from_json
from sfsync.engine.plans.identity import WorkspaceRef, identity_from_json
from sfsync.engine.plans.plan import (
    FORMAT_VERSION,
    KNOWN_AFTER_APPLY,
    Action,
    ConfigChange,
    FieldChange,
    FieldSkip,
    Fingerprint,
    KnownAfterApply,
    ObjectEstimate,
    Plan,
    PlanDiagnostic,
    PlayEntry,
    RecordChange,
    Skip,
    SkipCode,
)
from sfsync.engine.plans.records import mapped
from sfsync.errors import UsageError

# The plan's record lists, in the order of its JSON form (and of a plan file's sections).
RECORD_LISTS = ("changes", "skips", "play_entries")
# Versions whose JSON form this sfsync reads: 1 differs from 2 only in the file that holds it.
READABLE_VERSIONS = (1, FORMAT_VERSION)
_NOT_IN_JSON = frozenset({"tally"})  # the plan value's cache of `counts`, which the JSON form derives


def plan_json(plan: Plan) -> dict[str, Any]:
    """The plan's JSON form, its record lists read one record at a time (never all held)."""
    document = plan_head_json(plan)
    lists = {name: mapped(getattr(plan, name), plain) for name in RECORD_LISTS}
    return {**dict(_before_records(document)), **lists, **dict(_after_records(document))}


def plan_to_json(plan: Plan) -> dict[str, Any]:
    """The plan's JSON form with its records as lists: stable key order, `counts` and `appliable` derived."""
    return {key: list(value) if key in RECORD_LISTS else value for key, value in plan_json(plan).items()}


def plan_head_json(plan: Plan) -> dict[str, Any]:
    """Everything of the plan's JSON form but its records: what a plan file's header holds."""
    names = [f.name for f in fields(plan) if f.name not in _NOT_IN_JSON and f.name not in RECORD_LISTS]
    body = {name: _plain(getattr(plan, name)) for name in names}
    body["counts"] = plan.counts()
    body["appliable"] = plan.appliable
    ordered = {"format_version": body.pop("format_version"), "tool_version": body.pop("tool_version")}
    ordered.update(body)
    return ordered


_HEAD_BEFORE_RECORDS = (
    "format_version",
    "tool_version",
    "fingerprint",
    "mode",
    "write_enabled",
    "config_diff",
    "diagnostics",
)


def _before_records(document: Mapping[str, Any]) -> list[tuple[str, Any]]:
    return [(key, value) for key, value in document.items() if key in _HEAD_BEFORE_RECORDS]


def _after_records(document: Mapping[str, Any]) -> list[tuple[str, Any]]:
    return [(key, value) for key, value in document.items() if key not in _HEAD_BEFORE_RECORDS]


def plain(value: Any) -> Any:
    """One part of the plan (a record change, a skip, …) in its JSON form."""
    return _plain(value)


_LEAVES = frozenset({str, int, float, bool, type(None)})
_FIELD_NAMES: dict[type, tuple[str, ...]] = {}  # per dataclass; `fields()` per value was most of the time


def _plain(value: Any) -> Any:
    """What `dataclasses.asdict` gives, without its deep copy of every leaf (plan values are immutable)."""
    kind = type(value)
    if kind in _LEAVES:
        return value
    if kind is KnownAfterApply:
        return KNOWN_AFTER_APPLY
    names = _FIELD_NAMES.get(kind)
    if names is None and is_dataclass(value) and not isinstance(value, type):
        names = _FIELD_NAMES[kind] = tuple(f.name for f in fields(value))
    if names is not None:
        return {name: _plain(getattr(value, name)) for name in names}
    if isinstance(value, tuple | list):
        return type(value)([_plain(item) for item in value])
    if isinstance(value, Mapping):
        return {_plain(key): _plain(item) for key, item in value.items()}
    return value


def check_version(data: Any) -> None:
    """A plan document of a format this sfsync does not read is a usage error naming both versions."""
    version = data.get("format_version") if isinstance(data, dict) else None
    if version not in READABLE_VERSIONS:
        raise UsageError(f"unsupported plan format_version {version!r} (this sfsync reads {FORMAT_VERSION})")


def plan_from_json(data: dict[str, Any]) -> Plan:
    """Rebuild a plan; an unknown `format_version` or a malformed document is a usage error."""
    check_version(data)
    try:
        return plan_from_parts(
            data, {name: [RECORD_READERS[name](item) for item in data[name]] for name in RECORD_LISTS}
        )
    except (KeyError, TypeError, ValueError, AttributeError) as error:  # a list or object of the wrong shape
        raise UsageError(f"malformed plan: {error}") from error


def plan_from_parts(head: Mapping[str, Any], records: Mapping[str, Sequence[Any]], *, counted: bool = False) -> Plan:
    """A plan from its head (a header's JSON form) and its record lists; `counted`: the head's `counts` stand."""
    d = head
    return Plan(
        fingerprint=Fingerprint(**d["fingerprint"]),
        mode=d["mode"],
        write_enabled=d["write_enabled"],
        config_diff=tuple(ConfigChange(**c) for c in d["config_diff"]),
        diagnostics=tuple(PlanDiagnostic(**x) for x in d["diagnostics"]),
        changes=records["changes"],
        skips=records["skips"],
        play_entries=records["play_entries"],
        estimates=tuple(ObjectEstimate(**e) for e in d["estimates"]),
        refresh=d.get("refresh", {}),
        identity=tuple(identity_from_json(i) for i in d.get("identity", ())),
        recorded=d.get("recorded", True),
        format_version=FORMAT_VERSION,
        tool_version=d.get("tool_version", ""),
        derivation=DerivationSummary(**d["derivation"]) if d.get("derivation") else None,
        tally=d["counts"] if counted else None,
    )


def change_from_json(d: dict[str, Any]) -> RecordChange:
    return RecordChange(
        key=d["key"],
        sobject=d["sobject"],
        action=Action(d["action"]),
        workspace=WorkspaceRef(**d["workspace"]),
        sf_id=d["sf_id"],
        match=d["match"],
        fields=tuple(_field_change(f) for f in d["fields"]),
        skipped_fields=tuple(_field_skip(f) for f in d.get("skipped_fields", ())),
        batch=d.get("batch", 0),
        plays=tuple(d.get("plays", ())),
        intent=d.get("intent", ""),
    )


def _field_change(d: dict[str, Any]) -> FieldChange:
    ref = d.get("ref")
    after = KnownAfterApply(ref) if ref is not None and d["after"] == KNOWN_AFTER_APPLY else value_from_json(d["after"])
    return FieldChange(**{**d, "before": value_from_json(d["before"]), "after": after})


def _field_skip(d: dict[str, Any]) -> FieldSkip:
    before, wanted = value_from_json(d["before"]), value_from_json(d["wanted"])
    return FieldSkip(d["field"], before, wanted, SkipCode(d["code"]), d["reason"], d.get("sensitive", False))


def skip_from_json(d: dict[str, Any]) -> Skip:
    return Skip(WorkspaceRef(**d["workspace"]), d["sobject"], SkipCode(d["code"]), d["reason"], d.get("sf_id"))


def entry_from_json(d: dict[str, Any]) -> PlayEntry:
    return PlayEntry(**d)


RECORD_READERS: Mapping[str, Callable[[dict[str, Any]], Any]] = {
    "changes": change_from_json,
    "skips": skip_from_json,
    "play_entries": entry_from_json,
}
