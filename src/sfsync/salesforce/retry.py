"""What may be sent again, and how long to wait before doing so.

Reads are idempotent: they are retried on 5xx answers, UNABLE_TO_LOCK_ROW, dropped connections and
timeouts. A write is retried only when Salesforce's answer proves nothing was committed: a
UNABLE_TO_LOCK_ROW rejection of the whole request or a 503 (the service turned the request away).
Any other failure of a write (a timeout, a reset, a 500 that may have come after the commit) leaves
its outcome unknown, and the rows go back to the engine as such; they are never re-sent from here.
REQUEST_LIMIT_EXCEEDED is never retried: the budget will not come back within a backoff.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from tenacity import Retrying, retry_if_exception, stop_after_attempt, wait_exponential, wait_random

from sfsync.salesforce.errors import SalesforceRequestError, TransportError

T = TypeVar("T")

# 503 is a refusal to start; other 5xx may come after a commit.
_WRITE_SAFE_STATUSES = frozenset({503})
_LOCK = "UNABLE_TO_LOCK_ROW"


@dataclass(frozen=True)
class RetryPolicy:
    """Bounded exponential backoff with jitter; tests pass tiny waits."""

    attempts: int = 4
    initial_wait: float = 0.5
    max_wait: float = 8.0
    jitter: float = 0.5


def is_retryable_read(error: BaseException) -> bool:
    if isinstance(error, TransportError):
        return True
    return isinstance(error, SalesforceRequestError) and (error.status >= 500 or error.code == _LOCK)


def is_retryable_write(error: BaseException) -> bool:
    """Only rejections that prove the request was not committed."""
    return isinstance(error, SalesforceRequestError) and (error.status in _WRITE_SAFE_STATUSES or error.code == _LOCK)


def with_retries(call: Callable[[], T], policy: RetryPolicy, retryable: Callable[[BaseException], bool]) -> T:
    """`call()`, again while it fails with a retryable error, at most `policy.attempts` times in all."""
    retrying = Retrying(
        stop=stop_after_attempt(max(policy.attempts, 1)),
        wait=wait_exponential(multiplier=policy.initial_wait, max=policy.max_wait) + wait_random(0, policy.jitter),
        retry=retry_if_exception(retryable),
        reraise=True,
    )
    return retrying(call)
