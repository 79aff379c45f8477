"""The plan: one frozen value that `show`, `apply` and every rendering read.

A plan is data, not a procedure: apply performs at most what it holds, and its JSON form (with
`format_version`) is what the human views are built from. Reasons are for display only; apply never
decides anything from a reason string.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, is_dataclass
from enum import StrEnum
from typing import Any

from sfsync.engine.plans.digest import ValueDigest, value_from_json
from sfsync.engine.plans.identity import IdentityChange, identity_from_json
from sfsync.engine.plans.identity import IdentityKind as IdentityKind  # re-exported: parts of the plan value
from sfsync.engine.plans.identity import WorkspaceRef as WorkspaceRef
from sfsync.errors import UsageError

FORMAT_VERSION = 1
# How the plan's JSON form (and so every view) shows an Id only apply knows.
KNOWN_AFTER_APPLY = "(known after apply)"

JSONValue = Any


class Action(StrEnum):
    """What apply does to one Salesforce record."""

    CREATE = "create"
    UPDATE = "update"


class SkipCode(StrEnum):
    """Why a record (or a field) is not written; `reason` on the skip says it in words."""

    EXCLUDED = "excluded"
    WRITE_DISABLED = "write_disabled"
    NOT_IN_PLAY = "not_in_play"
    CONFLICT = "conflict"
    POLICY = "policy"
    CONVERTED_LEAD = "converted_lead"
    NO_EMAIL = "no_email"
    NO_DOMAIN = "no_domain"
    AMBIGUOUS = "ambiguous"
    REJECTED = "rejected"
    DELETED = "deleted_in_salesforce"
    UNKNOWN_OUTCOME = "unknown_outcome"
    UNAPPLIABLE = "unappliable"
    MODE = "mode"
    MISSING_REQUIRED = "missing_required"
    NO_ACCOUNT = "no_account"
    INVALID_VALUE = "invalid_value"
    TOO_LONG = "too_long"


@dataclass(frozen=True, slots=True)
class KnownAfterApply:
    """A value only apply knows: the Id of the record that change `ref` creates (a Contact's new Account).

    It is never compared as a value and never sent as one: apply sends the Id its create got back. In
    JSON it is the text `(known after apply)` beside the field change's `ref`.
    """

    ref: str

    def __str__(self) -> str:
        return KNOWN_AFTER_APPLY


@dataclass(frozen=True, slots=True)
class FieldChange:
    """One field apply sends. `ref` names the change whose created Id becomes the value (AccountId).

    A `sensitive` field's `after` (and `before`, unless it was empty) is a `ValueDigest`: apply takes the
    value from the store and sends it only when its digest is the plan's. With `ref`, `after` is a
    `KnownAfterApply` naming the same change."""

    field: str
    before: JSONValue | ValueDigest
    after: JSONValue | ValueDigest | KnownAfterApply
    source: str
    policy: str
    reason: str
    ref: str | None = None
    sensitive: bool = False


@dataclass(frozen=True, slots=True)
class FieldSkip:
    """One field sfsync would set but may not (policy, conflict); kept so the plan says why.

    A `sensitive` field's `before` and `wanted` are digests, as in a field change."""

    field: str
    before: JSONValue | ValueDigest
    wanted: JSONValue | ValueDigest
    code: SkipCode
    reason: str
    sensitive: bool = False


@dataclass(frozen=True, slots=True)
class RecordChange:
    """One create or update. `key` is unique in the plan; `batch` orders writes (Accounts first)."""

    key: str
    sobject: str
    action: Action
    workspace: WorkspaceRef
    sf_id: str | None
    match: str
    fields: tuple[FieldChange, ...]
    skipped_fields: tuple[FieldSkip, ...] = ()
    batch: int = 0
    plays: tuple[str, ...] = ()
    intent: str = ""


@dataclass(frozen=True, slots=True)
class Skip:
    """A record sfsync does not write, and why."""

    workspace: WorkspaceRef
    sobject: str | None
    code: SkipCode
    reason: str
    sf_id: str | None = None


@dataclass(frozen=True, slots=True)
class PlayEntry:
    """A record that entered (or, `entered` false, left) a play's audience since the last apply."""

    play: str
    kind: str
    workspace_id: str
    entered: bool = True


@dataclass(frozen=True, slots=True)
class ConfigChange:
    """One typed difference between the last applied config and this one."""

    kind: str
    path: str
    before: JSONValue = None
    after: JSONValue = None


@dataclass(frozen=True, slots=True)
class PlanDiagnostic:
    severity: str
    summary: str
    detail: str = ""
    file: str | None = None
    line: int | None = None
    column: int | None = None
    path: str = ""


@dataclass(frozen=True, slots=True)
class ObjectEstimate:
    """How apply will write one object: `api` rest|bulk and the API calls it expects to make."""

    sobject: str
    creates: int
    updates: int
    api: str
    calls: int


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """The state a plan was built from; apply refuses the plan when any part but `watermarks` moved."""

    lineage: str
    serial: int
    org_id: str
    describes: dict[str, str]
    config_digest: str
    watermarks: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Plan:
    """Everything `apply` may do, and everything it will not do and why.

    `recorded` is false when the plan was made with a config that is not the applied one: its read
    was rolled back, so the store holds nothing of it (no workspace value, link or intent changed).
    """

    fingerprint: Fingerprint
    mode: str
    write_enabled: bool
    config_diff: tuple[ConfigChange, ...]
    diagnostics: tuple[PlanDiagnostic, ...]
    changes: tuple[RecordChange, ...]
    skips: tuple[Skip, ...]
    play_entries: tuple[PlayEntry, ...]
    estimates: tuple[ObjectEstimate, ...]
    refresh: dict[str, dict[str, int]] = field(default_factory=dict)
    identity: tuple[IdentityChange, ...] = ()
    recorded: bool = True
    format_version: int = FORMAT_VERSION
    tool_version: str = ""

    @property
    def appliable(self) -> bool:
        return not any(d.severity == "error" for d in self.diagnostics)

    @property
    def has_writes(self) -> bool:
        return bool(self.changes)

    def counts(self) -> dict[str, dict[str, int]]:
        """Per object: creates, updates and skips."""
        result: dict[str, dict[str, int]] = {}
        for change in self.changes:
            entry = result.setdefault(change.sobject, {"create": 0, "update": 0, "skip": 0})
            entry[str(change.action)] += 1
        for skip in self.skips:
            name = skip.sobject or skip.workspace.kind
            result.setdefault(name, {"create": 0, "update": 0, "skip": 0})["skip"] += 1
        return dict(sorted(result.items()))


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
    if isinstance(value, dict):
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
