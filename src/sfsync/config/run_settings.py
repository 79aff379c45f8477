"""`sync.auto_apply` and `sync.run`: how `sfsync run` behaves, not what a plan writes.

They are left out of the config's canonical form (config/canonical.py), so changing them never makes
the applied config look changed.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field

from sfsync.config.base import Model


class AutoApply(StrEnum):
    """What `sfsync run` applies by itself: nothing, only creates and writes into empty fields, or everything."""

    NONE = "none"
    FILL_EMPTY = "fill_empty"
    ALL = "all"


class RunSettings(Model):
    """How `sfsync run` paces itself against the org's daily API budget."""

    max_api_share: float = Field(default=0.5, gt=0, le=1)
    """A cycle does not start, and stops applying between chunks, once this share of the org's daily API
    requests (`Sforce-Limit-Info`) is used: the rest of the budget stays for other integrations and people."""
