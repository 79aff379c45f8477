"""`make_plan`: refresh, diff the config, check metadata, match, and build the write set.

Planning is read-only towards Salesforce, and never moves the store's serial: only apply does. What
a plan keeps of its pass (`keeping.py`): the applied config's plan, and any plan on a store that never
applied a config, record what they read (mirror, workspace fields read from Salesforce, read links,
resolved create intents) and the derivation cache; a config not applied yet that reads as the applied
one records its read and keeps its derivation aside; any other config's plan runs in one store
transaction that is rolled back: the plan sees everything it read, the store keeps nothing of it, and
the plan says so (`recorded` false). Its fingerprint is the store's as it is after the rollback, so
the plan stays appliable once its config is the one applied.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from functools import partial

from sfsync import __version__
from sfsync.catalogue import Kind
from sfsync.config import LoadedConfig
from sfsync.config.canonical import canonical, digest
from sfsync.config.email_mappings import EMAIL_OBJECT
from sfsync.config.models import ApiChoice, Config, WriteGuard
from sfsync.engine.planning.api_choice import RECENT_EDIT_WINDOW, choose_api, rest_updates
from sfsync.engine.planning.config_diff import diff_configs, mode_changed, reprocessed_objects
from sfsync.engine.planning.create_jobs import (
    JobSizing,
    create_check_calls,
    create_job_sizes,
    ingest_jobs,
    job_size,
    jobbed,
    sizing_note,
)
from sfsync.engine.planning.emails import EMAILS_WRITTEN_AS, EmailPlanner
from sfsync.engine.planning.incremental import derivation_digest, derive
from sfsync.engine.planning.keeping import Kept, kept_by
from sfsync.engine.planning.metadata import metadata_problems, objects_needed
from sfsync.engine.planning.plan_records import spool_records as _spool_records
from sfsync.engine.planning.source_coverage import empty_sources
from sfsync.engine.planning.unknown_creates import resolve_unknown_creates
from sfsync.engine.plans.file import PlanSpool
from sfsync.engine.plans.fingerprint import take_fingerprint
from sfsync.engine.plans.plan import Api, ObjectEstimate, Plan, PlanDiagnostic
from sfsync.engine.progress import SILENT, Progress
from sfsync.engine.reading.fields import READ_OBJECTS
from sfsync.engine.reading.refresh import refresh
from sfsync.engine.subject import Subject
from sfsync.errors import Diagnostic, Severity
from sfsync.salesforce.describe import describe_objects
from sfsync.salesforce.permissions import fields_out_of_sight
from sfsync.salesforce.port import ObjectDescribe, SalesforcePort
from sfsync.salesforce.reads import RETRIEVE_SIZE
from sfsync.store import Store
from sfsync.store.meta import AppliedConfig

COLLECTION_SIZE = 200
BULK_JOB_CALLS = 5  # create, upload, close, poll, results
# A Bulk update job's changes are held while it is sent: a run of more updates goes in jobs of this many,
# each checked right before it is sent by re-reading its targets (a call per `RETRIEVE_SIZE`), never all held.
BULK_UPDATE_JOB_SIZE = 10_000
BULK_QUERY_CALLS = 3  # create, poll, results
GUARDED_PER_CALL = 25  # sObject Rows subrequests in one composite request
# A chunk of guarded updates: eight composite requests, the last keeping a subrequest for the next chunk's check.
GUARDED_CHUNK = 8 * GUARDED_PER_CALL - 1
PLAN_PROGRESS_STEP = 500  # records visited between progress reports (bars and events stay cheap)


def bulk_update_calls(updates: int) -> int:
    """What a run of `updates` sent by Bulk costs: one job checked by one query job, or (a longer run)
    jobs of `BULK_UPDATE_JOB_SIZE`, each checked by re-reading its targets."""
    if updates <= BULK_UPDATE_JOB_SIZE:
        return (updates > 0) * (BULK_QUERY_CALLS + BULK_JOB_CALLS)
    full, rest = divmod(updates, BULK_UPDATE_JOB_SIZE)
    rereads = full * math.ceil(BULK_UPDATE_JOB_SIZE / RETRIEVE_SIZE) + math.ceil(rest / RETRIEVE_SIZE)
    return (full + (rest > 0)) * BULK_JOB_CALLS + rereads


def make_plan(
    port: SalesforcePort,
    store: Store,
    loaded: LoadedConfig,
    *,
    full_refresh: bool = False,
    progress: Progress = SILENT,
    spool: PlanSpool | None = None,
) -> Plan:
    """The plan; with `spool`, its records are written there, in plan order, as they are ordered, and
    the plan reads them back from it (a plan of any size is then held nowhere whole once made)."""
    found = describe_objects(port, [*READ_OBJECTS, *objects_needed(loaded.config)])
    describes = {name: d for name, d in found.items() if d is not None}
    last = store.meta.last_applied_config()
    kept = kept_by(store, loaded.config, digest(loaded.config), last, describes)
    at = partial(_plan, port, store, loaded, last, found, kept, full_refresh=full_refresh, progress=progress)
    if kept.recorded:
        return at(spool=spool)
    version = store.meta.version()  # what the store is once the speculative pass is rolled back
    with store.speculative():
        plan = at(spool=spool)
    fingerprint = replace(plan.fingerprint, lineage=version.lineage, serial=version.serial)
    return replace(plan, fingerprint=fingerprint, recorded=False)


def _plan(
    port: SalesforcePort,
    store: Store,
    loaded: LoadedConfig,
    last: AppliedConfig | None,
    found: Mapping[str, ObjectDescribe | None],
    kept: Kept,
    *,
    full_refresh: bool,
    progress: Progress,
    spool: PlanSpool | None,
) -> Plan:
    config = loaded.config
    identity = port.identity()
    describes = {name: d for name, d in found.items() if d is not None}
    sight = fields_out_of_sight(port, config, found)
    problems = metadata_problems(loaded, found, sight)
    problems.extend(empty_sources(store, loaded))  # a mapping no loaded record fills is said, not silent
    diagnostics = [_diagnostic(d) for d in problems.sorted()]
    diff = diff_configs(json.loads(last.canonical) if last else None, canonical(config))
    full = frozenset(READ_OBJECTS) if full_refresh or mode_changed(diff) else reprocessed_objects(diff)
    full |= kept.read_in_full()
    store.read_shapes.forget(kept.unshaped(full))
    refreshed = refresh(port, store, config, describes, full=full, progress=progress)
    if kept.recorded:
        store.read_shapes.record(kept.shapes)
    retried = resolve_unknown_creates(store)
    visiting = partial(_visit, progress)
    into = spool if spool is not None else PlanSpool()
    output, derivation = derive(
        store, loaded, describes, refreshed.held, visiting, full=full_refresh, directory=into.directory,
        cache=kept.cache(store, derivation_digest(store, loaded, describes)),
    )  # fmt: skip
    try:
        emails = EmailPlanner(store, config, describes)  # after the people: their links and matches are known
        written = _spool_records(store, config, output, into, retried, full_refresh=full_refresh, emails=emails)
    finally:
        output.discard()
    touched = {name: describes[name] for name in sorted({*READ_OBJECTS, *written.objects}) if name in describes}
    # Read back from the spool only when an object goes by Bulk under `auto` (a second pass, bounded).
    on_rest = rest_updates(
        store, config, lambda: into.records("changes"), written.writes, identity.user_id, refreshed.watermarks
    )
    estimated = estimates(
        config,
        written.writes,
        on_rest,
        create_job_sizes(port, config, [s for s in jobbed(config, written.writes) if s not in EMAILS_WRITTEN_AS]),
    )
    plan = Plan(
        fingerprint=take_fingerprint(store, identity.org_id, touched, digest(config), refreshed.watermarks),
        mode=config.sync.person_object,
        write_enabled=config.sync.write,
        config_diff=diff,
        diagnostics=(*diagnostics, *output.diagnostics.values(), *bulk_update_notes(estimated, on_rest, config)),
        changes=(),
        skips=(),
        play_entries=(),
        estimates=estimated,
        refresh=refreshed.summary(),
        identity=refreshed.identity,
        tool_version=__version__,
        derivation=derivation,
    )
    spooled = replace(into.spooled(plan), tally=written.tally())
    if spool is not None:  # read back from the caller's spool: nothing holds the records but the spool
        return spooled
    try:  # a plan asked for in memory holds its records
        changes, skips, entries = tuple(spooled.changes), tuple(spooled.skips), tuple(spooled.play_entries)
        return replace(spooled, changes=changes, skips=skips, play_entries=entries)
    finally:
        into.discard()


def _visit(
    progress: Progress, kind: Kind, total: int, subjects: Iterable[Subject], visit: Callable[[Subject], None]
) -> None:
    """Visit every subject of `kind`, reported as the `plan` phase (most of a plan's time is spent here)."""
    progress.start("plan", str(kind), total)
    pending = 0
    for subject in subjects:
        visit(subject)
        pending += 1
        if pending == PLAN_PROGRESS_STEP:
            progress.advance("plan", str(kind), pending)
            pending = 0
    if pending:
        progress.advance("plan", str(kind), pending)
    progress.finish("plan", str(kind))


def estimates(
    config: Config,
    counts: Mapping[str, Sequence[int]],
    on_rest: Mapping[str, int] | None = None,
    sizes: Mapping[str, JobSizing] | None = None,
) -> tuple[ObjectEstimate, ...]:
    """The API choice per object (`sync.api`, Bulk above `bulk_threshold` writes) and calls expected, from
    the creates and updates per object (`counts`).

    `on_rest`: per object written by Bulk, the updates kept on REST (`api_choice.rest_updates`), counted
    with the REST path's calls, and under `auto` the query job apply finds them with; the object's guard
    is `none` while any update is left to Bulk. `sizes`: how `create_jobs` sized the objects' Bulk create
    jobs (an object left out goes in jobs of `sync.bulk_create_job_size`, or 2,000 under `auto`)."""
    result = []
    conditional = config.sync.write_guard is WriteGuard.CONDITIONAL
    for sobject, (creates, updates) in sorted(counts.items()):
        api = choose_api(config, creates + updates)
        note = ""
        if sobject in EMAILS_WRITTEN_AS:
            result.append(_email_estimate(config, sobject, creates))
            continue
        if api is Api.BULK:  # create jobs: each one's check, then the job; updates: a check query job, then one job
            guarded = min((on_rest or {}).get(sobject, 0), updates)
            bulk_updates = updates - guarded
            sizing = (sizes or {}).get(sobject)
            size = job_size(config, sizing)
            note = sizing_note(sizing) if (sizing and creates > size) or (sizing and sizing.guarded) else ""
            ext = bool(config.sync.external_id_field)
            checks = create_check_calls(
                sobject, creates, size, guarded=bool(sizing and sizing.guarded), external_ids=ext
            )
            calls = checks + ingest_jobs(creates, size) * BULK_JOB_CALLS
            calls += bulk_update_calls(bulk_updates)
            rest_writes = _update_calls(guarded, conditional=conditional)
            calls += rest_writes + (rest_writes > 0)  # the REST-kept updates' first check alone, as above
            if updates and config.sync.api is ApiChoice.AUTO:  # apply's query job for the recently edited
                calls += BULK_QUERY_CALLS
            guard = "none" if bulk_updates else str(config.sync.write_guard)
        else:  # the first chunk's check alone, then each write, carrying the next chunk's (applying/pipeline)
            chunk = GUARDED_CHUNK if conditional else COLLECTION_SIZE  # applying/runs: the chunks apply sends
            writes = math.ceil(creates / chunk) + _update_calls(updates, conditional=conditional)
            calls = writes + (writes > 0)
            guard = str(config.sync.write_guard)
        result.append(ObjectEstimate(sobject, creates, updates, api, calls, guard if updates else "", note))
    return tuple(result)


def _email_estimate(config: Config, sobject: str, creates: int) -> ObjectEstimate:
    """Emails: a look-up a collection's worth (200), then the creates, by collection or, when `sync.api` chooses
    Bulk for the object, by Bulk insert jobs (`job_size`); an EmailMessage's relations the same."""
    api = choose_api(config, creates)
    steps = 2 if sobject == EMAIL_OBJECT else 1
    if api is Api.BULK:
        calls = steps * (
            math.ceil(creates / COLLECTION_SIZE) + ingest_jobs(creates, job_size(config, None)) * BULK_JOB_CALLS
        )
    else:
        calls = 2 * steps * math.ceil(creates / COLLECTION_SIZE)
    return ObjectEstimate(sobject, creates, 0, api, calls, "")


def bulk_update_notes(
    estimated: Iterable[ObjectEstimate], on_rest: Mapping[str, int], config: Config
) -> list[PlanDiagnostic]:
    """A warning per object whose updates (some or all) go by Bulk, which cannot refuse a concurrent edit."""
    notes = []
    for estimate in estimated:
        guarded = min(on_rest.get(estimate.sobject, 0), estimate.updates)
        unguarded = estimate.updates - guarded
        if estimate.api is not Api.BULK or not unguarded:
            continue
        goes = "goes" if guarded == 1 else "go"
        kept = (
            f" {guarded} of its {estimate.updates} updates, of records a person edited in the "
            f"{RECENT_EDIT_WINDOW.days} days before the read, {goes} over REST with `sync.write_guard: "
            f"{config.sync.write_guard}` instead."
            if guarded
            else ""
        )
        summary = f"{estimate.sobject}: {unguarded} Bulk update{'s are' if unguarded != 1 else ' is'} not guarded"
        detail = (
            "Bulk API has no conditional update: an edit a person makes to a field the job writes while it runs "
            f"is overwritten.{kept} `sync.api: rest` guards every update."
        )
        notes.append(PlanDiagnostic(Severity.WARNING, summary, detail, path="sync.api"))
    return notes


def _update_calls(updates: int, *, conditional: bool) -> int:
    """The update writes: one Collections request per 200, or, guarded, per chunk of `GUARDED_CHUNK` one
    composite request per `GUARDED_PER_CALL` (sObject Rows subrequests). Each chunk's re-read rides in the
    write before it, so only an object's first check is a call of its own (counted by the caller)."""
    if not conditional:
        return math.ceil(updates / COLLECTION_SIZE)
    full, rest = divmod(updates, GUARDED_CHUNK)
    return full * math.ceil(GUARDED_CHUNK / GUARDED_PER_CALL) + math.ceil(rest / GUARDED_PER_CALL)


def _diagnostic(d: Diagnostic) -> PlanDiagnostic:
    pos = d.position
    return PlanDiagnostic(
        d.severity,
        d.summary,
        d.detail,
        pos.file if pos else None,
        pos.line if pos else None,
        pos.column if pos else None,
        ".".join(str(p) for p in d.path),
    )
