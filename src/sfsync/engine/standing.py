"""Refusals that resending will not change: recorded at apply, held back by the next plans.

A rejection is standing when the same request would get the same answer: a terminal error code
(`TERMINAL_CODES`), a duplicate rule's refusal without a usable match, records carrying the same
external id. A later plan does not resend a change whose digest (action, target and values, and the
`sync.duplicate_rules` setting) equals the standing one's while the workspace record has not changed
and no watched record (what the rule matched, an update's target) has a later `SystemModstamp` or is
gone. It lists the record as a `rejected` skip instead, saying what would make sfsync try again.
`plan --full-refresh` resends them all once: a duplicate rule edited or deactivated in Salesforce is
not visible to sfsync otherwise.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence

from sfsync.catalogue import Kind
from sfsync.engine.plans.plan import Action, RecordChange, Skip, SkipCode
from sfsync.engine.row_report import TERMINAL_CODES, RowReport
from sfsync.store import Store
from sfsync.store.rejections import RecordKey, StandingRejection, Watched
from sfsync.store.session import utc_now

STANDING_CODES = TERMINAL_CODES | {"DUPLICATES_DETECTED", "DUPLICATE_EXTERNAL_ID"}


def change_digest(change: RecordChange, duplicate_rules: str) -> str:
    """What a resend would ask of Salesforce: the action, the target, the values, and how rules are treated."""
    body = {
        "action": str(change.action), "sf_id": change.sf_id, "duplicate_rules": duplicate_rules,
        "values": {f.field: f.after for f in change.fields},
    }  # fmt: skip
    return hashlib.sha256(json.dumps(body, sort_keys=True, default=str).encode()).hexdigest()


def record_outcomes(
    store: Store, changes: Mapping[str, RecordChange], reports: Sequence[RowReport], duplicate_rules: str, run_id: str
) -> None:
    """Inside apply's chunk transaction: a write or a link clears a record's standing rejection, a
    standing refusal replaces it."""
    done = [_key_of(r) for r in reports if r.outcome in ("written", "linked") and r.workspace_id]
    standing = [
        _standing(store, changes[r.key], r, duplicate_rules, run_id)
        for r in reports
        if r.outcome == "rejected" and r.error_code in STANDING_CODES and r.key in changes
    ]
    store.rejections.clear(done)
    store.rejections.record(standing)


def _key_of(report: RowReport) -> RecordKey:
    return (report.workspace_kind, report.workspace_id, report.sobject)


def _standing(
    store: Store, change: RecordChange, report: RowReport, duplicate_rules: str, run_id: str
) -> StandingRejection:
    watched = [
        Watched(m.sobject, m.sf_id, _stamp(m.stamp) or _mirror_stamp(store, m.sobject, m.sf_id)) for m in report.matched
    ]
    if change.action is Action.UPDATE and change.sf_id:
        watched.append(Watched(change.sobject, change.sf_id, _mirror_stamp(store, change.sobject, change.sf_id)))
    record = store.workspace.get(Kind(change.workspace.kind), change.workspace.id)
    return StandingRejection(
        Kind(change.workspace.kind), change.workspace.id, change.sobject, change.sf_id, report.error_code,
        report.message, change_digest(change, duplicate_rules), tuple(watched),
        record.updated_at if record else None, utc_now(), run_id,
    )  # fmt: skip


def _stamp(text: str | None) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(text) if text else None
    except ValueError:
        return None


def _mirror_stamp(store: Store, sobject: str, sf_id: str) -> dt.datetime | None:
    found = store.mirror.get(sobject, sf_id)
    return found.system_modstamp if found else None


def hold_back(
    store: Store, changes: Iterable[RecordChange], duplicate_rules: str, held: list[Skip]
) -> Iterator[RecordChange]:
    """The changes to send, one at a time; a `rejected` skip appended to `held` for each one a standing
    rejection still holds."""
    standing = store.rejections.all()
    for change in changes:
        found = standing.get((change.workspace.kind, change.workspace.id, change.sobject))
        if found is None or not _still_holds(store, found, change, duplicate_rules):
            yield change
            continue
        held.append(Skip(change.workspace, change.sobject, SkipCode.REJECTED, _reason(found), change.sf_id))


def _still_holds(store: Store, found: StandingRejection, change: RecordChange, duplicate_rules: str) -> bool:
    if found.values_digest != change_digest(change, duplicate_rules):
        return False
    record = store.workspace.get(found.kind, found.workspace_id)
    if record is None or record.updated_at != found.workspace_updated_at:
        return False
    return all(_unchanged(store, item) for item in found.watched)


def _unchanged(store: Store, item: Watched) -> bool:
    record = store.mirror.get(item.object, item.sf_id)
    if record is None or record.is_deleted:
        return False
    stamp = record.system_modstamp
    return item.stamp is None or stamp is None or stamp <= item.stamp


def _reason(found: StandingRejection) -> str:
    when = found.rejected_at.strftime("%Y-%m-%d %H:%M UTC")
    lifts = ["the workspace record or the values to send change"]
    if found.watched:
        lifts.append(", ".join(f"{w.object} {w.sf_id}" for w in found.watched) + " changes or is deleted")
    if found.error_code == "DUPLICATES_DETECTED":
        lifts.append("`sync.duplicate_rules` changes, or `sfsync plan --full-refresh` (after the rule changed)")
    else:
        lifts.append("`sfsync plan --full-refresh`")
    return f"rejected by Salesforce on {when} ({found.error_code}: {found.message}); not resent until " + "; or ".join(
        lifts
    )
