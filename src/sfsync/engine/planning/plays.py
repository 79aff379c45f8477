"""Play audiences and who entered them since the last apply (edge-triggered).

A play runs once on each record that enters its audience: a record already recorded as a member (in
the audience at the last apply) is not a new entrant; one that left and came back enters again.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sfsync.config.models import Play
from sfsync.engine.planning.exclusions import NO_DESCRIBES, Describes, holds
from sfsync.engine.subject import Subject


@dataclass(frozen=True)
class Membership:
    """The plays a subject is in now, and those it entered since the last apply."""

    current: tuple[str, ...]
    entered: tuple[str, ...]
    left: tuple[str, ...] = ()

    def writing(self, plays: Sequence[Play]) -> tuple[str, ...]:
        """The entered plays that sync to Salesforce, in config order."""
        syncing = {p.name for p in plays if p.sync_to_salesforce is not None}
        return tuple(name for name in self.entered if name in syncing)


def in_audience(play: Play, subject: Subject, describes: Describes = NO_DESCRIBES) -> bool:
    if play.audience.object is not subject.kind:
        return False
    return play.audience.where is None or holds(play.audience.where, subject, describes=describes)


def membership(
    plays: Sequence[Play], subject: Subject, members: Iterable[str], describes: Describes = NO_DESCRIBES
) -> Membership:
    """`members` are the plays the store records the subject as currently in."""
    known = set(members)
    current = tuple(p.name for p in plays if in_audience(p, subject, describes))
    entered = tuple(name for name in current if name not in known)
    return Membership(current, entered, tuple(sorted(known - set(current))))


def play_defaults(plays: Sequence[Play], names: Sequence[str], sobject: str) -> list[tuple[str, Mapping[str, Any]]]:
    """The defaults of the given plays for one object, first play first."""
    by_name = {p.name: p for p in plays}
    result: list[tuple[str, Mapping[str, Any]]] = []
    for name in names:
        action = by_name[name].sync_to_salesforce
        if action is not None and sobject in action.defaults:
            result.append((f"play:{name}", action.defaults[sobject]))
    return result
