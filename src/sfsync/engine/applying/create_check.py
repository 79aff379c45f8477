"""The Bulk path's check of each create job, right before it is sent: which of its keys some record now has.

The first job of an object's run is checked by its own keys (its emails or domains, and its external
ids: a query split where SOQL's 20,000 characters end, about one per 300 keys). Each job after it sends
one query instead: the records someone other than sfsync changed since the previous such query (the
first from the plan's read watermark), `LOOKBACK` earlier (a stamp is taken inside the writing
transaction, which can commit after a query already passed it; it also covers the two clocks' skew).
Their keys and external ids are kept for the rest of the run and compared locally with each job's: a
record a person makes or edits while earlier jobs run is linked, not created again. A job sent as the
object's only one under a blocking duplicate rule (engine/planning/create_jobs) is checked that way from
the first: the org refuses whatever lands inside it, and a key query of every create would cost one
call per 300 of them. Without the plan's watermark, every job is checked by its keys.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from sfsync.engine.appeared import KEY_FIELD, appeared_keys, create_keys, key_of
from sfsync.engine.applying.external_ids import carried_ids, hits_in, planned_id
from sfsync.engine.applying.recheck import LOOKBACK
from sfsync.engine.plans.plan import RecordChange
from sfsync.salesforce.port import ObjectDescribe, Reads, Record, SalesforcePort
from sfsync.salesforce.query import MODSTAMP, Gte, Ne, Query, all_of


@dataclass(frozen=True)
class Seen:
    """What a check found for a job's creates: keys some record now has, records carrying each external id."""

    appeared: frozenset[str]
    carried: Mapping[str, tuple[str, ...]]


def by_keys(port: Reads, creates: Sequence[RecordChange], ext: str | None, *, registrable: bool) -> Seen:
    """The check of creates by their own keys (a REST chunk's, and a first create job's)."""
    carried = carried_ids(port, creates, ext)  # first: a person's record has the key, not the id, so keys go last
    return Seen(frozenset(appeared_keys(port, creates, registrable=registrable)), carried)


@dataclass
class CreateCheck:
    """One object's run of create jobs. `since`: where the next changed-since query starts (None: by keys)."""

    watermark: dt.datetime | None
    own_user: str
    by_keys_first: bool = True
    since: dt.datetime | None = None
    _keys: set[str] = field(default_factory=set)
    _carrying: list[Record] = field(default_factory=list)
    _started: bool = False

    def check(
        self,
        port: SalesforcePort,
        describe: ObjectDescribe,
        creates: Sequence[RecordChange],
        ext: str | None,
        *,
        registrable: bool,
    ) -> Seen:
        """The keys and external ids of `creates` that some record now has."""
        first, self._started = not self._started, True
        if first:
            self.since = self.watermark
        if self.watermark is None or (first and self.by_keys_first):
            return by_keys(port, creates, ext, registrable=registrable)
        self._read_changed(port, describe, ext, registrable=registrable)
        # Only when someone changed a record with a key since: the jobs' emails are not normalised for nothing.
        keys = create_keys(creates, registrable=registrable) if self._keys else set()
        ids = {value for c in creates if (value := planned_id(c, ext))}
        carried = hits_in(self._carrying, ext, ids) if ext and ids else {}
        return Seen(frozenset(keys & self._keys), carried)

    def _read_changed(
        self, port: SalesforcePort, describe: ObjectDescribe, ext: str | None, *, registrable: bool
    ) -> None:
        since = self.since or self.watermark or dt.datetime.now(dt.UTC)
        started = dt.datetime.now(dt.UTC)
        key_field = KEY_FIELD.get(describe.name)
        ext_field = describe.field(ext) if ext else None
        names = ["Id", *([key_field] if key_field else []), *([ext_field.name] if ext_field else [])]
        others = Ne("LastModifiedById", self.own_user) if self.own_user else None
        where = all_of(Gte(MODSTAMP, since - LOOKBACK), others)
        for row in port.query(Query(describe.name, tuple(dict.fromkeys(names)), where)):
            key = key_of(describe.name, row.get(key_field), registrable=registrable) if key_field else None
            if key:
                self._keys.add(key)
            if ext_field is not None and row.get(ext_field.name):
                self._carrying.append(row)
        self.since = started
