"""What `sfsync run` may apply by itself from a plan (`sync.auto_apply`), and what it leaves for a person.

`fill_empty` takes a record change only when nothing already in Salesforce is replaced: a create, or an
update whose every field goes from empty (null or "") to a value. An update that would replace any
non-empty value is held back whole, never split: its record keeps all its planned values for a person
to review and apply (a half-written record would look settled when it is not). Held-back records keep
their place as play entrants, so the play fires when their write is applied later.
"""

from __future__ import annotations

import dataclasses

from sfsync.config.run_settings import AutoApply
from sfsync.engine.plans.plan import Action, Plan, RecordChange


def auto_appliable(plan: Plan, mode: AutoApply) -> Plan:
    """The part of `plan` that `mode` lets a run apply without a person (the whole plan for `all`)."""
    if mode is AutoApply.ALL:
        return plan
    allowed = (lambda _change: False) if mode is AutoApply.NONE else fills_empty
    kept = tuple(c for c in plan.changes if allowed(c))
    held = {(c.workspace.kind, c.workspace.id) for c in plan.changes if not allowed(c)}
    entries = tuple(e for e in plan.play_entries if not (e.entered and (e.kind, e.workspace_id) in held))
    return dataclasses.replace(plan, changes=kept, play_entries=entries, tally=None)


def fills_empty(change: RecordChange) -> bool:
    """A create, or an update that only writes into empty Salesforce fields."""
    if change.action is Action.CREATE:
        return True
    return all(field.before is None or field.before == "" for field in change.fields)


def needs_apply(plan: Plan) -> bool:
    """Whether applying the plan would do anything: write, record a config not applied yet, or move a
    play's members. A run skips the apply (and its run log entry) when none of these holds."""
    return plan.has_writes or bool(plan.config_diff) or bool(plan.play_entries)
