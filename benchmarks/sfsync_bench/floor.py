"""The Salesforce floor: the fewest API calls any tool needs for a workload, and the ratios reported.

REST floor = describes + per object read ⌈rows / 2,000⌉ query pages (at least one: an empty answer is
still a call) + per object written ⌈records / 200⌉ sObject Collections calls, or, for updates sent with
conditional headers (`sync.write_guard: conditional`, the default), ⌈updates / 25⌉ composite calls (an
update guarded by `If-Unmodified-Since` is an sObject Rows subrequest, 25 to a composite request).
Bulk floor = describes + per object read one Bulk 2.0 query job (create, one status poll,
⌈rows / 250,000⌉ result pages: the page size sfsync's adapter asks for with `maxRecords`) + per
object and write operation one ingest job (create, upload, close, one status poll, results).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

from sfsync.salesforce.reads import BULK_PAGE_RECORDS

QUERY_PAGE_ROWS = 2_000
COLLECTION_RECORDS = 200
GUARDED_UPDATES_PER_CALL = 25
BULK_RESULT_ROWS = BULK_PAGE_RECORDS  # a result page as large as the engine asks for
BULK_QUERY_JOB_CALLS = 2  # create, one status poll; result pages on top
BULK_INGEST_JOB_CALLS = 5  # create, upload, close, one status poll, results


@dataclass(frozen=True)
class Workload:
    """What a sync has to do, whatever the tool: objects described, rows read and records written.

    `rows_read` and `writes` are per object; `writes` counts creates and updates, `operations` the
    distinct write operations per object (a Bulk job each), `guarded` the updates among `writes` that
    the REST path sends with conditional headers.
    """

    describes: int
    rows_read: Mapping[str, int]
    writes: Mapping[str, int]
    operations: Mapping[str, int]
    guarded: Mapping[str, int] = field(default_factory=dict)


def rest_floor(work: Workload) -> int:
    pages = sum(max(1, math.ceil(rows / QUERY_PAGE_ROWS)) for rows in work.rows_read.values())
    writes = 0
    for name, n in work.writes.items():
        guarded = work.guarded.get(name, 0)
        writes += math.ceil((n - guarded) / COLLECTION_RECORDS) + math.ceil(guarded / GUARDED_UPDATES_PER_CALL)
    return work.describes + pages + writes


def bulk_floor(work: Workload) -> int:
    reads = sum(BULK_QUERY_JOB_CALLS + max(1, math.ceil(rows / BULK_RESULT_ROWS)) for rows in work.rows_read.values())
    jobs = sum(n for obj, n in work.operations.items() if work.writes.get(obj))
    return work.describes + reads + jobs * BULK_INGEST_JOB_CALLS


def ratio(numerator: float, denominator: float) -> float | None:
    """`numerator / denominator`, or None when the denominator is zero (nothing to compare with)."""
    return numerator / denominator if denominator else None
