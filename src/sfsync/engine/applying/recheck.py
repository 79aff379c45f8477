"""Apply's check before a Bulk write: one query for every record of the object changed since the plan.

A Bulk job writes a whole object at once, so its check is one Bulk query for the object too, whatever
the number of rows: the records whose `SystemModstamp` is at or after the plan's read watermark, less
`LOOKBACK` (a stamp is taken inside the writing transaction, which can commit after a read that
already passed it), and those sfsync itself modified last, deleted ones included. An update target
among them is compared field by field as on the REST path; a target not among them still holds what
the plan read. A create whose key one of them now has is not sent; apply checks the Bulk path's
create jobs by their keys instead, right before each job (engine/appeared). The REST path re-reads
each chunk's targets by id instead (engine/apply_batch).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from sfsync.engine.appeared import KEY_FIELD, create_key, key_of
from sfsync.engine.applying.external_ids import hits_in, planned_id
from sfsync.engine.plans.plan import Action, RecordChange
from sfsync.engine.reading.readback import ReadTyping
from sfsync.salesforce.port import ObjectDescribe, Record, SalesforcePort
from sfsync.salesforce.query import MODSTAMP, Eq, Filter, Gte, IsNull, Query, any_of

LOOKBACK = dt.timedelta(minutes=10)


@dataclass(frozen=True)
class Recheck:
    """Update targets as they are now (None: deleted since), the create keys some record now has, and the
    records already carrying each planned external id."""

    current: Mapping[str, Record | None]
    appeared: frozenset[str]
    carried: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


def changed_since(
    port: SalesforcePort,
    describe: ObjectDescribe,
    changes: Sequence[RecordChange],
    since: dt.datetime,
    also_read: Sequence[str] = (),
    ext: str | None = None,
    *,
    registrable: bool = False,
) -> Recheck:
    """What changed since `since` among the targets and keys of `changes`; `also_read` fields come back too.

    With `ext`, every record carrying an external id comes back as well, whatever its stamp: one that
    carries a planned create's id is never upserted over (engine/external_ids).
    """
    updates = {str(c.sf_id): c for c in changes if c.action is Action.UPDATE}
    keys = {key for c in changes if c.action is Action.CREATE and (key := create_key(c, registrable=registrable))}
    ids = {value for c in changes if (value := planned_id(c, ext))}
    ext_field = describe.field(ext) if ext and ids else None
    key_field = KEY_FIELD.get(describe.name)
    wanted = ["Id", "IsDeleted", *([key_field] if key_field else []), *_written(updates.values()), *also_read]
    fields = [
        name for name in dict.fromkeys([*wanted, *([ext_field.name] if ext_field else [])]) if describe.field(name)
    ]
    carries = IsNull(ext_field.name, negated=True) if ext_field is not None else None
    where = any_of(_changed(since, port.identity().user_id), carries)
    request = Query(describe.name, tuple(fields), where, include_deleted=True)
    current: dict[str, Record | None] = {}
    appeared: set[str] = set()
    carrying: list[Record] = []
    typing = ReadTyping(describe)
    for row in port.bulk_query(request):
        values = typing.values(row)
        if ext_field is not None and values.get(ext_field.name):
            carrying.append(values)
        deleted = bool(values.get("IsDeleted"))
        record_id = str(values.get("Id"))
        if record_id in updates:
            current[record_id] = None if deleted else values
        # Most rows are update targets (or sfsync's own records): a key is normalised only for creates to match.
        key = key_of(describe.name, values.get(key_field), registrable=registrable) if key_field and keys else None
        if key in keys and not deleted:
            appeared.add(key)
    unchanged = {sf_id: _as_planned(change) for sf_id, change in updates.items() if sf_id not in current}
    carried = hits_in(carrying, ext_field.name, ids) if ext_field is not None else {}
    return Recheck({**unchanged, **current}, frozenset(appeared), carried)


def _changed(since: dt.datetime, own_user: str) -> Filter | None:
    """Stamped since the plan's read, or last modified by sfsync itself whenever that was.

    Incremental reads leave out records whose last change is sfsync's own write (a dedicated login), so the
    mirror may lack what automation set in that same save: such records are checked whatever their stamp.
    """
    return any_of(Gte(MODSTAMP, since - LOOKBACK), Eq("LastModifiedById", own_user) if own_user else None)


def _written(updates: Iterable[RecordChange]) -> list[str]:
    return sorted({item.field for change in updates for item in change.fields})


def _as_planned(change: RecordChange) -> Record:
    """A target no one modified since the plan: it holds the values the plan read."""
    return {"Id": change.sf_id, **{item.field: item.before for item in change.fields}}
