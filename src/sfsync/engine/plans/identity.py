"""Plan values that name workspace records, and how their identity followed Salesforce.

The read pass keeps each workspace record on the Salesforce records it is linked to: when a person in
Salesforce changes a linked record's email or website, merges it into another, or converts a Lead, the
workspace record follows instead of splitting in two. The plan lists what following did (or, where
following would merge or split two workspace records, what it refused to do), so nothing moves unseen.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from sfsync.catalogue import Kind


class EmailKind(StrEnum):
    """What a plan's record of an email names: emails are not a workspace `Kind` (never matched, updated or
    in a play), but a plan writes each once, under its own id."""

    EMAIL = "email"


@dataclass(frozen=True, slots=True)
class WorkspaceRef:
    """A workspace record: `kind` person|company (or `email`: an email's create), its id, and a label for
    people to read."""

    kind: Kind | EmailKind
    id: str
    label: str = ""


class IdentityKind(StrEnum):
    """What following Salesforce did to a workspace record's identity during the plan's read."""

    KEY_MOVED = "key_moved"
    KEY_KEPT = "key_kept"
    LINK_MOVED = "link_moved"
    MERGED = "merged"
    HELD = "held"


@dataclass(frozen=True, slots=True)
class IdentityChange:
    """One identity change: `key_moved` (the linked record's email or domain changed in Salesforce: the
    workspace key followed), `key_kept` (another workspace record, `other`, has that key: nothing merged,
    the key stays), `link_moved` (the linked record `from_sf_id` was merged into `sf_id`: the link
    follows), `merged` (`other`, a record the read pass made, held `sf_id`: merged into this one, which
    wins) and `held` (the merge's master is linked to `other`: neither record is written). `before` and
    `after` are the workspace key around the change (equal when it stayed)."""

    kind: IdentityKind
    workspace: WorkspaceRef
    sobject: str
    sf_id: str
    before: str | None = None
    after: str | None = None
    from_sf_id: str | None = None
    other: WorkspaceRef | None = None
    reason: str = ""
