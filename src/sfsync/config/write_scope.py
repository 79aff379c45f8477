"""Writing on, but no play can write: the rule shared by the offline config checks and the metadata checks.

A record enters the write scope only as a new entrant of a play with `sync_to_salesforce`, or because
sfsync wrote it before (docs/sync-rules.md §2). With `sync.write: true` and no such play, a plan of a
fresh workspace creates nothing and says only "not in play" for every record; this says why, where.
A company play in Leads mode writes nothing either: Leads mode writes no Accounts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

Path = tuple[str | int, ...]
STARTER_PLAY = "{name: everyone, audience: {object: person}, sync_to_salesforce: {}}"


@dataclass(frozen=True)
class PlayShape:
    """What the rule needs of one play: its audience's object and whether it syncs to Salesforce."""

    audience: str
    syncs: bool


@dataclass(frozen=True)
class Gap:
    """The warning: what is wrong, where (`path`, and whether the key is meant), and how to fix it."""

    summary: str
    path: Path
    hint: str
    key: bool


def writing_gap(write: object, mode: object, plays: Sequence[PlayShape]) -> Gap | None:
    """The gap when writing is on and no play can write anything; None otherwise."""
    if write is not True:
        return None
    leads = str(mode) == "leads"
    if any(p.syncs and not (leads and p.audience == "company") for p in plays):
        return None
    summary = (
        "sync.write is on but no play syncs to Salesforce: apply creates nothing (it only updates records "
        "sfsync wrote before)"
    )
    if not plays:
        hint = f"add a play whose entrants are written, e.g. `plays: [{STARTER_PLAY}]`"
        return Gap(summary, ("sync", "write"), hint, key=False)
    if not any(p.syncs for p in plays):
        hint = "give a play `sync_to_salesforce: {}` (its defaults are optional): without it a play only tracks"
        return Gap(summary, ("plays",), hint, key=True)
    summary = "sync.write is on but only company plays sync to Salesforce, and Leads mode writes no Accounts"
    hint = f"sync a person play instead, e.g. {STARTER_PLAY}"
    return Gap(summary, ("plays",), hint, key=True)
