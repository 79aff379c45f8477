"""Incremental derivation: visit only the records whose inputs moved, reuse the cache for the rest.

A record's derivation (its changes, skips, play entries, template failures) is a function of what its
visit read from the store, of the config parts and describes it was derived with, and of the plan's
held records. The store logs every change to what a visit may read (`store/change_triggers.py`); the
cache (`store/derivations.py`) keeps each record's output and the tokens its visit read. A plan with
the cache's digest derives again: the records whose tokens changed since the cache's sequence, new
records, held records, and every record of the clusters of those (a company and its people derive
together, in visit order); every other record's cached output is reused as it is. Any change to the
config parts or describes a derivation reads (or `--full-refresh`, or no cache) derives everything,
and the plan says so. The output is assembled in visit order, so it equals a derivation from scratch.

Deriving everything holds nothing per record: each share goes on to the plan's output (spooled) and
the cache's spool as its visit ends. Deriving some keeps the shares derived again, and reads the
cache's outputs, until they are assembled.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from sfsync import __version__
from sfsync.catalogue import Kind
from sfsync.config import LoadedConfig
from sfsync.config.canonical import canonical
from sfsync.engine.planning.derivation_sinks import CacheSpool, Collected, Streaming
from sfsync.engine.planning.derived_form import Derived
from sfsync.engine.planning.deriving import VISIT_ORDER, Key, Visiting, VisitSink, deriving_write_set
from sfsync.engine.planning.plan_output import PlanOutput
from sfsync.engine.planning.split_derivation import derive_split
from sfsync.engine.plans.derivation import DerivationSummary
from sfsync.engine.subjects import companies, people, subjects_of
from sfsync.salesforce.describe import combined_digest
from sfsync.salesforce.port import ObjectDescribe
from sfsync.store import Store
from sfsync.store.derivations import DerivationsSection

CACHE_FORMAT = 2  # bump when what a derivation reads or yields changes shape, or how the cache keeps it
KINDS = VISIT_ORDER
NOT_DERIVATION_INPUTS = ("connection", "store")  # config parts no visit reads


def derivation_digest(store: Store, loaded: LoadedConfig, describes: Mapping[str, ObjectDescribe]) -> str:
    """What every record's derivation depends on besides its store inputs."""
    parts = {k: v for k, v in canonical(loaded.config).items() if k not in NOT_DERIVATION_INPUTS}
    # The plan key seals sensitive values' digests in changes; only a digest of it is kept here.
    key = hashlib.sha256(b"sfsync derivation cache\0" + store.plan_key.key()).hexdigest()
    body = json.dumps([CACHE_FORMAT, __version__, parts, combined_digest(describes), key], sort_keys=True)
    return "sha256:" + hashlib.sha256(body.encode("utf-8")).hexdigest()


def derive(
    store: Store,
    loaded: LoadedConfig,
    describes: Mapping[str, ObjectDescribe],
    held: Mapping[tuple[str, str], str],
    visiting: Visiting,
    *,
    full: bool = False,
    directory: Path | None = None,
    cache: DerivationsSection | None = None,
    settling: bool = False,
) -> tuple[PlanOutput, DerivationSummary]:
    """The write set's output (each list read once), deriving again only what moved; records the cache
    (`cache`: the main one unless told) unless the store is speculating (a rolled-back plan keeps
    nothing: no use writing the cache). `settling`: only the cache is wanted (apply's end): the output
    is left empty, and when most records moved all are derived, streamed (holding nothing per record,
    where deriving some holds what it derived)."""
    cache = cache if cache is not None else store.derivations
    digest = derivation_digest(store, loaded, describes)
    seq = cache.current_seq()
    state = cache.state()
    why = "--full-refresh" if full else _why_everything(state.digest if state else None, digest)
    output = PlanOutput(loaded, directory)
    if not why:
        assert state is not None
        # New and removed records (a removed one's cluster derives again without it), held ones, and
        # those whose inputs moved: found in the store, so that a plan loads no more ids than moved.
        unmatched = cache.unmatched()
        dirty = cache.dirty(state.seq) | unmatched.new | unmatched.gone | set(held)
        if not dirty:
            return output, _unmoved(store, cache, output, settling, seq, state.seq, digest)
        if not (settling and 2 * len(dirty) > sum(store.workspace.count(kind) for kind in KINDS)):
            moved = Moved(dirty, unmatched.gone, seq, digest)
            return output, _derive_moved(store, loaded, describes, held, visiting, cache, output, settling, moved)
    spool = None if store.session.speculating else CacheSpool(held, directory)
    sink = Streaming(None if settling else output, spool)
    totals = {kind: store.workspace.count(kind) for kind in KINDS}
    with contextlib.ExitStack() as shares:  # a split derivation's files, until the cache took its rows
        if not derive_split(store, loaded, describes, held, visiting, sink, directory, shares, sum(totals.values())):
            _derive_all(store, loaded, describes, held, visiting, sink, totals)
        if spool is not None:
            cache.invalidate()
            cache.replace(spool.rows(), everything=True, scratch=spool.scratch)
            cache.commit(seq, digest)
    people_, companies_ = totals[Kind.PERSON], totals[Kind.COMPANY]
    return output, DerivationSummary(people_, people_, companies_, companies_, why)


@dataclass(frozen=True)
class Moved:
    """What moved since the cache's state: the records to derive again (`dirty`, never empty; `gone` of
    them are removed records, whose clusters derive again without them), and the state the cache is
    brought to (`seq`, `digest`)."""

    dirty: set[Key]
    gone: set[Key]
    seq: int
    digest: str


def _derive_moved(
    store: Store,
    loaded: LoadedConfig,
    describes: Mapping[str, ObjectDescribe],
    held: Mapping[tuple[str, str], str],
    visiting: Visiting,
    cache: DerivationsSection,
    output: PlanOutput,
    settling: bool,
    moved: Moved,
) -> DerivationSummary:
    """Derive what moved, the rest from the cache (assembled into `output` unless `settling`)."""
    collected, redo = _derive_some(store, loaded, describes, held, visiting, cache, moved)
    if not settling:
        _assemble(cache, output, collected.derived)
    if not store.session.speculating:
        _record(cache, collected, held, moved)
    return _summary(store, redo)


def _summary(store: Store, redo: set[Key]) -> DerivationSummary:
    """Records of each kind, and how many of them (`redo`) were derived again."""
    people_, companies_ = (store.workspace.count(kind) for kind in (Kind.PERSON, Kind.COMPANY))
    counts = {kind: sum(1 for key in redo if key[0] == str(kind)) for kind in KINDS}
    return DerivationSummary(people_, counts[Kind.PERSON], companies_, counts[Kind.COMPANY], "")


def _unmoved(
    store: Store,
    cache: DerivationsSection,
    output: PlanOutput,
    settling: bool,
    seq: int,
    since: int,
    digest: str,
) -> DerivationSummary:
    """Nothing moved: every record's output is the cached one, and the cache's records are the
    workspace's, so the outputs are read in visit order (by id, as the workspace gives its records) and
    only where there is one: most records of a synced org derive nothing."""
    if seq != since and not store.session.speculating:
        cache.commit(seq, digest)
    if not settling:
        for kind in KINDS:
            outputs = cache.outputs(str(kind))
            try:
                for _workspace_id, body in outputs:
                    output.add_cached(body)
            finally:
                outputs.close()
    return _summary(store, set())


def _why_everything(cached: str | None, digest: str) -> str:
    if cached is None:
        return "no derivation cache yet"
    if cached != digest:
        return "the config's sync, mappings, defaults, exclusions or plays, the describes or sfsync changed"
    return ""


def _derive_all(
    store: Store,
    loaded: LoadedConfig,
    describes: Mapping[str, ObjectDescribe],
    held: Mapping[tuple[str, str], str],
    visiting: Visiting,
    sink: VisitSink,
    totals: Mapping[Kind, int],
) -> None:
    """Visit every record (`totals` of each kind, for progress), each share handed to `sink`."""
    write_set = deriving_write_set(store, loaded, describes, held, sink)
    visiting(Kind.COMPANY, totals[Kind.COMPANY], companies(store, write_set.reads), write_set.visit)
    visiting(Kind.PERSON, totals[Kind.PERSON], people(store, write_set.reads), write_set.visit)


def _derive_some(
    store: Store,
    loaded: LoadedConfig,
    describes: Mapping[str, ObjectDescribe],
    held: Mapping[tuple[str, str], str],
    visiting: Visiting,
    cache: DerivationsSection,
    moved: Moved,
) -> tuple[Collected, set[Key]]:
    """Derive the dirty records with their whole clusters, old and new (a person may change company), in
    visit order; the records derived."""
    company = str(Kind.COMPANY)
    clusters = {c for c in cache.clusters_of(moved.dirty).values() if c} | {i for k, i in moved.dirty if k == company}
    while True:
        wanted = (moved.dirty | cache.members(clusters) | {(company, c) for c in clusters}) - moved.gone
        collected = Collected()
        write_set = deriving_write_set(store, loaded, describes, held, collected)
        redo: set[Key] = set()
        for kind in KINDS:
            ids = store.workspace.ordered(kind, {i for k, i in wanted if k == str(kind)})
            redo.update((str(kind), i) for i in ids)
            visiting(kind, len(ids), subjects_of(store, write_set.reads, kind, ids), write_set.visit)
        joined = write_set.clusters - clusters
        if not joined:  # a record that joined another company: that company's people derive again with it
            return collected, redo
        clusters |= joined


def _assemble(cache: DerivationsSection, output: PlanOutput, derived: Mapping[Key, Derived]) -> None:
    """Each record's share in visit order: derived again, or its cached output (read beside it)."""
    for kind in KINDS:
        outputs = cache.record_outputs(str(kind))
        try:
            for workspace_id, body in outputs:
                found = derived.get((str(kind), workspace_id))
                if found is not None:
                    if found:
                        output.add(found)
                elif body:
                    output.add_cached(body)
        finally:
            outputs.close()


def _record(cache: DerivationsSection, collected: Collected, held: Mapping[tuple[str, str], str], moved: Moved) -> None:
    """Write back what was derived again; a held record's cluster is not kept (held is this plan's only)."""
    unkept = {collected.clusters.get(key) for key in held} - {None}
    keep = [key for key in collected.derived if key not in held and collected.clusters[key] not in unkept]
    cache.replace(collected.rows(keep))
    cache.forget(moved.gone | (set(collected.derived) - set(keep)))
    cache.commit(moved.seq, moved.digest)
