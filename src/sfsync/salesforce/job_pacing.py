"""When a Bulk API 2.0 job's status is asked: soon after it is closed, then less and less often.

simple-salesforce sleeps its `wait` before the first status call and about as long between the next ones,
so a job done in a tenth of a second still costs that whole wait, and a job sized for a minute's interval
waits a minute first. Here the first poll comes after a quarter of the job's interval (`first_share`),
and each wait after it doubles up to the interval: a job finished early is seen early, and a job costs
at most two polls more than at the fixed interval (the polls come at a quarter and three quarters of it,
then one interval apart). The answer of the poll that saw an ingest job complete is kept for the job's
final `get_job` (a finished job's counts never change), so that call is not made twice: one of the two
back.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from simple_salesforce.bulk2 import JobState
from simple_salesforce.exceptions import SalesforceOperationError

FIRST_SHARE = 0.25  # the first poll, as a share of the job's interval
GROWTH = 2.0  # each wait after the first, as a multiple of the one before, up to the interval
QUERY_INTERVAL_SHARE = 2.0  # a query job's longest wait, as a multiple of the adapter's pause (its rows are unknown)
TIMEOUT = dt.timedelta(hours=24)  # simple-salesforce's own: a Bulk job may run for a day
_ENDED = (JobState.job_complete, JobState.aborted, JobState.failed)


@dataclass(frozen=True)
class Pacing:
    """The waits before each status call of one job: `longest * first_share`, then doubling, then `longest`."""

    longest: float
    first_share: float = FIRST_SHARE

    def waits(self) -> Iterator[float]:
        wait = self.longest * self.first_share
        while True:
            yield wait
            wait = min(self.longest, wait * GROWTH)


def query_pacing(bulk_wait: float) -> Pacing:
    """A query job's: its rows are not known before it ends, so its interval is the adapter's pause, doubled."""
    return Pacing(bulk_wait * QUERY_INTERVAL_SHARE)


def paced(handler: Any, pacing: Pacing, sleep: Callable[[float], None] = time.sleep) -> Any:
    """`handler` (one object's `sf.bulk2.<Object>`, made afresh on each attribute access) waiting on its jobs
    as `pacing` says instead of simple-salesforce's fixed wait."""
    client = handler._client  # the one client all its job steps go through
    waiter = _Waiter(client.get_job, pacing, sleep)
    client.wait_for_job = waiter.wait_for_job
    client.get_job = waiter.get_job
    return handler


class _Waiter:
    """simple-salesforce's `wait_for_job` and `get_job` of one client, paced; same answers, same errors."""

    def __init__(self, get_job: Callable[[str, bool], Any], pacing: Pacing, sleep: Callable[[float], None]) -> None:
        self._get_job = get_job
        self._pacing = pacing
        self._sleep = sleep
        self._complete: dict[str, Mapping[str, Any]] = {}

    def wait_for_job(self, job_id: str, is_query: bool, wait: float = 0.0) -> str:  # `wait`: paced instead
        expires = dt.datetime.now() + TIMEOUT
        state = JobState.in_progress if is_query else JobState.open
        for pause in self._pacing.waits():
            self._sleep(pause)
            if dt.datetime.now() >= expires:
                break
            info = self._get_job(job_id, is_query)
            state = info["state"]
            if state == JobState.job_complete:
                if not is_query:  # an ingest job's info is asked for again; a query's results are read next
                    self._complete[job_id] = info
                return str(state)
            if state in _ENDED:
                raise SalesforceOperationError(f"Job failure. Response content: {info.get('errorMessage') or info}")
        raise SalesforceOperationError(f"Job timeout. Job status: {state}")

    def get_job(self, job_id: str, is_query: bool) -> Any:
        """The job's info: the answer that saw it complete, once (simple-salesforce asks again right after)."""
        known = self._complete.pop(job_id, None)
        return known if known is not None else self._get_job(job_id, is_query)
