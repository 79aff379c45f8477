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
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from functools import partial

from sfsync import __version__
from sfsync.catalogue import Kind
from sfsync.config import LoadedConfig
from sfsync.config.canonical import canonical, digest
from sfsync.engine.planning.api_choice import rest_updates
from sfsync.engine.planning.call_estimates import bulk_update_notes, estimates
from sfsync.engine.planning.config_diff import diff_configs, mode_changed, reprocessed_objects
from sfsync.engine.planning.create_jobs import create_job_sizes, jobbed
from sfsync.engine.planning.emails import EMAILS_WRITTEN_AS, EmailPlanner
from sfsync.engine.planning.incremental import derivation_digest, derive
from sfsync.engine.planning.keeping import Kept, kept_by
from sfsync.engine.planning.metadata import metadata_problems, objects_needed
from sfsync.engine.planning.plan_records import spool_records as _spool_records
from sfsync.engine.planning.source_coverage import empty_sources
from sfsync.engine.planning.unknown_creates import resolve_unknown_creates
from sfsync.engine.plans.file import PlanSpool
from sfsync.engine.plans.fingerprint import take_fingerprint
from sfsync.engine.plans.plan import Plan, PlanDiagnostic
from sfsync.engine.progress import SILENT, Progress
from sfsync.engine.reading.fields import READ_OBJECTS
from sfsync.engine.reading.refresh import refresh
from sfsync.engine.subject import Subject
from sfsync.errors import Diagnostic
from sfsync.salesforce.describe import describe_objects
from sfsync.salesforce.permissions import fields_out_of_sight
from sfsync.salesforce.port import ObjectDescribe, SalesforcePort
from sfsync.store import Store
from sfsync.store.meta import AppliedConfig

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
