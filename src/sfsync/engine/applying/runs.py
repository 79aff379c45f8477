"""The chunks an object's changes are sent in, each with whether it goes by Bulk, and how it is checked.

On the REST path a chunk is a Collections request's worth (200); under the conditional write guard it
is `GUARDED_CHUNK`: its updates go in eight composite requests of 25 conditional updates at most, and
the last one keeps a subrequest free for the next chunk's check (engine/applying/pipeline).
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable, Iterator
from typing import NamedTuple, TypeVar

from sfsync.config import LoadedConfig
from sfsync.engine.planning.api_choice import recently_edited_now
from sfsync.engine.planning.call_estimates import BULK_UPDATE_JOB_SIZE, COLLECTION_SIZE, GUARDED_CHUNK
from sfsync.engine.plans.plan import Action, RecordChange
from sfsync.salesforce.port import SalesforcePort
from sfsync.store.bulk import chunks

T = TypeVar("T")


def _action_of(change: RecordChange) -> Action:
    return change.action


class Chunk(NamedTuple):
    """Changes sent together: over REST, or (`bulk`) in one Bulk job. `by_query`: a Bulk update job
    checked by one query of what changed in its object since the plan (engine/applying/recheck), the
    object's only update job; any other update chunk is checked by re-reading its targets."""

    changes: list[RecordChange]
    bulk: bool = False
    by_query: bool = False


def rest_runs(changes: Iterable[RecordChange], *, guarded: bool) -> Iterator[Chunk]:
    """The changes in chunks of 200, or of `GUARDED_CHUNK` when updates are guarded (a chunk where the
    creates end and the updates begin may leave no room: its next check is then a request of its own)."""
    yield from (Chunk(chunk) for chunk in chunks(changes, GUARDED_CHUNK if guarded else COLLECTION_SIZE))


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
) -> Iterator[Chunk]:
    """The Bulk path's chunks: each run of creates in jobs of at most `job_size` (`sync.bulk_create_job_size`,
    engine/planning/create_jobs: a short job keeps the time between its check and its insert to about one
    request); each run of updates in one job, or in jobs of `BULK_UPDATE_JOB_SIZE` when it is longer (a
    job's changes are held while it is sent), but the updates of records a person edited recently, sent
    first over REST chunk by chunk, guarded (`api_choice`; the plan's estimate counted the same split and
    its query job)."""
    for action, run in itertools.groupby(changes, _action_of):
        if action is Action.CREATE:
            yield from (Chunk(job, bulk=True) for job in chunks(run, job_size))
            continue
        ahead = list(itertools.islice(run, BULK_UPDATE_JOB_SIZE + 1))  # one more: is there a second job?
        only = len(ahead) <= BULK_UPDATE_JOB_SIZE
        jobs = chunks(itertools.chain(ahead, run), BULK_UPDATE_JOB_SIZE)  # noqa: B031 (the rest of the same run)
        del ahead  # held by the jobs' iterator only until it passes them
        recent = recently_edited_now(port, loaded.config, sobject, since)
        for held in jobs:
            yield from (Chunk(chunk) for chunk in chunks([c for c in held if c.sf_id in recent], COLLECTION_SIZE))
            held = [c for c in held if c.sf_id not in recent]
            if held:
                yield Chunk(held, bulk=True, by_query=only)
