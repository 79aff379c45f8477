"""Re-reading update targets for the write guard: none left stamped in a second that is not over.

Stamps have whole seconds, so an edit made later in the very second the check read a record carries
the same stamp and would pass `If-Unmodified-Since`. A target whose stamp is that recent is suspect:
apply waits that second out (plus `CLOCK_MARGIN` for the distance between this clock and the org's) and
re-reads it, so its fields are compared after any such edit and its guard covers everything later.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Sequence

from sfsync.salesforce.moments import salesforce_moment
from sfsync.salesforce.port import Reads, Record
from sfsync.store.session import utc_now

STAMP = "LastModifiedDate"
SAME_SECOND = dt.timedelta(seconds=1)
CLOCK_MARGIN = dt.timedelta(seconds=1)
SETTLE_ROUNDS = 3

Clock = Callable[[], dt.datetime]


def stamped(names: Sequence[str]) -> list[str]:
    """The fields a guarded re-read asks for: `names` and the stamp."""
    return list(dict.fromkeys([*names, STAMP]))


def guarded_retrieve(
    port: Reads,
    sobject: str,
    ids: Sequence[str],
    names: Sequence[str],
    *,
    asked: dt.datetime | None = None,
    clock: Clock = utc_now,
    sleep: Callable[[float], None] = time.sleep,
) -> list[Record | None]:
    """The targets as now, each with its `LastModifiedDate`, none of them stamped in a second not yet over.

    `asked`: when the first read was asked, if it was earlier than now (a read the write before it carried).
    """
    fields = stamped(names)
    asked = asked or clock()
    rows = port.retrieve(sobject, ids, fields)
    for _round in range(SETTLE_ROUNDS):
        suspect = [i for i, row in enumerate(rows) if row is not None and _recent(row, asked)]
        if not suspect:
            break
        latest = max(_stamp(rows[i]) or asked for i in suspect)
        wait = (latest + SAME_SECOND + CLOCK_MARGIN - clock()).total_seconds()
        if wait > 0:
            sleep(wait)
        asked = clock()
        for index, row in zip(suspect, port.retrieve(sobject, [ids[i] for i in suspect], fields), strict=True):
            rows[index] = row
    return rows


def _recent(row: Record, asked: dt.datetime) -> bool:
    stamp = _stamp(row)
    return stamp is not None and stamp + SAME_SECOND + CLOCK_MARGIN > asked


def _stamp(row: Record | None) -> dt.datetime | None:
    return salesforce_moment(row.get(STAMP)) if row is not None else None
