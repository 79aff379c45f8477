"""Sending one chunk of email creates: each email made once, with its relation to its person.

Invariants:
- before anything is created, Salesforce is asked for EmailMessages with the chunk's `MessageIdentifier`s
  (compared in the normalised form the loader keeps); one found, logged by another integration or by an
  earlier apply whose answer was lost, is linked, never created again. That re-check is how a create
  whose outcome was unknown is resolved: the next run finds it, or creates it then;
- the relation to the person (`EmailMessageRelation`, by the person's role) is made right after the
  email, and only when the email has none to that person yet (checked first, so a relation whose answer
  was lost is never made twice);
- the store records the email as written (`record_written`) only once both exist: an email created
  without its relation is planned again, linked by its `MessageIdentifier`, and its relation made then;
- on the Bulk path (`bulk`: a large backfill, engine/planning/api_choice) the chunk is a job's worth: the
  same look-ups (REST queries, 200 values a query), then one Bulk 2.0 insert job for the emails and one
  for their relations, recorded the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial

from sfsync.catalogue import Kind
from sfsync.config.models import Config
from sfsync.engine.applying.email_tasks import existing_tasks
from sfsync.engine.applying.send import row_result
from sfsync.engine.planning.email_objects import NEEDS_CASE_CODE, NEEDS_CASE_FIELD, NEEDS_CASE_NOTE
from sfsync.engine.planning.emails import PersonRecord, person_record, relation_type
from sfsync.engine.plans.plan import RecordChange
from sfsync.engine.row_report import RowOutcome, RowReport
from sfsync.salesforce.port import Outcome, Record, SalesforcePort, WriteOperation, WriteOptions, WriteResult
from sfsync.salesforce.query import And, In, Query
from sfsync.store import Store
from sfsync.store.emails import EmailMessage
from sfsync.store.normalise import normalise_message_id

EMAIL, RELATION = "EmailMessage", "EmailMessageRelation"
_LOOKUP = 200  # values per look-up query: a chunk of a Bulk job is looked up in as many queries as it needs


@dataclass(frozen=True)
class _Pending:
    """One email of the chunk about to be made (or found), with the person it is related to."""

    change: RecordChange
    email: EmailMessage
    person: PersonRecord
    person_email: str | None


def send_emails(
    port: SalesforcePort,
    store: Store,
    config: Config,
    chunk: Sequence[RecordChange],
    run_id: str,
    *,
    bulk: bool = False,
) -> list[RowReport]:
    """Find, create and relate one chunk of emails (`bulk`: by Bulk 2.0 insert jobs); the reports and the store's
    record of what exists."""
    emails = store.emails.get_many([c.workspace.id for c in chunk])
    person_ids = sorted({e.person_id for e in emails.values()})
    people = store.links.for_records(Kind.PERSON, person_ids)
    keys = {i: r.key for i, r in store.workspace.get_many(Kind.PERSON, person_ids).items()}
    reports: dict[str, RowReport] = {}
    pending: list[_Pending] = []
    for change in chunk:
        email = emails.get(change.workspace.id)
        if email is None or email.sf_id is not None:
            why = "the email is no longer in the workspace" if email is None else f"already written as {email.sf_id}"
            reports[change.key] = _report(change, RowOutcome.SKIPPED, email.sf_id if email else None, message=why)
            continue
        person = person_record(config, [(link.object, link.sf_id) for link in people.get(email.person_id, [])])
        if person is None:
            why = "its person is not linked to a Contact or Lead (their write did not happen): tried again next run"
            reports[change.key] = _report(change, RowOutcome.SKIPPED, message=why)
            continue
        pending.append(_Pending(change, email, person, keys.get(email.person_id)))
    sobject = chunk[0].sobject if chunk else EMAIL
    insert = partial(_insert, port, bulk=bulk)
    made, created = _find_or_create(port, insert, sobject, pending, reports)
    found = [(p, made[p.change.key]) for p in pending if p.change.key in made]
    related = _relate(port, insert, found, reports) if sobject == EMAIL else {p.change.key for p, _ in found}
    _record(store, pending, made, created & related, related, reports, run_id)
    return [reports[c.key] for c in chunk]


Insert = Callable[[str, Sequence[Record]], list[WriteResult]]


def _insert(port: SalesforcePort, sobject: str, values: Sequence[Record], *, bulk: bool) -> list[WriteResult]:
    """Create records by sObject Collections, or by one Bulk 2.0 insert job; results aligned with `values`."""
    if bulk:
        return port.bulk_write(sobject, WriteOperation.INSERT, values)
    return port.insert(sobject, values, WriteOptions())


def _find_or_create(
    port: SalesforcePort, insert: Insert, sobject: str, pending: Sequence[_Pending], reports: dict[str, RowReport]
) -> tuple[dict[str, str], set[str]]:
    """The Id of each email found or created (an EmailMessage, or a Task), by change key, and the keys of those
    created now; the rest reported."""
    if sobject == EMAIL:
        existing = existing_emails(port, [p.email.message_id for p in pending])
        made = {p.change.key: existing[p.email.message_id] for p in pending if p.email.message_id in existing}
    else:
        made = existing_tasks(port, [p.change for p in pending])
    creating = [p for p in pending if p.change.key not in made]
    if not creating:
        return made, set()
    values = [{f.field: f.after for f in p.change.fields} for p in creating]
    for item, result in zip(creating, insert(sobject, values), strict=True):
        if result.outcome is Outcome.OK and result.id:
            made[item.change.key] = result.id
        else:
            reports[item.change.key] = _failed(item.change, result, "the email")
    return made, {p.change.key for p in creating if p.change.key in made}


def existing_emails(port: SalesforcePort, message_ids: Sequence[str]) -> dict[str, str]:
    """The Salesforce Id of each normalised message id already logged as an EmailMessage.

    Asked for in both forms other tools write (with and without angle brackets; SOQL compares text
    ignoring case), then compared normalised."""
    if not message_ids:
        return {}
    asked = sorted({form for m in message_ids for form in (m, m.strip("<>"))})
    found: dict[str, str] = {}
    for start in range(0, len(asked), _LOOKUP):
        request = Query(
            EMAIL, ("Id", "MessageIdentifier"), In("MessageIdentifier", tuple(asked[start : start + _LOOKUP]))
        )
        for row in port.query(request):
            key = normalise_message_id(str(row.get("MessageIdentifier") or "")).value
            if key and key in message_ids and key not in found:
                found[key] = str(row["Id"])
    return found


def _relate(
    port: SalesforcePort, insert: Insert, made: Sequence[tuple[_Pending, str]], reports: dict[str, RowReport]
) -> set[str]:
    """The change keys whose email is now related to its person: found related, or related now."""
    if not made:
        return set()
    have: set[tuple[str, str]] = set()
    for start in range(0, len(made), _LOOKUP):
        part = made[start : start + _LOOKUP]
        emails = In("EmailMessageId", tuple(sf_id for _, sf_id in part))
        where = And((emails, In("RelationId", tuple(sorted({p.person.sf_id for p, _ in part})))))
        rows = port.query(Query(RELATION, ("Id", "EmailMessageId", "RelationId"), where))
        have |= {(str(r["EmailMessageId"])[:15], str(r["RelationId"])[:15]) for r in rows}
    related = {p.change.key for p, sf_id in made if (sf_id[:15], p.person.sf_id[:15]) in have}
    missing = [(p, sf_id) for p, sf_id in made if p.change.key not in related]
    if not missing:
        return related
    values = [
        {"EmailMessageId": sf_id, "RelationId": p.person.sf_id, "RelationType": relation_type(p.email, p.person_email)}
        for p, sf_id in missing
    ]
    for (item, _sf_id), result in zip(missing, insert(RELATION, values), strict=True):
        if result.outcome is Outcome.OK:
            related.add(item.change.key)
        else:
            reports[item.change.key] = _failed(item.change, result, "the email's relation to its person")
    return related


def _record(
    store: Store,
    pending: Iterable[_Pending],
    made: Mapping[str, str],
    created: set[str],
    related: set[str],
    reports: dict[str, RowReport],
    run_id: str,
) -> None:
    """What exists now, in one transaction: each email made and related is recorded once, as written when this
    run created it, as linked when it was found in Salesforce (another integration's, or an earlier run's)."""
    with store.transaction():
        for item in pending:
            key = item.change.key
            if key in related:
                store.emails.record_written(item.email.id, item.change.sobject, made[key])
                outcome = RowOutcome.WRITTEN if key in created else RowOutcome.LINKED
                reports[key] = _report(item.change, outcome, made[key])
        store.runs.record([row_result(r, run_id) for r in reports.values()])
        store.meta.bump_serial()


def _failed(change: RecordChange, result: WriteResult, what: str) -> RowReport:
    error = result.errors[0] if result.errors else None
    if change.sobject == EMAIL and error and error.code == NEEDS_CASE_CODE and NEEDS_CASE_FIELD in error.fields:
        why = f"{NEEDS_CASE_NOTE}: {error.message}; with sync.email.object auto, the next plan writes Tasks"
        return _report(change, RowOutcome.REJECTED, error_code=error.code, message=why)
    if result.outcome is Outcome.UNKNOWN:
        why = f"{what} may or may not have been created (no answer): the next run checks before sending again"
        return _report(change, RowOutcome.UNKNOWN, error_code=error.code if error else "", message=why)
    message = f"{what}: {error.message}" if error else f"{what} was refused"
    return _report(change, RowOutcome.REJECTED, error_code=error.code if error else "", message=message)


def _report(
    change: RecordChange, outcome: RowOutcome, sf_id: str | None = None, *, error_code: str = "", message: str = ""
) -> RowReport:
    return RowReport(
        change.key, change.sobject, str(change.action), outcome, sf_id, change.workspace.kind, change.workspace.id,
        error_code, message, tuple(f.field for f in change.fields), workspace_label=change.workspace.label,
    )  # fmt: skip
