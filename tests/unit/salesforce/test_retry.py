from __future__ import annotations

import pytest

from sfsync.salesforce.errors import SalesforceRequestError, TransportError
from sfsync.salesforce.retry import RetryPolicy, is_retryable_read, is_retryable_write, with_retries

FAST = RetryPolicy(attempts=3, initial_wait=0.001, max_wait=0.002, jitter=0.001)


def failing(errors: list[Exception], result: str = "ok") -> tuple[list[int], object]:
    calls: list[int] = []

    def call() -> str:
        calls.append(1)
        if len(calls) <= len(errors):
            raise errors[len(calls) - 1]
        return result

    return calls, call


def test_reads_are_retried_on_5xx_lock_and_transport_errors_then_succeed() -> None:
    errors = [
        SalesforceRequestError("boom", code="HTTP_500", status=500),
        TransportError("reset", code="CONNECTION_ERROR"),
    ]
    calls, call = failing(errors)
    assert with_retries(call, FAST, is_retryable_read) == "ok"  # type: ignore[arg-type]
    assert len(calls) == 3


def test_attempts_are_bounded() -> None:
    lock = SalesforceRequestError("locked", code="UNABLE_TO_LOCK_ROW", status=400)
    calls, call = failing([lock] * 5)
    with pytest.raises(SalesforceRequestError):
        with_retries(call, FAST, is_retryable_read)  # type: ignore[arg-type]
    assert len(calls) == 3


def test_limit_exhaustion_is_never_retried() -> None:
    limit = SalesforceRequestError("TotalRequests Limit exceeded.", code="REQUEST_LIMIT_EXCEEDED", status=403)
    calls, call = failing([limit])
    with pytest.raises(SalesforceRequestError):
        with_retries(call, FAST, is_retryable_read)  # type: ignore[arg-type]
    assert len(calls) == 1


def test_writes_retry_only_what_proves_nothing_was_committed() -> None:
    assert is_retryable_write(SalesforceRequestError("locked", code="UNABLE_TO_LOCK_ROW", status=400))
    assert is_retryable_write(SalesforceRequestError("unavailable", code="HTTP_503", status=503))
    assert not is_retryable_write(SalesforceRequestError("maybe committed", code="HTTP_500", status=500))
    assert not is_retryable_write(TransportError("timeout", code="TIMEOUT"))
