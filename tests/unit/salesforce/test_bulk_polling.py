"""How often a Bulk job is polled: soon at first, then at an interval that grows with the job, so status calls
stay about flat in N."""

from __future__ import annotations

import pytest
from simple_salesforce.exceptions import SalesforceOperationError

from sfsync.salesforce.job_pacing import Pacing, paced, query_pacing
from sfsync.salesforce.writes import BULK_MAX_POLL_SECONDS, poll_interval


def interval(rows: int, bulk_wait: float = 1.0) -> float:
    return poll_interval(bulk_wait, rows)


def test_a_small_job_is_polled_at_the_configured_pause():
    assert interval(200) == 1.0
    assert interval(200, bulk_wait=0) == pytest.approx(0.04)


def test_the_interval_grows_with_the_rows_up_to_a_ceiling():
    assert interval(100_000) == pytest.approx(20.0)
    assert interval(1_000_000) == BULK_MAX_POLL_SECONDS
    assert interval(10_000) < interval(100_000) < interval(1_000_000)


def test_the_first_poll_comes_at_a_quarter_of_the_interval_then_the_waits_double_up_to_it():
    waits = Pacing(8.0).waits()
    assert [next(waits) for _ in range(6)] == [2.0, 4.0, 8.0, 8.0, 8.0, 8.0]
    assert query_pacing(1.0).longest == 2.0


class FakeClient:
    """One object's Bulk client: the job is in progress for `polls - 1` status calls, then ends in `final`."""

    def __init__(self, polls: int, final: str = "JobComplete") -> None:
        self.polls, self.final, self.calls = polls, final, 0

    def get_job(self, job_id: str, is_query: bool) -> dict[str, str]:
        self.calls += 1
        return {"id": job_id, "state": self.final if self.calls >= self.polls else "InProgress"}

    def wait_for_job(self, job_id: str, is_query: bool, wait: float = 0.5) -> str:
        raise AssertionError("simple-salesforce's own wait is replaced")


class FakeHandler:
    def __init__(self, client: FakeClient) -> None:
        self._client = client


def test_a_job_is_polled_as_paced_and_its_final_answer_serves_the_next_get_job():
    client, slept = FakeClient(polls=3), []
    handler = paced(FakeHandler(client), Pacing(1.0), slept.append)
    assert handler._client.wait_for_job("750x", False, 5) == "JobComplete"
    assert slept == [0.25, 0.5, 1.0]
    assert handler._client.get_job("750x", False)["state"] == "JobComplete"
    assert client.calls == 3  # the answer that saw the job complete, not asked again
    handler._client.get_job("750x", False)
    assert client.calls == 4  # once only


def test_a_failed_job_raises_as_simple_salesforce_does():
    handler = paced(FakeHandler(FakeClient(polls=2, final="Failed")), Pacing(1.0), lambda _s: None)
    with pytest.raises(SalesforceOperationError, match="Job failure"):
        handler._client.wait_for_job("750x", False)
