"""What a duplicate rule matched when it refused a create: the evidence for linking, or for not linking.

A duplicate rule's match is not an identity: standard rules match fuzzily (a last name and a company),
and a Contact rule may match a Lead. A refused create is linked only to a record of its own object
whose normalised key (email, website domain) equals the create's. Salesforce names the matched
records on single-record REST answers; sObject Collections and Bulk rows name none, and then the
records of the create's object with its key are looked up instead. Either way one read, and only when
a rule refused something.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sfsync.engine.appeared import KEY_FIELD, create_key, key_of, records_with_keys
from sfsync.engine.plans.plan import Action, RecordChange
from sfsync.engine.row_report import MatchedRecord
from sfsync.errors import RemoteError
from sfsync.salesforce.port import ErrorDetail, Outcome, SalesforcePort, WriteResult

DUPLICATES_DETECTED = "DUPLICATES_DETECTED"
_PREFIX_OBJECT = {"001": "Account", "003": "Contact", "00Q": "Lead"}


@dataclass(frozen=True)
class RuleMatch:
    """What a rule matched for one refused create; `named` is false when Salesforce named no record."""

    records: tuple[MatchedRecord, ...]
    named: bool

    def identity(self, change: RecordChange) -> MatchedRecord | None:
        """The one record of the create's object sharing its key, if exactly one does."""
        key = create_key(change)
        same = [r for r in self.records if key and r.sobject == change.sobject and r.key == key]
        return same[0] if len(same) == 1 else None


def duplicate_error(result: WriteResult) -> ErrorDetail | None:
    if result.outcome is not Outcome.REJECTED:
        return None
    return next((e for e in result.errors if e.code == DUPLICATES_DETECTED), None)


def rule_matches(port: SalesforcePort, refused: Sequence[tuple[RecordChange, WriteResult]]) -> dict[str, RuleMatch]:
    """By change key: what the rule matched for each create a duplicate rule refused.

    A failed read leaves the create without evidence (never linked): the row is rejected and retried.
    """
    named: dict[str, tuple[tuple[str, str], ...]] = {}
    unnamed: list[RecordChange] = []
    for change, result in refused:
        error = duplicate_error(result)
        if error is None or change.action is not Action.CREATE:
            continue
        if error.duplicate_ids:
            types = error.duplicate_types or ("",) * len(error.duplicate_ids)
            named[change.key] = tuple(zip(error.duplicate_ids, types, strict=True))
        else:
            unnamed.append(change)
    try:
        found = {**_named(port, named), **_by_key(port, unnamed)}
    except RemoteError:
        return {}
    return found


def _named(port: SalesforcePort, named: dict[str, tuple[tuple[str, str], ...]]) -> dict[str, RuleMatch]:
    by_object: dict[str, set[str]] = {}
    for pairs in named.values():
        for sf_id, sobject in pairs:
            by_object.setdefault(sobject or _PREFIX_OBJECT.get(sf_id[:3], ""), set()).add(sf_id)
    read: dict[str, MatchedRecord] = {}
    for sobject, ids in sorted(by_object.items()):
        read.update(_retrieved(port, sobject, sorted(ids)))
    return {
        key: RuleMatch(tuple(read.get(sf_id) or MatchedRecord(sf_id, sobject) for sf_id, sobject in pairs), True)
        for key, pairs in named.items()
    }


def _retrieved(port: SalesforcePort, sobject: str, ids: list[str]) -> dict[str, MatchedRecord]:
    if sobject not in KEY_FIELD:  # an object sfsync does not match by key: its records are never an identity
        return {sf_id: MatchedRecord(sf_id, sobject) for sf_id in ids}
    field = KEY_FIELD[sobject]
    rows = port.retrieve(sobject, ids, [field, "SystemModstamp"])
    return {
        sf_id: MatchedRecord(sf_id, sobject, key_of(sobject, row.get(field)), _text(row.get("SystemModstamp")))
        for sf_id, row in zip(ids, rows, strict=True)
        if row is not None
    }


def _by_key(port: SalesforcePort, creates: Iterable[RecordChange]) -> dict[str, RuleMatch]:
    """Salesforce named no record: the records of the create's object that have its key."""
    result: dict[str, RuleMatch] = {}
    for sobject in sorted({c.sobject for c in creates}):
        group = [c for c in creates if c.sobject == sobject]
        rows = records_with_keys(port, group, ["SystemModstamp"])
        by_key: dict[str, list[MatchedRecord]] = {}
        for key, row in rows:
            record = MatchedRecord(str(row.get("Id")), sobject, key, _text(row.get("SystemModstamp")))
            by_key.setdefault(key, []).append(record)
        for change in group:
            result[change.key] = RuleMatch(tuple(by_key.get(create_key(change) or "", ())), False)
    return result


def _text(value: object) -> str | None:
    return str(value) if value else None


def not_linked_message(change: RecordChange, error: ErrorDetail, match: RuleMatch | None) -> str:
    """Why a refused create was not linked: `ambiguous`, the rule's message and what it matched."""
    rule = f"duplicate rule {error.duplicate_rule}" if error.duplicate_rule else "a duplicate rule"
    key = "website domain" if change.sobject == "Account" else "email"
    records = match.records if match else ()
    if match is not None and match.named:
        names = ", ".join(f"{r.sobject or 'record'} {r.sf_id}" for r in records)
        found = f"it matched {names}, which is not a {change.sobject} with this {key}"
    elif records:
        found = f"Salesforce named no record, and {len(records)} {change.sobject}s have this {key}"
    else:
        found = f"Salesforce named no record, and no {change.sobject} has this {key}"
    return f"ambiguous: {rule} refused the create ({error.message}); {found}: not linked"
