"""`apply_plan`: perform what a plan holds, batch by batch, and never more.

Refuses a plan with errors or a stale fingerprint. Accounts (batch 0) are written before Contacts and
Leads (batch 1) so a Contact can carry the Id of an Account created in the same apply. Each batch's
bookkeeping is committed before the next batch is sent; a stop request (Ctrl-C) is honoured between
batches. A row whose outcome is unknown is never re-sent in the same run.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable, Iterable, Mapping, MutableMapping, Sequence
from dataclasses import dataclass

from sfsync.config import LoadedConfig
from sfsync.config.canonical import canonical_json, digest
from sfsync.config.models import WriteGuard
from sfsync.engine.applying.create_check import CreateCheck
from sfsync.engine.applying.emails import send_emails
from sfsync.engine.applying.pipeline import Ahead
from sfsync.engine.applying.plan_checks import check_changes
from sfsync.engine.applying.play_outcomes import record_plays
from sfsync.engine.applying.row_log import RowLog
from sfsync.engine.applying.runs import bulk_runs, rest_runs, with_following
from sfsync.engine.applying.send import apply_chunk
from sfsync.engine.applying.sensitive import SensitiveValues, take_values
from sfsync.engine.applying.survey import ReferencedIds, Survey
from sfsync.engine.planning.after_apply import rederive_after_apply
from sfsync.engine.planning.api_choice import choose_api
from sfsync.engine.planning.call_estimates import COLLECTION_SIZE
from sfsync.engine.planning.create_jobs import job_size, sizing_at_apply
from sfsync.engine.planning.emails import EMAILS_WRITTEN_AS
from sfsync.engine.planning.read_shape import stale_reads
from sfsync.engine.plans.fingerprint import moved, take_fingerprint
from sfsync.engine.plans.plan import Action, Plan, RecordChange
from sfsync.engine.progress import SILENT, Progress
from sfsync.engine.reading.fields import reread_fields
from sfsync.engine.row_report import HandledRows, RowReport
from sfsync.errors import RemoteError, SfsyncError, StalePlanError
from sfsync.salesforce.port import ObjectDescribe, SalesforcePort
from sfsync.store import Store
from sfsync.store.bulk import chunks


@dataclass(frozen=True)
class ApplyReport(HandledRows):
    """Every row apply handled (read back from its row log: engine/applying/row_log); `interrupted` when it
    stopped early on request."""

    run_id: str
    rows: Sequence[RowReport]
    write_enabled: bool
    interrupted: bool = False
    error: str = ""


def _describes(port: SalesforcePort, plan: Plan) -> dict[str, ObjectDescribe]:
    """The describes the plan was made with, as they are now; an object no longer visible is left out (moved).

    The port is given the plan's digest of each: a describe it confirmed with that digest a moment ago
    (the plan's own) is not asked for again.
    """
    found = {}
    for name, planned in plan.fingerprint.describes.items():
        try:
            found[name] = port.describe(name, known=planned)
        except RemoteError as error:
            if error.code != "NOT_FOUND":
                raise
    return found


def check_plan(
    port: SalesforcePort, store: Store, loaded: LoadedConfig, plan: Plan, survey: Survey | None = None
) -> dict[str, ObjectDescribe]:
    """Refuse a plan with errors, one whose fingerprint moved (naming each part that moved), or one
    holding a change sfsync does not make from this config and these links (`plan_checks`), each change
    noted in `survey` as it is checked.

    Returns the describes it checked against, which apply then writes with (not described twice).
    """
    if not plan.appliable:
        raise SfsyncError("the plan has errors and cannot be applied; fix them and plan again")
    describes = _describes(port, plan)
    current = take_fingerprint(store, port.identity().org_id, describes, digest(loaded.config))
    found = moved(plan.fingerprint, current)
    if found:
        raise StalePlanError("the plan is stale: " + "; ".join(found) + ". Run `sfsync plan` again.")
    check_changes(store, loaded.config, plan, describes, survey)
    return describes


def apply_plan(
    port: SalesforcePort,
    store: Store,
    loaded: LoadedConfig,
    plan: Plan,
    *,
    stop: Callable[[], bool] = lambda: False,
    progress: Progress = SILENT,
) -> ApplyReport:
    survey = Survey()  # the plan's changes are read once, checked (and surveyed); sent as the survey kept them
    describes = check_plan(port, store, loaded, plan, survey)
    sensitive = take_values(store, loaded.config, describes, survey.sensitive)  # before anything is sent
    run = store.runs.start("apply")
    rows = RowLog()
    refs = ReferencedIds(survey.referenced)
    interrupted, error, code = False, "", ""
    try:
        groups = itertools.groupby(survey.changes(), key=_object_of)
        for ((_, sobject), group), total in zip(groups, survey.runs, strict=True):
            describe = describes.get(sobject) or port.describe(sobject)
            since = _watermark(plan, sobject)
            sent = _send_object(
                port, store, loaded, describe, (group, total), refs, rows, run.id, since, stop, progress, sensitive
            )
            if not sent:
                interrupted = True
                break
    except RemoteError as failure:
        error, code = str(failure), failure.code
    record_plays(store, plan, run.id, complete=not interrupted and not error)
    if not interrupted and not error:
        _record_config(store, loaded, describes)
    report = ApplyReport(run.id, rows.rows(), plan.write_enabled, interrupted, error)
    status = "interrupted" if interrupted else "failed" if error or report.rejected else "succeeded"
    store.runs.finish(run.id, status, report.counts())
    if not interrupted and not error:  # the next plan derives only what changes after this apply
        rederive_after_apply(port, store, loaded, describes)
    if error:
        raise RemoteError(f"apply stopped: {error}; what was written is recorded (run {run.id})", code=code)
    return report


def _object_of(change: RecordChange) -> tuple[int, str]:
    return (change.batch, change.sobject)


def _action_of(change: RecordChange) -> Action:
    return change.action


def _send_object(
    port: SalesforcePort,
    store: Store,
    loaded: LoadedConfig,
    describe: ObjectDescribe,
    counted: tuple[Iterable[RecordChange], int],
    refs: MutableMapping[str, str],
    rows: RowLog,
    run_id: str,
    since: dt.datetime | None,
    stop: Callable[[], bool],
    progress: Progress,
    sensitive: SensitiveValues,
) -> bool:
    """Send one object's changes (`counted`: read once, and how many) chunk by chunk; False when a stop
    was requested. A chunk is a collection's worth, or on the Bulk path a job: the object's creates in
    jobs sized as `create_jobs` says (checked again here), then all its updates. Only the chunk being sent and
    the one after it (whose check the REST write carries) are held, whatever the plan's size."""
    changes, total = counted
    sobject = describe.name
    api = choose_api(loaded.config, total)
    also_read = reread_fields(sobject, loaded.config, describe)
    progress.start("apply", sobject, total)
    if sobject in EMAILS_WRITTEN_AS:  # each created once (with its relation): a collection, or a Bulk job, at a time
        size = job_size(loaded.config, None) if api == "bulk" else COLLECTION_SIZE
        for chunk in chunks(changes, size):
            if stop():
                return False
            rows.extend(send_emails(port, store, loaded.config, chunk, run_id, bulk=api == "bulk"))
            progress.advance("apply", sobject, len(chunk))
        progress.finish("apply", sobject)
        return True
    create_check = None
    if api == "bulk":
        # Sized again right before the creates: a rule deactivated since the plan leaves small jobs.
        sizing = sizing_at_apply(port, loaded.config, sobject, total)
        size = job_size(loaded.config, sizing)
        create_check = CreateCheck(since, port.identity().user_id, by_keys_first=not (sizing and sizing.guarded))
        runs = bulk_runs(port, loaded, sobject, changes, since, size)
    else:
        runs = rest_runs(changes, guarded=loaded.config.sync.write_guard is WriteGuard.CONDITIONAL)
    ahead = Ahead() if api != "bulk" else None  # each REST write carries the next chunk's check
    # Only REST reads a chunk ahead (its check rides on the write before it): a Bulk job is held alone.
    paired = with_following(runs) if ahead is not None else ((part, None) for part in runs)
    for part, following in paired:
        if stop():
            return False
        if ahead is not None:
            ahead.following = following.changes if following is not None and not following.bulk else ()
        # A create job is checked right before it is sent (engine/applying/create_check): a record a person
        # made while the jobs before it ran is linked, not created again. The object's changed-since Bulk
        # query (a job of its own, and its wait) is for the targets of its only update job; each of a longer
        # run's update jobs re-reads its own targets right before it is sent.
        checked_since = since if part.by_query else None
        done = apply_chunk(
            port, store, loaded.config, describe, part.changes, refs, run_id,
            bulk=part.bulk, since=checked_since, also_read=also_read, sensitive=sensitive,
            create_check=create_check, ahead=ahead,
        )  # fmt: skip
        rows.extend(done)
        progress.advance("apply", sobject, len(part.changes))
    progress.finish("apply", sobject)
    return True


def _record_config(store: Store, loaded: LoadedConfig, describes: Mapping[str, ObjectDescribe]) -> None:
    """Record the config as applied, and forget the read watermarks it makes stale, in one transaction.

    The store holds what the last kept read read, with its shape (`read_shape.py`): the objects the new
    config reads with another shape (or, with none known, whose mappings it changes) are then read in
    full by the next plan, which takes their values into the workspace with the new mappings.
    """
    stale = stale_reads(store, loaded.config, describes)
    with store.transaction():
        for sobject in stale:
            store.mirror.reset_watermark(sobject)
        store.read_shapes.forget(stale)
        store.meta.record_applied_config(digest(loaded.config), canonical_json(loaded.config))


def _watermark(plan: Plan, sobject: str) -> dt.datetime | None:
    """Up to when the plan read the object: what changed after it is checked before a Bulk write."""
    stamp = plan.fingerprint.watermarks.get(sobject)
    return dt.datetime.fromisoformat(stamp) if stamp else None
