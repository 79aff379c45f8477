"""Declared sources (`sources:` in the config): files and SQL queries `plan` and `run` read themselves.

`read_sources` loads every source into the workspace through the store's loader and returns what it
read, which `SourceReads.stamp` puts in the plan's fingerprint; `moved_sources` is apply's check that a
saved plan's sources are still as it read them. SQLAlchemy is reached only through `sources/sql.py`.
"""

from sfsync.sources.moved import moved_sources, refuse_moved_sources
from sfsync.sources.reading import SourceReads, read_sources
from sfsync.sources.rejections import SourceRejection

__all__ = ["SourceReads", "SourceRejection", "moved_sources", "read_sources", "refuse_moved_sources"]
