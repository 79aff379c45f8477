"""Query locators: the compiled query kept in memory so later pages can be read by offset."""

from __future__ import annotations

import secrets
import string
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from sfsync.localorg.soql.errors import invalid_locator
from sfsync.localorg.soql.plan import Plan
from sfsync.localorg.soql.values import full_id

LOCATOR_PREFIX = "01g"
_ALPHABET = string.ascii_letters + string.digits
_BOOKMARKS = 4  # sequential paging only ever needs the latest


@dataclass(frozen=True)
class Cursor:
    """A query's plan and size; `bookmarks` maps a position to the sort key of the row before it."""

    plan: Plan
    total: int
    batch_size: int
    bookmarks: dict[int, tuple[Any, ...]] = field(default_factory=dict)

    def bookmark(self, position: int, key: tuple[Any, ...]) -> None:
        self.bookmarks[position] = key
        while len(self.bookmarks) > _BOOKMARKS:
            del self.bookmarks[next(iter(self.bookmarks))]


class CursorStore:
    """The most recently used cursors (bounded), shared by the server's threads."""

    def __init__(self, capacity: int = 1000) -> None:
        self._capacity = capacity
        self._cursors: OrderedDict[str, Cursor] = OrderedDict()
        self._lock = threading.Lock()

    def open(self, cursor: Cursor) -> str:
        """A new locator id (`01g…`, 18 characters like any Id) for `cursor`."""
        short = LOCATOR_PREFIX + "".join(secrets.choice(_ALPHABET) for _ in range(12))
        locator_id = full_id(short)
        with self._lock:
            self._cursors[locator_id] = cursor
            while len(self._cursors) > self._capacity:
                self._cursors.popitem(last=False)
        return locator_id

    def find(self, locator: str) -> tuple[Cursor, int]:
        """The cursor and the offset a locator (`01g…-2000`) points at."""
        locator_id, _, offset_text = locator.rpartition("-")
        with self._lock:
            cursor = self._cursors.get(locator_id)
            if cursor is not None:
                self._cursors.move_to_end(locator_id)
        if cursor is None or not offset_text.isdigit() or int(offset_text) > cursor.total:
            raise invalid_locator()
        return cursor, int(offset_text)


def locator_text(locator_id: str, offset: int) -> str:
    return f"{locator_id}-{offset}"
