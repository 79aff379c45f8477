"""Bringing the derivation cache up to date at the end of an apply, so the next plan reuses it.

Apply changes what the records it wrote derive to (their mirror rows, links, ledger and play
membership moved): deriving those again here, with the config just applied and the describes apply
wrote with, leaves the next plan only what changed after apply. Apply's describes are the plan's
(its fingerprint); an object the config needs that the plan did not touch is described here.

Apply reads nothing here: a plan made with a config not applied yet recorded nothing of its read, and
the next plan reads (and reports what it found: identity changes, links); what that read moves is then
derived again like any other change.
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


def rederive_after_apply(
    port: SalesforcePort, store: Store, loaded: LoadedConfig, known: Mapping[str, ObjectDescribe]
) -> None:
    """Derive again what apply moved; nothing when there is no cache for this config yet (the next plan
    derives every record then anyway, after its read)."""
    names = list(dict.fromkeys([*READ_OBJECTS, *objects_needed(loaded.config)]))
    found: dict[str, ObjectDescribe | None] = {name: known[name] for name in names if name in known}
    found.update(describe_objects(port, [name for name in names if name not in found]))
    describes = {name: d for name, d in found.items() if d is not None}
    state = store.derivations.state()
    if state is not None and state.digest == derivation_digest(store, loaded, describes):
        output, _summary = derive(store, loaded, describes, {}, _quietly)
        output.discard()  # only the cache is wanted


def _quietly(_kind: Kind, _total: int, subjects: Iterable[Subject], visit: Callable[[Subject], None]) -> None:
    for subject in subjects:
        visit(subject)
