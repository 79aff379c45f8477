"""Sending one chunk of changes and committing what came back, in one store transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, MutableMapping, Sequence
from dataclasses import replace
from functools import cache, partial
from typing import Any

from sfsync.catalogue import Kind
from sfsync.config.models import CompanyMatch, Config, DuplicateRules, WriteGuard
from sfsync.engine.applying.batch import Prepared, open_intents, prepare, report_for
from sfsync.engine.applying.create_check import CreateCheck
from sfsync.engine.applying.create_intents import earlier_intents, resolution
from sfsync.engine.applying.duplicates import rule_matches
from sfsync.engine.applying.guard import send_guarded
from sfsync.engine.applying.pipeline import Ahead, check_reads
from sfsync.engine.applying.sensitive import NONE, SensitiveValues
from sfsync.engine.plans.plan import Action, RecordChange
from sfsync.engine.row_report import RowOutcome, RowReport
from sfsync.engine.standing import record_outcomes
from sfsync.engine.values import stored_value
from sfsync.errors import RemoteError
from sfsync.salesforce.port import (
    ErrorDetail,
    ObjectDescribe,
    Outcome,
    SalesforcePort,
    Update,
    WriteOperation,
    WriteOptions,
    WriteResult,
)
from sfsync.salesforce.write_requests import Read, Write, Written
from sfsync.store import Store
from sfsync.store.intents import Intent
from sfsync.store.links import Link
from sfsync.store.mirror import MirrorRecord
from sfsync.store.runs import Outcome as StoredOutcome
from sfsync.store.runs import RowResult
from sfsync.store.session import utc_now

_ROW_OUTCOME = {RowOutcome.LINKED: StoredOutcome.SKIPPED}
_Send = Callable[[SalesforcePort, str, Sequence[Prepared], str | None, WriteOptions, bool, Sequence[Read]], Written]


def apply_chunk(
    port: SalesforcePort,
    store: Store,
    config: Config,
    describe: ObjectDescribe,
    chunk: Sequence[RecordChange],
    refs: MutableMapping[str, str],
    run_id: str,
    *,
    bulk: bool,
    since: dt.datetime | None = None,
    also_read: Sequence[str] = (),
    sensitive: SensitiveValues = NONE,
    create_check: CreateCheck | None = None,
    ahead: Ahead | None = None,
) -> list[RowReport]:
    """Check, send and record one chunk; `since` (Bulk update jobs) is the plan's read watermark;
    `create_check` (Bulk create jobs) checks the job's creates (engine/applying/create_check).
    `ahead` (REST): each group's write carries the next group's check, this chunk's or the next one's
    (engine/applying/pipeline).

    `also_read`: the fields the check reads besides those written, for the mirror (`refresh.reread_fields`).
    `sensitive`: the values taken from the store for the plan's digests; what Salesforce says about a row
    is recorded and reported without them.
    """
    ext = config.sync.external_id_field
    registrable = config.sync.company_match is CompanyMatch.REGISTRABLE_DOMAIN
    options = WriteOptions(allow_save=config.sync.duplicate_rules is DuplicateRules.ALLOW_SAVE)
    checked: list[Prepared] = []
    intents: dict[str, Intent] = {}
    sent: list[tuple[Prepared, WriteResult]] = []
    failure: RemoteError | None = None
    guarded = not bulk and config.sync.write_guard is WriteGuard.CONDITIONAL
    send_updates: _Send = partial(_send_updates, guarded=guarded)
    sending: dict[Action, _Send] = {Action.CREATE: _send_creates, Action.UPDATE: send_updates}
    groups = [(a, changes) for a in (Action.CREATE, Action.UPDATE) if (changes := [c for c in chunk if c.action is a])]
    for index, (action, changes) in enumerate(groups):
        if failure is not None:
            break
        # Each group is re-read right before it is sent, on both paths, so nothing sent before it (the
        # creates' job, minutes long on Bulk) widens the window in which a person's edit goes unseen.
        # One check per object would save a query job (three calls) and let that job's minutes in.
        try:
            prepared = prepare(
                port, describe, changes, refs, since if bulk else None, also_read, ext,
                registrable=registrable, sensitive=sensitive, guarded=guarded and action is Action.UPDATE,
                create_check=create_check if bulk else None, ahead=ahead,
            )  # fmt: skip
        except RemoteError as error:  # nothing of this group was sent
            failure = error
            continue
        checked.extend(prepared)
        group = [p for p in prepared if p.report is None]
        if action is Action.CREATE and group and not ext:
            intents = open_intents(store, group, run_id)
        following = groups[index + 1][1] if index + 1 < len(groups) else ahead.following if ahead else ()
        then = check_reads(following, also_read, ext, registrable=registrable, guarded=guarded) if ahead else ()
        try:
            asked = utc_now()
            written = sending[action](port, describe.name, group, ext, options, bulk, then) if group else Written([])
            sent.extend(zip(group, written.results, strict=True))
            if ahead is not None:
                ahead.carry(written, asked)
        except RemoteError as error:  # the whole request failed: nothing known about its rows
            failure = error
            sent.extend((p, _failed(error)) for p in group)
    matches = rule_matches(port, [(p.change, r) for p, r in sent])
    if matches and ahead is not None:  # read after the carried check: the next group is checked again
        ahead.forget()
    reports = [p.report for p in checked if p.report is not None]
    reports += [report_for(p, r, matches.get(p.change.key)) for p, r in sent]
    reports = _scrubbed(_owned_elsewhere(store, reports), sensitive)
    _commit(store, describe, checked, sent, reports, intents, refs, run_id, str(config.sync.duplicate_rules))
    if failure is not None:
        raise failure
    return reports


def _owned_elsewhere(store: Store, reports: list[RowReport]) -> list[RowReport]:
    """A link to a record already linked to another workspace record is not made: a conflict, said so."""
    linking = [r for r in reports if r.outcome == "linked" and r.sf_id]
    taken: dict[tuple[str, str], tuple[str, str]] = {}
    for sobject in sorted({r.sobject for r in linking}):
        found = store.links.by_sf_ids(sobject, [str(r.sf_id) for r in linking if r.sobject == sobject])
        taken.update(((sobject, sf_id), (str(link.kind), link.workspace_id)) for sf_id, link in found.items())
    result = []
    for report in reports:
        owner = taken.get((report.sobject, str(report.sf_id))) if report.outcome == "linked" else None
        if owner is not None and owner != (report.workspace_kind, report.workspace_id):
            why = f"{report.sf_id} would be linked, but it is linked to {owner[0]} {owner[1]}: not linked, not written"
            report = replace(report, outcome=RowOutcome.CONFLICT, message=why)
        result.append(report)
    return result


def _scrubbed(reports: list[RowReport], sensitive: SensitiveValues) -> list[RowReport]:
    """Salesforce may quote a value it refuses (`data value too large: …`): never a sensitive one."""
    result = []
    for report in reports:
        quoted = sensitive.quoted(report.key) if report.message else None
        result.append(replace(report, message=quoted(report.message)) if quoted is not None else report)
    return result


def _failed(error: RemoteError) -> WriteResult:
    return WriteResult(Outcome.UNKNOWN, errors=(ErrorDetail(error.code or "REQUEST_FAILED", str(error)),))


def _send_creates(
    port: SalesforcePort,
    sobject: str,
    group: Sequence[Prepared],
    ext: str | None,
    options: WriteOptions,
    bulk: bool,
    then: Sequence[Read],
) -> Written:
    records = tuple(p.values for p in group)
    operation = WriteOperation.UPSERT if ext else WriteOperation.INSERT
    if bulk:
        return Written(port.bulk_write(sobject, operation, records, ext))
    return port.send_write(Write(sobject, operation, records, external_id_field=ext, options=options), then)


def _send_updates(
    port: SalesforcePort,
    sobject: str,
    group: Sequence[Prepared],
    _ext: str | None,
    options: WriteOptions,
    bulk: bool,
    then: Sequence[Read],
    *,
    guarded: bool,
) -> Written:
    if guarded:  # each update refused by Salesforce if the record moved after its check (engine/applying/guard)
        return send_guarded(port, sobject, group, options, then)
    if bulk:
        rows = [{"Id": p.change.sf_id, **p.values} for p in group]
        return Written(port.bulk_write(sobject, WriteOperation.UPDATE, rows))
    updates = tuple(Update(str(p.change.sf_id), p.values) for p in group)
    return port.send_write(Write(sobject, WriteOperation.UPDATE, updates=updates, options=options), then)


def _commit(
    store: Store,
    describe: ObjectDescribe,
    checked: Sequence[Prepared],
    sent: Sequence[tuple[Prepared, WriteResult]],
    reports: Sequence[RowReport],
    intents: dict[str, Intent],
    refs: MutableMapping[str, str],
    run_id: str,
    duplicate_rules: str,
) -> None:
    """Links, ledger, intents, mirror, row results, standing rejections and the serial: all of the chunk,
    or none of it.

    Each table is written with one statement for the whole chunk, as if row by row in `sent` order.
    The mirror gets what the re-check read of each update target, then what was written over it.
    The ledger and the mirror hold each written value in Salesforce's own form (an 18-character Id,
    a datetime in UTC with `.000+0000`, a multi-select in the picklist's order), as a read returns it.
    """
    by_key = {r.key: r for r in reports}
    now = utc_now()
    with store.transaction():
        # A create found before sending (its external id carried by a record) is linked like a sent one.
        found = [(p, WriteResult(Outcome.OK)) for p in checked if p.report is not None and p.report.outcome == "linked"]
        sent = [*found, *sent]
        linked = [(item.change, by_key[item.change.key].sf_id) for item, _result in sent]
        linking = _Linking(store, [(change, sf_id) for change, sf_id in linked if sf_id], run_id)
        ledgered: list[tuple[str, str, dict[str, Any]]] = []
        field_of = cache(describe.field)  # the chunk's few fields, each looked up once
        # A value someone set since the plan (a conflict) must reach the mirror here: once sfsync has
        # written the record, incremental reads leave it out until someone else modifies it.
        written = {(p.change.sobject, str(p.change.sf_id)): dict(p.current) for p in checked if p.current}
        opened = [(intents[i.change.key], by_key[i.change.key]) for i, _r in sent if i.change.key in intents]
        resolutions = [resolution(intent, report) for intent, report in opened]
        for item, _result in sent:
            report = by_key[item.change.key]
            if report.outcome in ("written", "linked") and report.sf_id:
                refs[item.change.key] = report.sf_id
                linking.link(item.change, report.sf_id, created=report.outcome == "written")
            if report.outcome == "written" and report.sf_id:
                sobject = item.change.sobject
                values = {f: stored_value(v, field_of(f)) for f, v in item.values.items()}
                ledgered.append((sobject, report.sf_id, values))
                written.setdefault((sobject, report.sf_id), {}).update(values)
        store.links.add(linking.new)
        resolutions += earlier_intents(store, sent, by_key, {i.id for i in intents.values()})
        store.intents.resolve_many(resolutions)
        store.ledger.record_written(ledgered, now, run_id)
        _mirror(store, written)
        store.runs.record([row_result(r, run_id) for r in reports])
        record_outcomes(store, {p.change.key: p.change for p in checked}, reports, duplicate_rules, run_id)
        store.meta.bump_serial()


class _Linking:
    """The chunk's new links: none for a record already linked to the object, nor to a Salesforce record taken."""

    def __init__(self, store: Store, linking: Sequence[tuple[RecordChange, str]], run_id: str) -> None:
        self.run_id = run_id
        self.new: list[Link] = []
        self._has: set[tuple[str, str, str]] = set()
        self._taken: set[tuple[str, str]] = set()
        for kind in sorted({c.workspace.kind for c, _sf_id in linking}):
            ids = [c.workspace.id for c, _sf_id in linking if c.workspace.kind == kind]
            for found in store.links.for_records(Kind(kind), ids).values():
                self._has.update((kind, item.workspace_id, item.object) for item in found)
        for sobject in sorted({c.sobject for c, _sf_id in linking}):
            sf_ids = [sf_id for c, sf_id in linking if c.sobject == sobject]
            self._taken.update((sobject, sf_id) for sf_id in store.links.by_sf_ids(sobject, sf_ids))

    def link(self, change: RecordChange, sf_id: str, *, created: bool) -> None:
        kind = change.workspace.kind
        if (kind, change.workspace.id, change.sobject) in self._has or (change.sobject, sf_id) in self._taken:
            return
        created_now = created and change.action is Action.CREATE
        ws_id = change.workspace.id
        self.new.append(Link(Kind(kind), ws_id, change.sobject, sf_id, created_now, utc_now(), self.run_id))
        self._has.add((kind, change.workspace.id, change.sobject))
        self._taken.add((change.sobject, sf_id))


def _mirror(store: Store, written: Mapping[tuple[str, str], dict[str, Any]]) -> None:
    """Keep the cache in step with what was re-read and written: with a dedicated integration user,
    incremental reads do not read sfsync's own writes back. Stamps stay as last read (the watermark
    moves only over what reads return)."""
    records: list[MirrorRecord] = []
    for sobject in sorted({name for name, _sf_id in written}):
        known = store.mirror.get_many(sobject, [sf_id for name, sf_id in written if name == sobject])
        for (name, sf_id), values in written.items():
            if name != sobject:
                continue
            record = known.get(sf_id)
            fields = {**(record.fields if record else {"Id": sf_id, "IsDeleted": False}), **values}
            stamp = record.system_modstamp if record else None
            modified = record.last_modified_date if record else None
            records.append(MirrorRecord(sobject, sf_id, fields, stamp, modified, False))
    store.mirror.upsert(records)


def row_result(report: RowReport, run_id: str) -> RowResult:
    """The run log's row of one reported change (a link is recorded as a skipped `link`)."""
    outcome = _ROW_OUTCOME.get(report.outcome) or StoredOutcome(report.outcome)
    action = "link" if report.outcome == "linked" else report.action
    return RowResult(
        run_id, report.sobject, action, outcome, report.sf_id, report.workspace_kind or None,
        report.workspace_id or None, report.error_code or None, report.message or None, report.fields,
    )  # fmt: skip
