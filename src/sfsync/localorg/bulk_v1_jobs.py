"""Bulk API 1.0 jobs and batches as the org keeps them (in memory, for as long as it runs).

Invariants:

- A job's `content_type` (`CSV` or `JSON`) is the form of its batches, their results, and of every
  answer about the job; its batches are in the order they were added.
- A batch moves Queued → InProgress → Completed or Failed (with `state_message`), or Queued →
  `Not Processed` when its job is aborted first. `outcomes` (ingest) or `result` (query) is set
  before the state turns Completed, so a client that sees Completed can read the results.
- Rows of one batch are processed in order; only the batch's runner thread writes its counters.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass, field

from sfsync.localorg.bulk_rows import RowOutcome

QUEUED, IN_PROGRESS, COMPLETED, FAILED, NOT_PROCESSED = "Queued", "InProgress", "Completed", "Failed", "Not Processed"
OPEN, CLOSED, ABORTED = "Open", "Closed", "Aborted"
QUERIES = frozenset({"query", "queryAll"})
Value = str | int | float | bool | None


@dataclass
class Batch:
    """One batch: its body as uploaded (SOQL for a query), and once run its results or why it failed."""

    id: str
    job_id: str
    created: str
    body: str
    state: str = QUEUED
    state_message: str = ""
    processed: int = 0
    failed: int = 0
    milliseconds: int = 0
    outcomes: list[RowOutcome] = field(default_factory=list)
    result_id: str = ""
    result: bytes = b""
    records: list[dict[str, object]] | None = None  # a JSON query's records


@dataclass
class Job:
    """One Bulk API 1.0 job and its batches."""

    id: str
    operation: str
    object: str
    created_by: str
    created: str
    content_type: str
    api_version: str
    external_id_field: str | None = None
    concurrency: str = "Parallel"
    state: str = OPEN
    batches: list[Batch] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    @property
    def is_query(self) -> bool:
        return self.operation in QUERIES

    def count(self, state: str) -> int:
        return sum(1 for batch in self.batches if batch.state == state)


def job_items(job: Job) -> list[tuple[str, Value]]:
    """jobInfo's elements in the order Salesforce writes them, typed as its JSON form types them."""
    batches = list(job.batches)
    milliseconds = sum(batch.milliseconds for batch in batches)
    items: list[tuple[str, Value]] = [
        *(("id", job.id), ("operation", job.operation), ("object", job.object), ("createdById", job.created_by)),
        *(("createdDate", job.created), ("systemModstamp", job.created), ("state", job.state)),
    ]
    if job.external_id_field:
        items.append(("externalIdFieldName", job.external_id_field))
    return [
        *items,
        *(("concurrencyMode", job.concurrency), ("contentType", job.content_type)),
        *(("numberBatchesQueued", job.count(QUEUED)), ("numberBatchesInProgress", job.count(IN_PROGRESS))),
        *(("numberBatchesCompleted", job.count(COMPLETED)), ("numberBatchesFailed", job.count(FAILED))),
        ("numberBatchesTotal", len(batches)),
        ("numberRecordsProcessed", sum(batch.processed for batch in batches)),
        *(("numberRetries", 0), ("apiVersion", float(job.api_version))),
        ("numberRecordsFailed", sum(batch.failed for batch in batches)),
        *(("totalProcessingTime", milliseconds), ("apiActiveProcessingTime", milliseconds)),
        ("apexProcessingTime", 0),
    ]


def batch_items(batch: Batch) -> list[tuple[str, Value]]:
    """batchInfo's elements in Salesforce's order (`stateMessage` only when there is one)."""
    items: list[tuple[str, Value]] = [("id", batch.id), ("jobId", batch.job_id), ("state", batch.state)]
    if batch.state_message:
        items.append(("stateMessage", batch.state_message))
    return [
        *items,
        *(("createdDate", batch.created), ("systemModstamp", batch.created)),
        *(("numberRecordsProcessed", batch.processed), ("numberRecordsFailed", batch.failed)),
        *(("totalProcessingTime", batch.milliseconds), ("apiActiveProcessingTime", batch.milliseconds)),
        ("apexProcessingTime", 0),
    ]


def open_batches(batches: Sequence[Batch]) -> list[Batch]:
    """The batches not yet started (an abort leaves them Not Processed)."""
    return [batch for batch in batches if batch.state == QUEUED]
