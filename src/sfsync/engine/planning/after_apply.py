"""Bringing the derivation cache up to date at the end of an apply, so the next plan reuses it.

Apply changes what the records it wrote derive to (their mirror rows, links, ledger and play
membership moved): deriving those again here, with the config just applied and the describes apply
wrote with, leaves the next plan only what changed after apply. Apply's describes are the plan's
(its fingerprint); an object the config needs that the plan did not touch is described here.

The cache kept aside by a plan of a config not applied yet (`keeping.py`) is adopted here when it was
derived with the config just applied (and the main cache was not): it is current to the change its
plan derived at, and what moved since (apply's writes among it) is derived again like any other
change. Otherwise it is dropped: a plan made before this apply is stale now, and made again.

Apply reads nothing here: a plan whose read was rolled back kept nothing of it, and the next plan
reads (and reports what it found: identity changes, links); what that read moves is then derived
again like any other change.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from sfsync.catalogue import Kind
from sfsync.config import LoadedConfig
from sfsync.engine.planning.incremental import derivation_digest, derive
from sfsync.engine.planning.metadata import objects_needed
from sfsync.engine.reading.fields import READ_OBJECTS
from sfsync.engine.subject import Subject
from sfsync.salesforce.describe import describe_objects
from sfsync.salesforce.port import ObjectDescribe, SalesforcePort
from sfsync.store import Store
from sfsync.store.derivation_schema import ASIDE


def rederive_after_apply(
    port: SalesforcePort, store: Store, loaded: LoadedConfig, known: Mapping[str, ObjectDescribe]
) -> None:
    """Derive again what apply moved; nothing when there is no cache for this config (the next plan
    derives every record then anyway, after its read)."""
    names = list(dict.fromkeys([*READ_OBJECTS, *objects_needed(loaded.config)]))
    found: dict[str, ObjectDescribe | None] = {name: known[name] for name in names if name in known}
    found.update(describe_objects(port, [name for name in names if name not in found]))
    describes = {name: d for name, d in found.items() if d is not None}
    digest = derivation_digest(store, loaded, describes)
    settle_aside(store, digest)
    state = store.derivations.state()
    if state is not None and state.digest == digest:
        output, _summary = derive(store, loaded, describes, {}, _quietly, settling=True)
        output.discard()  # only the cache is wanted (nothing was put in it)


def settle_aside(store: Store, digest: str) -> None:
    """Adopt the cache kept aside when it is the applied config's and the main one is not; else drop it."""
    aside = store.derivations_aside.state()
    if aside is None:
        return
    main = store.derivations.state()
    if aside.digest == digest and (main is None or main.digest != digest):
        store.derivations.adopt(ASIDE)
    else:
        store.derivations_aside.drop()


def _quietly(_kind: Kind, _total: int, subjects: Iterable[Subject], visit: Callable[[Subject], None]) -> None:
    for subject in subjects:
        visit(subject)
