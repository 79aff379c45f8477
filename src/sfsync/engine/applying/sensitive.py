"""Apply's side of sensitive values: each taken from the store again, and sent only when it is the planned one.

The plan holds a sensitive field's value as its digest (engine/sensitive). Before anything is sent,
apply works each such value out again exactly as the plan did: from the workspace record as the
store holds it now (the person or company, its attributes, a person's company), through the mappings,
the play and global defaults (templates rendered again) and the field's type, then compares its digest
with the plan's. A change holding a value that is no longer the planned one (the workspace moved since
the plan, a template fails now, the record is gone) is not sent at all: apply reports it as a
`conflict` naming the record and the field, never the value, and the next plan plans it again.

Re-checking a target compares what Salesforce holds now with the plan's `before` by digest when the
plan holds one (`held`); Salesforce's answers about a change are scrubbed of its sensitive values
(`quoted`) before they are printed or recorded.
"""

from __future__ import annotations

import hmac
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sfsync.catalogue import Kind
from sfsync.config.models import CompanyMatch, Config
from sfsync.engine.field_values import TooLong
from sfsync.engine.planning.write_sources import wanted_for
from sfsync.engine.plans.digest import ValueDigest
from sfsync.engine.plans.plan import FieldChange, RecordChange
from sfsync.engine.sensitive import Quoted, ValueDigests
from sfsync.engine.subject import Subject
from sfsync.engine.subjects import subjects_of
from sfsync.engine.values import InvalidFieldValue, TemplateFailure, same_value, sendable
from sfsync.salesforce.port import FieldInfo, ObjectDescribe
from sfsync.store import Store
from sfsync.store.subject_reads import SubjectReads

MOVED = "its value is no longer the one planned (the workspace changed since the plan)"


@dataclass(frozen=True)
class SensitiveValues:
    """The sensitive values apply sends, by change key and field, and the changes it refuses, with why."""

    digests: ValueDigests | None = None
    values: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    refused: Mapping[str, str] = field(default_factory=dict)

    def refusal(self, change: RecordChange) -> str | None:
        """Why `change` may not be sent, when one of its values is a digest apply did not take again."""
        if change.key in self.refused:
            return self.refused[change.key]
        held = self.values.get(change.key, {})
        missing = next((f for f in change.fields if isinstance(f.after, ValueDigest) and f.field not in held), None)
        return _refused(missing, MOVED) if missing is not None else None

    def sent(self, change: RecordChange, item: FieldChange) -> Any:
        """The value to send for `item`: the plan's, or the one taken from the store for its digest."""
        return self.values[change.key][item.field] if isinstance(item.after, ValueDigest) else item.after

    def held(self, change: RecordChange, item: FieldChange, current: Any, info: FieldInfo | None) -> bool:
        """Whether Salesforce's `current` value is still the plan's `before` (compared by digest for one)."""
        if not isinstance(item.before, ValueDigest):
            return same_value(current, item.before, info)
        return self.digests is not None and self.digests.still_held(change.key, item.field, item.before, current, info)

    def quoted(self, key: str) -> Quoted | None:
        """A scrubber of the change's sensitive values, for text about it (Salesforce's messages)."""
        values = self.values.get(key)
        return Quoted([str(value) for value in values.values()]) if values else None


NONE = SensitiveValues()


def take_values(
    store: Store, config: Config, describes: Mapping[str, ObjectDescribe], changes: Sequence[RecordChange]
) -> SensitiveValues:
    """Every sensitive value of `changes` taken from the store again, or the change refused."""
    digests = ValueDigests(store.plan_key.key())
    pending = [c for c in changes if any(isinstance(f.after, ValueDigest) for f in c.fields)]
    if not pending:
        return SensitiveValues(digests)
    reads = SubjectReads(store.session, registrable=config.sync.company_match is CompanyMatch.REGISTRABLE_DOMAIN)
    by_record: dict[tuple[str, str], list[RecordChange]] = {}
    for change in pending:
        by_record.setdefault((change.workspace.kind, change.workspace.id), []).append(change)
    values: dict[str, dict[str, Any]] = {}
    refused: dict[str, str] = {}
    for kind in sorted({kind for kind, _id in by_record}):
        ids = [record_id for each, record_id in by_record if each == kind]
        for subject in subjects_of(store, reads, Kind(kind), ids):  # a chunk of records at a time
            for change in by_record.pop((kind, subject.id)):
                taken = _taken(config, describes.get(change.sobject), digests, change, subject)
                if isinstance(taken, str):
                    refused[change.key] = taken
                else:
                    values[change.key] = taken
    for changes in by_record.values():  # records no longer in the store
        refused.update(
            (c.key, _refused(_hidden(c)[0], "the workspace record is no longer in the store")) for c in changes
        )
    return SensitiveValues(digests, values, refused)


def _taken(
    config: Config,
    describe: ObjectDescribe | None,
    digests: ValueDigests,
    change: RecordChange,
    subject: Subject,
) -> dict[str, Any] | str:
    """The change's sensitive values as the store gives them now, or why the change is refused."""
    hidden = _hidden(change)
    try:
        wanted = {w.field: w for w in wanted_for(config, subject, change.sobject, change.plays)}
    except TemplateFailure:
        return _refused(hidden[0], "its default's template fails for the record now")
    found: dict[str, Any] = {}
    for item in hidden:
        info = describe.field(item.field) if describe else None
        wish = wanted.get(item.field)
        try:
            value = sendable(wish, info) if wish is not None and wish.source == item.source else None
        except (InvalidFieldValue, TooLong):
            value = None
        planned = item.after.digest if isinstance(item.after, ValueDigest) else ""
        if value is None or not hmac.compare_digest(digests.of_sent(change.key, item.field, value).digest, planned):
            return _refused(item, MOVED)
        found[item.field] = value
    return found


def _hidden(change: RecordChange) -> list[FieldChange]:
    return [item for item in change.fields if isinstance(item.after, ValueDigest)]


def _refused(item: FieldChange, why: str) -> str:
    return f"{item.field} (from {item.source}): {why}; nothing of the record was sent. Run `sfsync plan` again."
