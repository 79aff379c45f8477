"""From credentials to a connected port: log in, with describes cached between runs unless told not to."""

from __future__ import annotations

from pathlib import Path

from sfsync.salesforce.adapter import SalesforceAdapter
from sfsync.salesforce.auth import Credentials
from sfsync.salesforce.describe_cache import DescribeCache, FileDescribeCache

DESCRIBE_CACHE_DIR = Path(".sfsync") / "describe"


def connect(
    credentials: Credentials,
    *,
    cached_describes: bool = True,
    describe_cache: DescribeCache | None = None,
) -> SalesforceAdapter:
    """Log in; describes are cached under `.sfsync/describe/` unless told not to (or given a cache)."""
    cache = describe_cache or (FileDescribeCache(DESCRIBE_CACHE_DIR) if cached_describes else None)
    return SalesforceAdapter(credentials, describe_cache=cache)
