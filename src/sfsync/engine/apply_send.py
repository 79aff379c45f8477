"""Sending one chunk of changes and committing what came back, in one store transaction."""

from __future__ import annotations

from collections.abc import MutableMapping, Sequence
from typing import Any

from sfsync.catalogue import Kind
from sfsync.config.models import Config, DuplicateRules
from sfsync.engine.apply_batch import Prepared, RowReport, open_intents, prepare, report_for
from sfsync.engine.plan import Action, RecordChange
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
from sfsync.store import Store
from sfsync.store.intents import Intent, IntentState
from sfsync.store.ledger import LedgerEntry
from sfsync.store.links import Link
from sfsync.store.mirror import MirrorRecord
from sfsync.store.runs import Outcome as RowOutcome
from sfsync.store.runs import RowResult
from sfsync.store.session import utc_now

_ROW_OUTCOME = {"linked": RowOutcome.SKIPPED}


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
) -> list[RowReport]:
    prepared = prepare(port, describe, chunk, refs)
    ready = [p for p in prepared if p.report is None]
    creates = [p for p in ready if p.change.action is Action.CREATE]
    updates = [p for p in ready if p.change.action is Action.UPDATE]
    ext = config.sync.external_id_field
    intents = open_intents(store, creates, run_id) if creates and not ext else {}
    options = WriteOptions(allow_save=config.sync.duplicate_rules is DuplicateRules.ALLOW_SAVE)
    sent: list[tuple[Prepared, WriteResult]] = []
    failure: RemoteError | None = None
    for group, send in ((creates, _send_creates), (updates, _send_updates)):
        if not group or failure is not None:
            continue
        try:
            sent.extend(zip(group, send(port, describe.name, group, ext, options, bulk), strict=True))
        except RemoteError as error:  # the whole request failed: nothing known about its rows
            failure = error
            sent.extend((p, _failed(error)) for p in group)
    reports = [p.report for p in prepared if p.report is not None] + [report_for(p, r) for p, r in sent]
    _commit(store, sent, reports, intents, refs, run_id)
    if failure is not None:
        raise failure
    return reports


def _failed(error: RemoteError) -> WriteResult:
    return WriteResult(Outcome.UNKNOWN, errors=(ErrorDetail(error.code or "REQUEST_FAILED", str(error)),))


def _send_creates(
    port: SalesforcePort, sobject: str, group: Sequence[Prepared], ext: str | None, options: WriteOptions, bulk: bool
) -> list[WriteResult]:
    records = [p.values for p in group]
    if bulk:
        operation = WriteOperation.UPSERT if ext else WriteOperation.INSERT
        return port.bulk_write(sobject, operation, records, ext)
    return port.upsert(sobject, ext, records, options) if ext else port.insert(sobject, records, options)


def _send_updates(
    port: SalesforcePort, sobject: str, group: Sequence[Prepared], _ext: str | None, options: WriteOptions, bulk: bool
) -> list[WriteResult]:
    if bulk:
        return port.bulk_write(sobject, WriteOperation.UPDATE, [{"Id": p.change.sf_id, **p.values} for p in group])
    return port.update(sobject, [Update(str(p.change.sf_id), p.values) for p in group], options)


def _commit(
    store: Store,
    sent: Sequence[tuple[Prepared, WriteResult]],
    reports: Sequence[RowReport],
    intents: dict[str, Intent],
    refs: MutableMapping[str, str],
    run_id: str,
) -> None:
    """Links, ledger, intents, mirror, row results and the serial: all of the chunk, or none of it."""
    by_key = {r.key: r for r in reports}
    now = utc_now()
    with store.transaction():
        for item, _result in sent:
            report = by_key[item.change.key]
            _resolve_intent(store, intents.get(item.change.key), report)
            if report.outcome in ("written", "linked") and report.sf_id:
                refs[item.change.key] = report.sf_id
                _link(store, item.change, report.sf_id, created=report.outcome == "written", run_id=run_id)
            if report.outcome == "written" and report.sf_id:
                entries = [
                    LedgerEntry(item.change.sobject, report.sf_id, f, v, now, run_id) for f, v in item.values.items()
                ]
                store.ledger.record(entries)
                _mirror(store, item.change.sobject, report.sf_id, item.values)
        store.runs.record([_row_result(r, run_id) for r in reports])
        store.meta.bump_serial()


def _resolve_intent(store: Store, intent: Intent | None, report: RowReport) -> None:
    if intent is None:
        return
    if report.outcome in ("written", "linked"):
        store.intents.resolve(intent.id, IntentState.CREATED, report.sf_id)
    elif report.outcome == "unknown":
        store.intents.resolve(intent.id, IntentState.UNKNOWN)
    else:
        store.intents.resolve(intent.id, IntentState.FAILED)


def _link(store: Store, change: RecordChange, sf_id: str, *, created: bool, run_id: str) -> None:
    kind = Kind(change.workspace.kind)
    has = any(link.object == change.sobject for link in store.links.for_record(kind, change.workspace.id))
    if has or store.links.by_sf_id(change.sobject, sf_id) is not None:
        return
    created_now = created and change.action is Action.CREATE
    store.links.add([Link(kind, change.workspace.id, change.sobject, sf_id, created_now, utc_now(), run_id)])


def _mirror(store: Store, sobject: str, sf_id: str, values: dict[str, Any]) -> None:
    """Keep the cache in step with what was written; the next read brings the authoritative copy."""
    known = store.mirror.get(sobject, sf_id)
    fields = {**(known.fields if known else {"Id": sf_id, "IsDeleted": False}), **values}
    stamp = known.system_modstamp if known else None
    modified = known.last_modified_date if known else None
    store.mirror.upsert([MirrorRecord(sobject, sf_id, fields, stamp, modified, False)])


def _row_result(report: RowReport, run_id: str) -> RowResult:
    outcome = _ROW_OUTCOME.get(report.outcome) or RowOutcome(report.outcome)
    action = "link" if report.outcome == "linked" else report.action
    return RowResult(
        run_id, report.sobject, action, outcome, report.sf_id, report.workspace_kind or None,
        report.workspace_id or None, report.error_code or None, report.message or None, report.fields,
    )  # fmt: skip
