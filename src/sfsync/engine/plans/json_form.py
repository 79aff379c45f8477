"""The plan's JSON form: what `plan -o` saves, `show` renders and `apply` reads back.

`plan_to_json` gives stable key order and the derived `counts` and `appliable`; `plan_from_json`
rebuilds the frozen value, and a document of another `format_version` or of the wrong shape is a
usage error, never a traceback.
"""

from __future__ import annotations

from collections.abc import Mapping
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
from sfsync.errors import UsageError


def plan_to_json(plan: Plan) -> dict[str, Any]:
    """The plan's JSON form: stable key order, `counts` derived for readers that do not recompute."""
    body = _plain(plan)
    body["counts"] = plan.counts()
    body["appliable"] = plan.appliable
    ordered = {"format_version": body.pop("format_version"), "tool_version": body.pop("tool_version")}
    ordered.update(body)
    return ordered


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


def plan_from_json(data: dict[str, Any]) -> Plan:
    """Rebuild a plan; a different `format_version` or a malformed document is a usage error."""
    version = data.get("format_version") if isinstance(data, dict) else None
    if version != FORMAT_VERSION:
        raise UsageError(f"unsupported plan format_version {version!r} (this sfsync reads {FORMAT_VERSION})")
    try:
        return _plan(data)
    except (KeyError, TypeError, ValueError, AttributeError) as error:  # a list or object of the wrong shape
        raise UsageError(f"malformed plan: {error}") from error


def _plan(d: dict[str, Any]) -> Plan:
    return Plan(
        fingerprint=Fingerprint(**d["fingerprint"]),
        mode=d["mode"],
        write_enabled=d["write_enabled"],
        config_diff=tuple(ConfigChange(**c) for c in d["config_diff"]),
        diagnostics=tuple(PlanDiagnostic(**x) for x in d["diagnostics"]),
        changes=tuple(_change(c) for c in d["changes"]),
        skips=tuple(_skip(s) for s in d["skips"]),
        play_entries=tuple(PlayEntry(**p) for p in d["play_entries"]),
        estimates=tuple(ObjectEstimate(**e) for e in d["estimates"]),
        refresh=d.get("refresh", {}),
        identity=tuple(identity_from_json(i) for i in d.get("identity", ())),
        recorded=d.get("recorded", True),
        format_version=d["format_version"],
        tool_version=d.get("tool_version", ""),
        derivation=DerivationSummary(**d["derivation"]) if d.get("derivation") else None,
    )


def _change(d: dict[str, Any]) -> RecordChange:
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


def _skip(d: dict[str, Any]) -> Skip:
    return Skip(WorkspaceRef(**d["workspace"]), d["sobject"], SkipCode(d["code"]), d["reason"], d.get("sf_id"))
