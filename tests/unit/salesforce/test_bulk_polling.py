"""How often a Bulk ingest job is polled: the interval grows with the job, so status calls stay about flat in N."""

from __future__ import annotations

import pytest

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
