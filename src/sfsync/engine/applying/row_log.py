"""Every row an apply handled, kept in an unnamed temporary file as each chunk is done: none held in memory.

An apply of a million changes reports a million rows; holding each `RowReport` made its memory grow with
the plan. The log keeps each chunk's reports (engine/applying/pickled) and gives them back, chunk after
chunk, each time `rows()` is iterated: `CountedRows`, a frozen sequence like a plan's records, whose
outcomes are counted as they were written, so the summary reads nothing again.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from sfsync.engine.applying.pickled import Pickled
from sfsync.engine.row_report import CountedRows, RowReport


class RowLog:
    """The rows reported so far, in the order apply reported them, and how many of each outcome."""

    def __init__(self) -> None:
        self._rows: Pickled[RowReport] = Pickled()
        self._counts: Counter[str] = Counter()

    def extend(self, reports: Sequence[RowReport]) -> None:
        self._rows.extend(reports)
        self._counts.update(str(r.outcome) for r in reports)

    def rows(self) -> CountedRows:
        """The rows logged so far, read back one chunk at a time on each iteration."""
        records = self._rows.records()
        return CountedRows(len(records), lambda: iter(records), dict(self._counts))
