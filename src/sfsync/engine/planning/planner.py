"""`make_plan`: refresh, diff the config, check metadata, match, and build the write set.

Planning is read-only towards Salesforce. With the applied config it records what it read (mirror,
workspace fields read from Salesforce, read links, resolved create intents) but never moves the
store's serial past what it read: only apply does. With any other config (a pull request's, or any
config on a store that never applied one) the whole pass runs in one store transaction that is rolled
back: the plan sees everything it read, the store keeps nothing of it, and the plan says so
(`recorded` false). Its fingerprint is the store's as it is after the rollback, so the plan stays
appliable once its config is the one applied.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from functools import partial

from sfsync import __version__
from sfsync.catalogue import Kind
from sfsync.config import LoadedConfig
from sfsync.config.canonical import canonical, digest
from sfsync.config.email_mappings import EMAIL_OBJECT
from sfsync.config.models import Config, WriteGuard
from sfsync.engine.planning.config_diff import diff_configs, mode_changed, reprocessed_objects
from sfsync.engine.planning.emails import EMAILS_WRITTEN_AS, plan_emails
from sfsync.engine.planning.incremental import derive
from sfsync.engine.planning.metadata import metadata_problems, objects_needed
from sfsync.engine.planning.rejections import last_rejections, note_retries, note_terminal
from sfsync.engine.planning.source_coverage import empty_sources
from sfsync.engine.plans.file import PlanSpool
from sfsync.engine.plans.fingerprint import take_fingerprint
from sfsync.engine.plans.plan import Action, ObjectEstimate, Plan, PlanDiagnostic, RecordChange, Skip
from sfsync.engine.progress import SILENT, Progress
from sfsync.engine.reading.fields import READ_OBJECTS
from sfsync.engine.reading.refresh import refresh
from sfsync.engine.standing import hold_back
from sfsync.engine.subject import Subject
from sfsync.errors import Diagnostic
from sfsync.salesforce.describe import describe_objects
from sfsync.salesforce.permissions import fields_out_of_sight
from sfsync.salesforce.port import SalesforcePort
from sfsync.store import Store
from sfsync.store.intents import IntentState
from sfsync.store.meta import AppliedConfig

COLLECTION_SIZE = 200
BULK_JOB_CALLS = 5  # create, upload, close, poll, results
BULK_QUERY_CALLS = 3  # create, poll, results
GUARDED_PER_CALL = 25  # sObject Rows subrequests in one composite request
PLAN_PROGRESS_STEP = 500  # records visited between progress reports (bars and events stay cheap)


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
    last = store.meta.last_applied_config()
    if last is not None and last.digest == digest(loaded.config):
        return _plan(port, store, loaded, last, full_refresh=full_refresh, progress=progress, spool=spool)
    version = store.meta.version()  # what the store is once the speculative pass is rolled back
    with store.speculative():
        plan = _plan(port, store, loaded, last, full_refresh=full_refresh, progress=progress, spool=spool)
    fingerprint = replace(plan.fingerprint, lineage=version.lineage, serial=version.serial)
    return replace(plan, fingerprint=fingerprint, recorded=False)


def _plan(
    port: SalesforcePort,
    store: Store,
    loaded: LoadedConfig,
    last: AppliedConfig | None,
    *,
    full_refresh: bool,
    progress: Progress,
    spool: PlanSpool | None,
) -> Plan:
    config = loaded.config
    identity = port.identity()
    found = describe_objects(port, [*READ_OBJECTS, *objects_needed(config)])
    describes = {name: d for name, d in found.items() if d is not None}
    sight = fields_out_of_sight(port, config, found)
    problems = metadata_problems(loaded, found, sight)
    problems.extend(empty_sources(store, loaded))  # a mapping no loaded record fills is said, not silent
    diagnostics = [_diagnostic(d) for d in problems.sorted()]
    diff = diff_configs(json.loads(last.canonical) if last else None, canonical(config))
    full = frozenset(READ_OBJECTS) if full_refresh or mode_changed(diff) else reprocessed_objects(diff)
    refreshed = refresh(port, store, config, describes, full=full, progress=progress)
    retried = _resolve_unknown_creates(store)
    visiting = partial(_visit, progress)
    write_set, derivation = derive(store, loaded, describes, refreshed.held, visiting, full=full_refresh)
    emails = plan_emails(store, config, describes, write_set.changes)  # after the people: their links are known
    standing = {key: (item.error_code, item.message) for key, item in store.rejections.all().items()}
    rejected = {**standing, **last_rejections(store)}  # a standing refusal outlives the run that got it
    ordered, held = _ordered([*write_set.changes.values(), *emails.changes]), list[Skip]()
    if not full_refresh:  # a full refresh resends standing rejections once (a rule may have changed)
        ordered, held = hold_back(store, ordered, str(config.sync.duplicate_rules))
    noted = [_note_retry(c, retried) for c in note_retries(ordered, rejected)]
    del ordered
    waiting = {(s.workspace.kind, s.workspace.id) for s in held}  # still entrants: tried again once lifted
    entries = [e for e in write_set.entries if not (e.entered and (e.kind, e.workspace_id) in waiting)]
    touched = {
        name: describes[name] for name in sorted({*READ_OBJECTS, *(c.sobject for c in noted)}) if name in describes
    }
    plan = Plan(
        fingerprint=take_fingerprint(store, identity.org_id, touched, digest(config), refreshed.watermarks),
        mode=str(config.sync.person_object),
        write_enabled=config.sync.write,
        config_diff=diff,
        diagnostics=(*diagnostics, *write_set.diagnostics.values()),
        changes=noted,
        skips=(*note_terminal([*write_set.skips, *emails.skips], rejected), *held),
        play_entries=entries,
        estimates=estimates(config, noted),
        refresh=refreshed.summary(),
        identity=refreshed.identity,
        tool_version=__version__,
        derivation=derivation,
    )
    return plan if spool is None else _spooled(plan, spool)


def _spooled(plan: Plan, spool: PlanSpool) -> Plan:
    """`plan` with its records written to `spool`, in plan order, and read back from it: once the write
    set is let go, nothing holds the records but the spool (the counts come with it: the views' summary
    reads no record)."""
    for name in ("changes", "skips", "play_entries"):
        for record in getattr(plan, name):
            spool.add(name, record)
    return replace(spool.spooled(plan), tally=plan.counts())


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


def _ordered(changes: Iterable[RecordChange]) -> list[RecordChange]:
    return sorted(changes, key=lambda c: (c.batch, c.sobject, c.action != Action.CREATE, c.key))


def _resolve_unknown_creates(store: Store) -> dict[tuple[str, str, str], str]:
    """Creates whose outcome was never known: linked now when reading found them, else created again."""
    notes: dict[tuple[str, str, str], str] = {}
    for intent in list(store.intents.unresolved()):
        links = {link.object: link for link in store.links.for_record(intent.kind, intent.workspace_id)}
        found = links.get(intent.object)
        if found is not None:
            store.intents.resolve(intent.id, IntentState.CREATED, found.sf_id)
            continue
        store.intents.resolve(intent.id, IntentState.FAILED)
        notes[(str(intent.kind), intent.workspace_id, intent.object)] = (
            "an earlier create's outcome was unknown and re-matching did not find it"
        )
    return notes


def _note_retry(change: RecordChange, notes: Mapping[tuple[str, str, str], str]) -> RecordChange:
    note = notes.get((change.workspace.kind, change.workspace.id, change.sobject))
    return replace(change, match=f"{note}; {change.match}") if note and change.action is Action.CREATE else change


def estimates(config: Config, changes: Iterable[RecordChange]) -> tuple[ObjectEstimate, ...]:
    """The API choice per object (`sync.api`, Bulk above `bulk_threshold` writes) and calls expected."""
    counts: dict[str, list[int]] = {}
    for change in changes:
        entry = counts.setdefault(change.sobject, [0, 0])
        entry[0 if change.action is Action.CREATE else 1] += 1
    result = []
    conditional = config.sync.write_guard is WriteGuard.CONDITIONAL
    for sobject, (creates, updates) in sorted(counts.items()):
        api = choose_api(config, creates + updates)
        if sobject in EMAILS_WRITTEN_AS:  # per chunk: the look-up, the create; an EmailMessage's relation the same
            per_chunk = 4 if sobject == EMAIL_OBJECT else 2
            result.append(
                ObjectEstimate(sobject, creates, 0, "rest", per_chunk * math.ceil(creates / COLLECTION_SIZE), "")
            )
            continue
        if api == "bulk":  # per operation: a check query job, then the ingest job
            calls = ((creates > 0) + (updates > 0)) * (BULK_QUERY_CALLS + BULK_JOB_CALLS)
            guard = "none"
        else:  # per chunk: the check (appeared keys, or the targets re-read), then the write
            calls = 2 * math.ceil(creates / COLLECTION_SIZE) + _update_calls(updates, conditional=conditional)
            guard = str(config.sync.write_guard)
        result.append(ObjectEstimate(sobject, creates, updates, api, calls, guard if updates else ""))
    return tuple(result)


def _update_calls(updates: int, *, conditional: bool) -> int:
    """Per chunk the targets' re-read, then one Collections request, or one composite request per
    `GUARDED_PER_CALL` guarded updates (sObject Rows subrequests)."""
    chunks = math.ceil(updates / COLLECTION_SIZE)
    if not conditional:
        return 2 * chunks
    full, rest = divmod(updates, COLLECTION_SIZE)
    return chunks + full * math.ceil(COLLECTION_SIZE / GUARDED_PER_CALL) + math.ceil(rest / GUARDED_PER_CALL)


def choose_api(config: Config, writes: int) -> str:
    api = str(config.sync.api)
    if api != "auto":
        return api
    return "bulk" if writes > config.sync.bulk_threshold else "rest"


def _diagnostic(d: Diagnostic) -> PlanDiagnostic:
    pos = d.position
    return PlanDiagnostic(
        str(d.severity),
        d.summary,
        d.detail,
        pos.file if pos else None,
        pos.line if pos else None,
        pos.column if pos else None,
        ".".join(str(p) for p in d.path),
    )
