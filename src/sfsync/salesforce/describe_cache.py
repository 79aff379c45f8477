"""Describes kept between runs, refreshed with `If-Modified-Since`.

A describe shows what one user may see (field-level security), so entries are kept per org and per
user. `FileDescribeCache` keeps them as JSON files under `.sfsync/describe/<org id>/<user id>/`; a
store can take over by implementing `DescribeCache`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

_SAFE = re.compile(r"^[A-Za-z0-9_]+$")


@dataclass(frozen=True)
class CachedDescribe:
    """A describe response and the `Last-Modified` (or `Date`) it came with, sent back as `If-Modified-Since`.

    `checked_at` (seconds since the epoch) is when Salesforce last confirmed it: fetched, or answered 304.
    """

    raw: Mapping[str, Any]
    last_modified: str
    checked_at: float = 0.0


class DescribeCache(Protocol):
    def load(self, org_id: str, user_id: str, sobject: str) -> CachedDescribe | None: ...

    def save(self, org_id: str, user_id: str, sobject: str, entry: CachedDescribe) -> None: ...


class FileDescribeCache:
    """One JSON file per (org, user, object). Unreadable entries count as absent."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, org_id: str, user_id: str, sobject: str) -> Path | None:
        if not all(_SAFE.match(part) for part in (org_id, user_id, sobject)):
            return None
        return self.root / org_id / user_id / f"{sobject}.json"

    def load(self, org_id: str, user_id: str, sobject: str) -> CachedDescribe | None:
        path = self._path(org_id, user_id, sobject)
        if path is None:
            return None
        try:
            document = json.loads(path.read_text("utf-8"))
            checked_at = float(document.get("checked_at") or 0.0)
            return CachedDescribe(dict(document["describe"]), str(document["last_modified"]), checked_at)
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def save(self, org_id: str, user_id: str, sobject: str, entry: CachedDescribe) -> None:
        path = self._path(org_id, user_id, sobject)
        if path is None:
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        document = {"last_modified": entry.last_modified, "checked_at": entry.checked_at, "describe": entry.raw}
        temporary = path.with_suffix(".tmp")
        temporary.write_text(json.dumps(document, sort_keys=True), "utf-8")
        temporary.replace(path)


class NoDescribeCache:
    """Always fetch afresh (doctor: permissions must be read as they are now)."""

    def load(self, org_id: str, user_id: str, sobject: str) -> CachedDescribe | None:
        return None

    def save(self, org_id: str, user_id: str, sobject: str, entry: CachedDescribe) -> None:
        return None
