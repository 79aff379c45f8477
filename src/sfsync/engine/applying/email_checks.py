"""What apply accepts of a plan's email creates: only those sfsync plans from this config.

An email change is a create (no Id) of `EmailMessage/<email id>` (or `Task/<email id>`) in the email batch,
with `sync.write` and `sync.email.write` on, each field written once from the source `mappings.EmailMessage`
(or its standard defaults) gives it, or from `defaults.EmailMessage` (a Task: its fixed sources), always
`create_only`.
"""

from __future__ import annotations

from sfsync.config.email_mappings import EMAIL_OBJECT, email_mappings
from sfsync.config.models import Config, Policy
from sfsync.engine.planning.email_objects import TASK, TASK_SOURCES
from sfsync.engine.planning.emails import EMAIL_BATCH, EMAIL_KIND
from sfsync.engine.plans.plan import Action, RecordChange
from sfsync.errors import ForeignPlanError

__all__ = ["EMAIL_KIND", "check_email_change"]


def check_email_change(config: Config, change: RecordChange, keys: set[str]) -> None:
    """Refuse an email change sfsync would not plan from `config` (`keys`: the plan's keys seen so far)."""
    if change.key in keys:
        raise _refuse(change, "the key appears twice in the plan")
    keys.add(change.key)
    if change.sobject not in (EMAIL_OBJECT, TASK) or change.key != f"{change.sobject}/{change.workspace.id}":
        raise _refuse(change, f"an email is written as {EMAIL_OBJECT}/{change.workspace.id} or Task/…")
    if not (config.sync.write and config.sync.email.write):
        raise _refuse(change, "sync.write or sync.email.write is false")
    if change.action is not Action.CREATE or change.sf_id is not None or change.batch != EMAIL_BATCH:
        raise _refuse(change, "an email is only ever created, after the people")
    if change.sobject == TASK:
        mapped, defaulted = {name.lower(): source for name, source in TASK_SOURCES.items()}, set()
    else:
        mapped = {name.lower(): m.from_ for name, m in email_mappings(config).items()}
        defaulted = {name.lower() for name in config.defaults.get(EMAIL_OBJECT, {})}
    seen: set[str] = set()
    for item in change.fields:
        name = item.field.lower()
        if name in seen:
            raise _refuse(change, "the field is written twice", item.field)
        seen.add(name)
        source_ok = mapped.get(name) == item.source or (item.source == "default" and name in defaulted)
        if not source_ok:
            raise _refuse(change, f"the config does not write it from {item.source!r}", item.field)
        if item.policy != str(Policy.CREATE_ONLY) or item.before is not None:
            raise _refuse(change, "an email's fields are written once, at its create", item.field)
    if not change.fields:
        raise _refuse(change, "it writes no field")


def _refuse(change: RecordChange, why: str, field: str = "") -> ForeignPlanError:
    where = f"{change.key}, field {field}" if field else change.key
    return ForeignPlanError(
        f"the plan holds a change sfsync does not make from this config: {where}: {why}. "
        "Nothing was sent; run `sfsync plan` again."
    )
