"""Does the org itself refuse a duplicate of what sfsync creates? Warnings for `doctor`, never errors.

sfsync never creates a duplicate of its own, whatever fails half-way; but a person creating the same
person or company at the same moment as sfsync's create can only be stopped by the org: an active
duplicate rule on the object whose action on create is Block (docs/reliability.md). Salesforce lists
its rules in `DuplicateRule` (SOQL; readable with View Setup and Configuration) and says whether a
rule blocks in the UI API's duplicates configuration (`actionOnInsert`, also kept by the Metadata
API's DuplicateRule type); what cannot be read is said as not confirmed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sfsync.errors import RemoteError
from sfsync.salesforce.port import SalesforcePort
from sfsync.salesforce.query import In, Query

SETUP = "Setup → Duplicate Management → Duplicate Rules"
# What a rule of each object sfsync creates should match on: what sfsync itself matches people and companies by.
MATCH_ON: Mapping[str, str] = {"Lead": "Email", "Contact": "Email", "Account": "Website or Name"}
RULE_FIELDS = ("DeveloperName", "MasterLabel", "SobjectType", "IsActive")
NEEDS = "reading them needs View Setup and Configuration"


@dataclass(frozen=True)
class DuplicateGuard:
    """One object sfsync creates: `ok` True when an active rule blocks a duplicate on create, False when
    none does (no active rule, or every one allows), None when that could not be confirmed. `rules` are
    the labels of the object's active rules; `fix` says where in Setup to close the gap."""

    sobject: str
    ok: bool | None
    rules: tuple[str, ...] = ()
    detail: str = ""
    fix: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "object": self.sobject,
            "ok": self.ok,
            "active_rules": list(self.rules),
            "detail": self.detail or None,
            "fix": self.fix or None,
        }


def duplicate_guards(port: SalesforcePort, created: Sequence[str]) -> list[DuplicateGuard]:
    """A guard per object in `created` (the objects the mode creates), in that order."""
    try:
        rows = list(port.query(Query("DuplicateRule", RULE_FIELDS, In("SobjectType", tuple(created)))))
    except RemoteError as error:
        why = f"could not read the org's duplicate rules ({error.code or error}); {NEEDS}"
        return [DuplicateGuard(sobject, None, detail=why, fix=_fix(sobject)) for sobject in created]
    guards = []
    for sobject in created:
        active = tuple(
            str(row.get("MasterLabel") or row.get("DeveloperName") or "")
            for row in rows
            if str(row.get("SobjectType") or "").lower() == sobject.lower() and row.get("IsActive") is True
        )
        guards.append(_guard(port, sobject, active) if active else _unguarded(sobject))
    return guards


def _guard(port: SalesforcePort, sobject: str, active: tuple[str, ...]) -> DuplicateGuard:
    named = ", ".join(f'"{label}"' for label in active)
    try:
        actions = port.duplicate_rule_actions(sobject)
    except RemoteError as error:
        why = f"active: {named}; whether one blocks on create could not be read ({error.code or error})"
        return DuplicateGuard(sobject, None, active, why, _fix(sobject, confirm=True))
    blocking = [a.name for a in actions if a.action_on_insert.lower() == "block"]
    if blocking:
        return DuplicateGuard(sobject, True, active, f"blocks a duplicate on create: {', '.join(blocking)}")
    why = (
        f"active: {named}, but none blocks on create (Action On Create: Allow): a duplicate a person saves "
        "past the alert at the moment sfsync creates the same record is kept"
    )
    return DuplicateGuard(sobject, False, active, why, _fix(sobject, existing=True))


def _unguarded(sobject: str) -> DuplicateGuard:
    why = "no active duplicate rule: a person creating the same record at the moment sfsync does makes a duplicate"
    return DuplicateGuard(sobject, False, (), why, _fix(sobject))


def _fix(sobject: str, *, existing: bool = False, confirm: bool = False) -> str:
    if confirm:
        return f"check in {SETUP} that a rule on {sobject} has Action On Create: Block"
    if existing:
        return f"in {SETUP}, set Action On Create to Block on a rule of {sobject}"
    match = MATCH_ON.get(sobject, "its key fields")
    return f"in {SETUP}, activate a rule on {sobject} matching on {match}, Action On Create: Block"
