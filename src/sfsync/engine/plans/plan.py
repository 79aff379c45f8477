"""The plan: one frozen value that `show`, `apply` and every rendering read.

A plan is data, not a procedure: apply performs at most what it holds, and its JSON form (with
`format_version`) is what the human views are built from. Reasons are for display only; apply never
decides anything from a reason string.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from typing import Annotated, Any, TypeVar

from sfsync.catalogue import Kind
from sfsync.config.models import PersonObject, Policy
from sfsync.engine.plans.derivation import DerivationSummary
from sfsync.engine.plans.identity import IdentityChange
from sfsync.engine.plans.identity import IdentityKind as IdentityKind  # re-exported: parts of the plan value
from sfsync.engine.plans.identity import WorkspaceRef as WorkspaceRef
from sfsync.engine.plans.json_values import AS_OBJECT, HeldValue, WrittenValue
from sfsync.engine.plans.json_values import KNOWN_AFTER_APPLY as KNOWN_AFTER_APPLY
from sfsync.engine.plans.json_values import KnownAfterApply as KnownAfterApply
from sfsync.errors import Severity

# 2: the plan file is a compressed stream of NDJSON records (docs/plan-format.md); 1 was one JSON text.
FORMAT_VERSION = 2

JSONValue = Any
_V = TypeVar("_V")


class Action(StrEnum):
    """What apply does to one Salesforce record."""

    CREATE = "create"
    UPDATE = "update"


class Api(StrEnum):
    """The Salesforce API an object is written (or read) through: the config's `auto` resolved."""

    REST = "rest"
    BULK = "bulk"


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
    NO_PERSON = "no_person"  # an email whose person is not in Salesforce yet


@dataclass(frozen=True, slots=True)
class FieldChange:
    """One field apply sends. `ref` names the change whose created Id becomes the value (AccountId).

    A `sensitive` field's `after` (and `before`, unless it was empty) is a `ValueDigest`: apply takes the
    value from the store and sends it only when its digest is the plan's. With `ref`, `after` is a
    `KnownAfterApply` naming the same change."""

    field: str
    before: HeldValue
    after: WrittenValue
    source: str
    policy: Policy
    reason: str
    ref: str | None = None
    sensitive: bool = False

    def __post_init__(self) -> None:  # read back from JSON, the marker's text beside `ref` is the marker
        if self.ref is not None and type(self.after) is str and self.after == KNOWN_AFTER_APPLY:
            object.__setattr__(self, "after", KnownAfterApply(self.ref))


@dataclass(frozen=True, slots=True)
class FieldSkip:
    """One field sfsync would set but may not (policy, conflict); kept so the plan says why.

    A `sensitive` field's `before` and `wanted` are digests, as in a field change."""

    field: str
    before: HeldValue
    wanted: HeldValue
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
    kind: Kind
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
    """A metadata check's finding against the org; an `error` makes the plan not appliable."""

    severity: Severity
    summary: str
    detail: str = ""
    file: str | None = None
    line: int | None = None
    column: int | None = None
    path: str = ""


@dataclass(frozen=True, slots=True)
class ObjectEstimate:
    """How apply will write one object: `api` rest|bulk and the API calls it expects to make.

    `guard`: how its updates are kept from overwriting an edit made after apply's check: `conditional`
    (REST, `If-Unmodified-Since`), `recheck` (REST, re-read only) or `none` (Bulk cannot be guarded).
    `create_jobs`: on the Bulk path with more creates than one small job, how they are split into jobs, and why.
    """

    sobject: str
    creates: int
    updates: int
    api: Api
    calls: int
    guard: str = ""
    create_jobs: str = ""


@dataclass(frozen=True, slots=True)
class SourceRead:
    """What a plan read of one declared source (`sources:` in the config): apply refuses the plan when the
    source moved since (sources/moved.py says how each kind of source is checked).

    `definition` digests the source as declared; `digest` the files' contents (files) or the rows read
    (SQL); `cursor` is the cursor value the read reached (SQL with a cursor). `rows` and `rejected` count
    the rows this read took and refused: they describe the read, they never make the plan stale."""

    definition: str
    digest: str
    cursor: str | None = None
    rows: int = 0
    rejected: int = 0


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """The state a plan was built from; apply refuses the plan when any part but `watermarks` moved
    (`sources` are checked against the sources themselves)."""

    lineage: str
    serial: int
    org_id: str
    describes: Annotated[Mapping[str, str], AS_OBJECT]
    config_digest: str
    watermarks: Annotated[Mapping[str, str], AS_OBJECT] = field(default_factory=dict)
    sources: Annotated[Mapping[str, SourceRead], AS_OBJECT] = field(default_factory=dict)

    def __post_init__(self) -> None:  # frozen all the way down: no caller's dict is kept
        object.__setattr__(self, "describes", frozen_mapping(self.describes))
        object.__setattr__(self, "watermarks", frozen_mapping(self.watermarks))
        object.__setattr__(self, "sources", frozen_mapping(self.sources))


@dataclass(frozen=True, slots=True)
class Plan:
    """Everything `apply` may do, and everything it will not do and why.

    `recorded` is false when the plan was made with a config that is not the applied one and reads
    otherwise (planning/keeping.py): its read was rolled back, so the store holds nothing of it (no
    workspace value, link or intent changed).

    `changes`, `skips` and `play_entries` are frozen, re-iterable sequences: a tuple for a plan held in
    memory, or records read back one at a time from the plan file (engine/plans/records) for a plan of
    any size. Either way the plan is the same value: equal when its records are equal, in order.
    `tally`, when known without reading every record (a plan file's header), is what `counts()` gives.
    """

    fingerprint: Fingerprint
    mode: PersonObject
    write_enabled: bool
    config_diff: tuple[ConfigChange, ...]
    diagnostics: tuple[PlanDiagnostic, ...]
    changes: Sequence[RecordChange]
    skips: Sequence[Skip]
    play_entries: Sequence[PlayEntry]
    estimates: tuple[ObjectEstimate, ...]
    refresh: Annotated[Mapping[str, Mapping[str, int]], AS_OBJECT] = field(default_factory=dict)
    identity: tuple[IdentityChange, ...] = ()
    recorded: bool = True
    format_version: int = FORMAT_VERSION
    tool_version: str = ""
    derivation: DerivationSummary | None = None  # how much was derived afresh (None: not said)
    tally: Annotated[Mapping[str, Mapping[str, int]], AS_OBJECT] | None = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:  # frozen all the way down: no caller's dict or list is kept
        refresh = {name: frozen_mapping(counts) for name, counts in self.refresh.items()}
        object.__setattr__(self, "refresh", frozen_mapping(refresh))
        if self.tally is not None:
            tally = {name: frozen_mapping(counts) for name, counts in self.tally.items()}
            object.__setattr__(self, "tally", frozen_mapping(tally))
        for name in ("changes", "skips", "play_entries"):
            if isinstance(getattr(self, name), list):
                object.__setattr__(self, name, tuple(getattr(self, name)))

    @property
    def appliable(self) -> bool:
        return not any(d.severity == "error" for d in self.diagnostics)

    @property
    def has_writes(self) -> bool:
        return bool(self.changes)

    def counts(self) -> dict[str, dict[str, int]]:
        """Per object: creates, updates and skips."""
        if self.tally is not None:
            return {name: dict(counts) for name, counts in sorted(self.tally.items())}
        result: dict[str, dict[str, int]] = {}
        for change in self.changes:
            entry = result.setdefault(change.sobject, {"create": 0, "update": 0, "skip": 0})
            entry[str(change.action)] += 1
        for skip in self.skips:
            name = skip.sobject or skip.workspace.kind
            result.setdefault(name, {"create": 0, "update": 0, "skip": 0})["skip"] += 1
        return dict(sorted(result.items()))


def frozen_mapping(items: Mapping[str, _V]) -> Mapping[str, _V]:
    """A read-only copy of `items` (equal to a dict of the same items)."""
    return MappingProxyType(dict(items))
