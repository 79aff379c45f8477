"""A row a source could not load, said by source and row: `source NAME: FILE:LINE: error: …` for a file,
`source NAME: row N (cursor value V): error: …` for a query.

Not the loader's `Rejection` (store/loader), though it carries one's reason and severity: that one
places a row by file and line number, which is all the loader knows; this one names the declared
source, places a query's row by its cursor value rather than a line, and may refuse the source as a
whole (no row: an unreadable file, a failed query).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SourceRejection:
    """`where` is `FILE:LINE` or `row N (cursor value V)`; empty when the source as a whole is refused."""

    source: str
    where: str
    reason: str
    severity: str = "error"

    def __str__(self) -> str:
        where = f"{self.where}: " if self.where else ""
        return f"source {self.source}: {where}{self.severity}: {self.reason}"
