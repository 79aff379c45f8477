"""The chunks an object's changes are sent in, each with whether it goes by Bulk.

On the REST path a chunk is a Collections request's worth (200); under the conditional write guard it
is `GUARDED_CHUNK`: its updates go in eight composite requests of 25 conditional updates at most, and
the last one keeps a subrequest free for the next chunk's check (engine/applying/pipeline).
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable, Iterator
from typing import TypeVar

from sfsync.config import LoadedConfig
from sfsync.engine.planning.api_choice import recently_edited_now
from sfsync.engine.planning.planner import COLLECTION_SIZE, GUARDED_CHUNK
from sfsync.engine.plans.plan import Action, RecordChange
from sfsync.salesforce.port import SalesforcePort
from sfsync.store.bulk import chunks

T = TypeVar("T")


def _action_of(change: RecordChange) -> Action:
    return change.action


def rest_runs(changes: Iterable[RecordChange], *, guarded: bool) -> Iterator[tuple[list[RecordChange], bool]]:
    """The changes in chunks of 200, or of `GUARDED_CHUNK` when updates are guarded (a chunk where the
    creates end and the updates begin may leave no room: its next check is then a request of its own)."""
    yield from ((chunk, False) for chunk in chunks(changes, GUARDED_CHUNK if guarded else COLLECTION_SIZE))


def with_following(items: Iterable[T]) -> Iterator[tuple[T, T | None]]:
    """Each item with the one after it (None after the last): one item read ahead, never more."""
    iterator = iter(items)
    current = next(iterator, None)
    while current is not None:
        following = next(iterator, None)
        yield current, following
        current = following


def bulk_runs(
    port: SalesforcePort,
    loaded: LoadedConfig,
    sobject: str,
    changes: Iterable[RecordChange],
    since: dt.datetime | None,
    job_size: int,
) -> Iterator[tuple[list[RecordChange], bool]]:
    """The Bulk path's chunks, each with whether it goes by Bulk: each run of creates in jobs of at most
    `job_size` (`sync.bulk_create_job_size`, engine/planning/create_jobs: a short job keeps the time between
    its check and its insert to about one request); each run of updates in one job (one action's changes
    held), but the updates of records a person edited recently, sent first over REST chunk by chunk,
    guarded (`api_choice`; the plan's estimate counted the same split and its query job)."""
    for action, run in itertools.groupby(changes, _action_of):
        if action is Action.CREATE:
            yield from ((job, True) for job in chunks(run, job_size))
            continue
        held = list(run)
        targets = [c.sf_id for c in held if c.sf_id]
        recent = recently_edited_now(port, loaded.config, sobject, targets, since)
        yield from ((chunk, False) for chunk in chunks([c for c in held if c.sf_id in recent], COLLECTION_SIZE))
        held = [c for c in held if c.sf_id not in recent]
        if held:
            yield held, True
