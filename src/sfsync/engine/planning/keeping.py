"""What a plan keeps of its pass: its read, and which derivation cache it reads and writes.

- The applied config's plan keeps its read and the main cache (what the next plan reuses).
- On a store that never applied a config there is nothing to protect: the plan keeps its read (an
  object last read with another shape is read in full) and the main cache, so the plan right after
  the first apply reads and derives only what changed since.
- A config not applied yet that reads every object as the applied one does (the same read shapes:
  `read_shape.py`) reads what the applied config's plan would read and keep: its read is kept, and
  its derivation goes to the cache kept aside, never the main one; the apply that makes its config
  the applied one adopts that cache (`after_apply.py`).
- Any other config's plan runs in a transaction rolled back (`recorded` false): the store keeps
  nothing of it. It reads the cache kept aside, so a second plan of the same config reuses it.

A config not applied yet whose derivations read what the applied one's do (it differs only in
`connection` or `store`) reads, and writes, the main cache: derived alike, its rows serve either.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass

from sfsync.config.models import Config
from sfsync.engine.planning.read_shape import read_again, read_shapes, reads_alike
from sfsync.salesforce.port import ObjectDescribe
from sfsync.store import Store
from sfsync.store.derivations import DerivationsSection
from sfsync.store.meta import AppliedConfig


class Keeping(enum.Enum):
    APPLIED = "applied"
    FIRST = "first"  # nothing applied yet
    ASIDE = "aside"  # not applied yet, read alike
    NOTHING = "nothing"  # not applied yet, read otherwise: rolled back


@dataclass(frozen=True)
class Kept:
    """How a plan keeps its pass, and the read shapes of its config (`shapes`) against the store's (`kept`)."""

    how: Keeping
    shapes: Mapping[str, str]
    kept: Mapping[str, str]

    @property
    def recorded(self) -> bool:
        return self.how is not Keeping.NOTHING

    def cache(self, store: Store, derivation: str) -> DerivationsSection:
        """The derivation cache the plan reads, and writes unless rolled back: the main one, or for a config
        not applied yet the one kept aside, unless the main one was derived alike (`derivation`, the
        digest: a config that differs from the applied one only in what no derivation reads)."""
        if self.how in (Keeping.APPLIED, Keeping.FIRST):
            return store.derivations
        main = store.derivations.state()
        return store.derivations if main is not None and main.digest == derivation else store.derivations_aside

    def read_in_full(self) -> frozenset[str]:
        """Before any apply, an object last read with another shape is read again from the start."""
        return read_again(self.kept, self.shapes) if self.how is Keeping.FIRST else frozenset()

    def unshaped(self, full: frozenset[str]) -> frozenset[str]:
        """The shapes to forget before the read: objects read from the start with another shape (a read that
        fails half-way then leaves none, never the old one over what it read)."""
        return frozenset(full & read_again(self.kept, self.shapes)) if self.recorded else frozenset()


def kept_by(
    store: Store, config: Config, digest: str, last: AppliedConfig | None, describes: Mapping[str, ObjectDescribe]
) -> Kept:
    shapes = read_shapes(config, describes)
    kept = store.read_shapes.shapes()
    if last is not None and last.digest == digest:
        how = Keeping.APPLIED
    elif last is None:
        how = Keeping.FIRST
    else:
        how = Keeping.ASIDE if reads_alike(kept, shapes) else Keeping.NOTHING
    return Kept(how, shapes, kept)
