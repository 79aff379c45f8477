"""One batch of apply: re-check against Salesforce, send, and commit the outcome in one transaction.

Before sending, each update's target is re-read and every field whose Salesforce value is no longer
the plan's `before` is dropped as a conflict; a create whose email or domain now exists in
Salesforce is not sent. Creates without an external id write an intent first. The batch's links, ledger entries,
intent outcomes, row results and the serial are committed together once Salesforce has answered.
A sensitive value is sent as apply took it from the store, and a change whose value is no longer the
planned one is not sent at all (engine/sensitive_apply).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sfsync.catalogue import Kind
from sfsync.engine.appeared import create_key
from sfsync.engine.applying.create_check import CreateCheck, by_keys
from sfsync.engine.applying.duplicates import RuleMatch, duplicate_error, not_linked_message
from sfsync.engine.applying.external_ids import planned_id
from sfsync.engine.applying.pipeline import Ahead, CheckReads, targets_read
from sfsync.engine.applying.recheck import changed_since
from sfsync.engine.applying.sensitive import NONE, SensitiveValues
from sfsync.engine.applying.settle import STAMP, guarded_retrieve
from sfsync.engine.plans.digest import ValueDigest
from sfsync.engine.plans.plan import Action, RecordChange
from sfsync.engine.row_report import MatchedRecord, RowOutcome, RowReport
from sfsync.salesforce.port import ErrorDetail, ObjectDescribe, Outcome, Record, SalesforcePort, WriteResult
from sfsync.store import Store
from sfsync.store.intents import Intent, Opening


@dataclass
class Prepared:
    """A change ready to send: the values left after the re-check, or a report saying why not.

    `current`: an update target's fields as the re-check read them (empty for creates), for the mirror.
    `stamp`: its `LastModifiedDate` as read, when the write guard asked for it (engine/applying/guard).
    """

    change: RecordChange
    values: dict[str, Any] = field(default_factory=dict)
    dropped: tuple[str, ...] = ()
    report: RowReport | None = None
    current: dict[str, Any] = field(default_factory=dict)
    stamp: str = ""


Sender = Callable[[str, Action, Sequence[Record]], list[WriteResult]]


def prepare(
    port: SalesforcePort,
    describe: ObjectDescribe | None,
    changes: Sequence[RecordChange],
    refs: Mapping[str, str],
    since: dt.datetime | None = None,
    also_read: Sequence[str] = (),
    ext: str | None = None,
    *,
    registrable: bool = False,
    sensitive: SensitiveValues = NONE,
    guarded: bool = False,
    create_check: CreateCheck | None = None,
    ahead: Ahead | None = None,
) -> list[Prepared]:
    """Re-read the targets, drop conflicting fields, resolve references to records created earlier.

    With `since` (the Bulk path), one query for what changed since then replaces the re-read by id.
    Either re-read also takes `also_read`; each prepared update keeps what was read (`current`).
    With `ext`, a create whose external id some record already carries is linked to it, not sent.
    `sensitive`: the values apply took from the store for the plan's digests (engine/sensitive_apply).
    `guarded` (REST only): each target is read with its stamp, settled (engine/applying/settle), for the guard.
    `create_check` (Bulk create jobs): the object's run of jobs, which checks each by keys or changed-since.
    `ahead` (REST): answers the write before these changes carried for their check (engine/applying/pipeline).
    """
    creates = [c for c in changes if c.action is Action.CREATE]
    if since is not None and describe is not None:
        found = changed_since(port, describe, changes, since, also_read, ext, registrable=registrable)
        by_id, seen = found.current, _Seen(frozenset(found.appeared), _by_change(creates, ext, found.carried))
        return [_prepare(c, by_id.get(str(c.sf_id)), seen, refs, describe, registrable, sensitive) for c in changes]
    reads = ahead.take(port) if ahead is not None else CheckReads(port)
    updates = [c for c in changes if c.action is Action.UPDATE]
    current = dict(zip([c.key for c in updates], _retrieve(reads, updates, also_read, guarded), strict=True))
    if create_check is not None and creates and describe is not None:
        now = create_check.check(port, describe, creates, ext, registrable=registrable)
        seen = _Seen(now.appeared, _by_change(creates, ext, now.carried))
        return [_prepare(c, current.get(c.key), seen, refs, describe, registrable, sensitive) for c in changes]
    keyed = by_keys(reads, creates, ext, registrable=registrable)
    seen = _Seen(keyed.appeared, _by_change(creates, ext, keyed.carried))
    return [_prepare(c, current.get(c.key), seen, refs, describe, registrable, sensitive) for c in changes]


@dataclass(frozen=True)
class _Seen:
    """What the check found for creates: keys some record now has, records carrying each one's external id."""

    appeared: frozenset[str]
    carried: Mapping[str, tuple[str, ...]]


def _by_change(
    creates: Sequence[RecordChange], ext: str | None, carried: Mapping[str, tuple[str, ...]]
) -> dict[str, tuple[str, ...]]:
    found = {c.key: carried.get(planned_id(c, ext) or "", ()) for c in creates}
    return {key: ids for key, ids in found.items() if ids}


def _retrieve(
    reads: CheckReads, updates: Sequence[RecordChange], also_read: Sequence[str], guarded: bool
) -> list[Record | None]:
    if not updates:
        return []
    read = targets_read(updates, also_read, guarded)
    if guarded:
        asked = reads.asked_at(read)
        return guarded_retrieve(reads, read.sobject, read.ids, read.fields, asked=asked)
    return reads.retrieve(read.sobject, read.ids, read.fields)


def _prepare(
    change: RecordChange,
    current: Record | None,
    seen: _Seen,
    refs: Mapping[str, str],
    describe: ObjectDescribe | None,
    registrable: bool,
    sensitive: SensitiveValues,
) -> Prepared:
    prepared = _checked(change, current, seen, refs, describe, registrable, sensitive)
    if change.action is Action.UPDATE and current is not None:
        # A target the Bulk check did not see holds what the plan read: a digest there is no value to mirror.
        read = {name: value for name, value in current.items() if not isinstance(value, ValueDigest)}
        prepared.current = {name: value for name, value in read.items() if name not in ("attributes", STAMP)}
        prepared.stamp = str(current.get(STAMP) or "")
    return prepared


def _checked(
    change: RecordChange,
    current: Record | None,
    seen: _Seen,
    refs: Mapping[str, str],
    describe: ObjectDescribe | None,
    registrable: bool,
    sensitive: SensitiveValues,
) -> Prepared:
    if change.action is Action.UPDATE and current is None:
        return Prepared(
            change, report=_report(change, RowOutcome.CONFLICT, message="the record is gone from Salesforce")
        )
    carried = seen.carried.get(change.key, ())
    if len(carried) == 1:  # an identity stronger than the email: never upserted over, linked
        why = f"{carried[0]} already carries this record's external id: linked, not upserted; the next plan updates it"
        return Prepared(change, report=_report(change, RowOutcome.LINKED, carried[0], message=why))
    if carried:
        why = f"ambiguous: {len(carried)} records carry this record's external id ({', '.join(carried)}); not sent"
        matched = tuple(MatchedRecord(sf_id, change.sobject) for sf_id in carried)  # watched by the refusal
        report = _report(change, RowOutcome.REJECTED, None, "DUPLICATE_EXTERNAL_ID", why, matched=matched)
        return Prepared(change, report=report)
    appeared = seen.appeared and change.action is Action.CREATE  # no key normalised again when none appeared
    if appeared and create_key(change, registrable=registrable) in seen.appeared:
        why = f"a matching {change.sobject} appeared in Salesforce since the plan; the next plan links it"
        return Prepared(change, report=_report(change, RowOutcome.CONFLICT, message=why))
    refused = sensitive.refusal(change)
    if refused is not None:  # a sensitive value that is not the planned one: the record waits for a new plan
        return Prepared(change, report=_report(change, RowOutcome.CONFLICT, message=refused))
    values: dict[str, Any] = {}
    dropped = []
    for item in change.fields:
        if item.ref is not None and item.ref not in refs:
            why = f"its {item.field} was to be the record of {item.ref}, which was not created"
            return Prepared(change, report=_report(change, RowOutcome.SKIPPED, message=why))
        info = describe.field(item.field) if describe else None
        # A reference is checked like any value: an AccountId someone set since the plan is theirs.
        if current is not None and not sensitive.held(change, item, current.get(item.field), info):
            dropped.append(item.field)
            continue
        values[item.field] = refs[item.ref] if item.ref is not None else sensitive.sent(change, item)
    if not values:
        why = "every field changed in Salesforce since the plan: " + ", ".join(dropped)
        report = _report(change, RowOutcome.CONFLICT, message=why, dropped=tuple(dropped))
        return Prepared(change, dropped=tuple(dropped), report=report)
    return Prepared(change, values, tuple(dropped))


def open_intents(store: Store, prepared: Sequence[Prepared], run_id: str) -> dict[str, Intent]:
    """Write a create intent per create, all with one insert committed before the call (no external id
    to upsert on)."""
    openings = [
        Opening(Kind(p.change.workspace.kind), p.change.workspace.id, p.change.sobject, _payload_digest(p.values))
        for p in prepared
    ]
    with store.transaction():
        opened = store.intents.open_many(openings, run_id)
    return {item.change.key: intent for item, intent in zip(prepared, opened, strict=True)}


def _payload_digest(values: Mapping[str, Any]) -> str:
    return hashlib.sha256(json.dumps(values, sort_keys=True, default=str).encode()).hexdigest()


def report_for(item: Prepared, result: WriteResult, match: RuleMatch | None = None) -> RowReport:
    """The row report of one sent change, from Salesforce's answer (and, for a duplicate rule, its match)."""
    change = item.change
    sent = tuple(sorted(item.values))
    if result.outcome is Outcome.OK:
        if change.action is Action.CREATE and result.created is False:
            why = f"the upsert found {result.id}, a record sfsync did not create, by its external id: linked"
            return _report(change, RowOutcome.LINKED, result.id, message=why, fields=sent)
        return _report(change, RowOutcome.WRITTEN, result.id or change.sf_id, fields=sent, dropped=item.dropped)
    if result.outcome is Outcome.MODIFIED:
        why = "modified in Salesforce after apply's check (refused by its If-Unmodified-Since): not written"
        return _report(change, RowOutcome.CONFLICT, change.sf_id, "", why, dropped=sent)
    if result.outcome is Outcome.UNKNOWN:
        why = "no answer from Salesforce; the next plan re-matches before creating anything"
        return _report(change, RowOutcome.UNKNOWN, change.sf_id, message=why, fields=sent)
    error = result.errors[0] if result.errors else None
    code, message = (error.code, error.message) if error else ("UNKNOWN_ERROR", "rejected without a reason")
    duplicate = duplicate_error(result)
    if duplicate is not None:
        return _refused_by_rule(item, duplicate, match, sent)
    return _report(change, RowOutcome.REJECTED, change.sf_id, code, message, fields=sent)


def _refused_by_rule(item: Prepared, error: ErrorDetail, match: RuleMatch | None, sent: tuple[str, ...]) -> RowReport:
    """A duplicate rule's refusal: linked only to the one record of the create's object with its key."""
    change = item.change
    matched = match.records if match else ()
    if change.action is Action.CREATE:
        same = match.identity(change) if match else None
        if same is not None:
            why = f"a duplicate rule refused the create; {same.sf_id} has the same {_key_name(change)}: linked"
            return _report(change, RowOutcome.LINKED, same.sf_id, error.code, why)
        why = not_linked_message(change, error, match)
        return _report(change, RowOutcome.REJECTED, None, error.code, why, fields=sent, matched=matched)
    named = ", ".join(error.duplicate_ids)
    why = f"a duplicate rule refused the update ({error.message})" + (f"; it matched {named}" if named else "")
    return _report(change, RowOutcome.REJECTED, change.sf_id, error.code, why, fields=sent, matched=matched)


def _key_name(change: RecordChange) -> str:
    return "website domain" if change.sobject == "Account" else "email"


def _report(
    change: RecordChange,
    outcome: RowOutcome,
    sf_id: str | None = None,
    code: str = "",
    message: str = "",
    *,
    fields: tuple[str, ...] = (),
    dropped: tuple[str, ...] = (),
    matched: tuple[MatchedRecord, ...] = (),
) -> RowReport:
    return RowReport(
        change.key, change.sobject, str(change.action), outcome, sf_id or change.sf_id,
        change.workspace.kind, change.workspace.id, code, message, fields, dropped, matched, change.workspace.label,
    )  # fmt: skip
