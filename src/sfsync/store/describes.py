"""The describe cache: each object's describe, its `Last-Modified` header and a content hash.

The hash goes into a plan's fingerprint; the header lets a refresh ask `If-Modified-Since`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from sfsync.store.bulk import upsert
from sfsync.store.schema import describe_cache
from sfsync.store.session import Session, utc_now


@dataclass(frozen=True)
class CachedDescribe:
    object: str
    describe: Mapping[str, Any]
    last_modified: str | None
    sha256: str
    fetched_at: dt.datetime


def describe_digest(describe: Mapping[str, Any]) -> str:
    """SHA-256 of the describe's canonical JSON (sorted keys, no whitespace)."""
    canonical = json.dumps(describe, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


class DescribesSection:
    def __init__(self, session: Session) -> None:
        self._session = session

    def put(self, object_name: str, describe: Mapping[str, Any], last_modified: str | None = None) -> CachedDescribe:
        item = CachedDescribe(object_name, dict(describe), last_modified, describe_digest(describe), utc_now())
        with self._session.write() as conn:
            upsert(conn, describe_cache, [item.__dict__], ["object"])
        return item

    def get(self, object_name: str) -> CachedDescribe | None:
        with self._session.read() as conn:
            row = conn.execute(select(describe_cache).where(describe_cache.c.object == object_name)).mappings().first()
        return CachedDescribe(**row) if row else None
