"""Store failures users can act on."""

from __future__ import annotations

from sfsync.errors import SfsyncError


class StoreError(SfsyncError):
    """The store cannot be opened, migrated or written (a bad URL, an unreachable server, a conflict)."""
