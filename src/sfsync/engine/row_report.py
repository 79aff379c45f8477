"""What apply did with one row: the report standing refusals, row results and the summary are built from.

`TERMINAL_CODES` are Salesforce's refusals that resending the same values will not change; planning reads
them to say "not retried", applying to decide which rows stay entrants.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from sfsync.engine.plans.records import FileRecords

TERMINAL_CODES = frozenset(
    {
        "CANNOT_UPDATE_CONVERTED_LEAD", "ENTITY_IS_DELETED", "INVALID_CROSS_REFERENCE_KEY", "INVALID_EMAIL_ADDRESS",
        "INVALID_FIELD_FOR_INSERT_UPDATE", "INVALID_FIELD", "STRING_TOO_LONG", "INVALID_TYPE_ON_FIELD_IN_RECORD",
        "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST", "FIELD_INTEGRITY_EXCEPTION", "INSUFFICIENT_ACCESS_OR_READONLY",
    }
)  # fmt: skip


class RowOutcome(StrEnum):
    """What became of one change: `linked` is a create found already made (by an earlier apply or a person)
    and linked instead; the store records it as skipped."""

    WRITTEN = "written"
    LINKED = "linked"
    REJECTED = "rejected"
    CONFLICT = "conflict"
    SKIPPED = "skipped"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class RowReport:
    """What apply did with one change, and its `outcome`."""

    key: str
    sobject: str
    action: str
    outcome: RowOutcome
    sf_id: str | None = None
    workspace_kind: str = ""
    workspace_id: str = ""
    error_code: str = ""
    message: str = ""
    fields: tuple[str, ...] = ()
    dropped: tuple[str, ...] = ()
    matched: tuple[MatchedRecord, ...] = ()  # what a duplicate rule matched, when it refused the row
    workspace_label: str = ""  # the record as people know it (a person's email, a company's domain)

    @property
    def retry(self) -> bool:
        """A rejected or unknown row leaves its record a play entrant, so the next plan tries it again."""
        return self.outcome == RowOutcome.UNKNOWN or (
            self.outcome == RowOutcome.REJECTED and self.error_code not in TERMINAL_CODES
        )


@dataclass(frozen=True)
class MatchedRecord:
    """A record a duplicate rule matched: its object, its normalised key and `SystemModstamp` as read."""

    sf_id: str
    sobject: str
    key: str | None = None
    stamp: str | None = None


class CountedRows(FileRecords[RowReport]):
    """Rows read back afresh on every iteration (engine/applying/row_log), with how many of each outcome
    (`counts`), counted as they were written: an apply's rows, however many, are never all held."""

    __slots__ = ("counts",)

    def __init__(self, count: int, read: Callable[[], Iterator[RowReport]], counts: Mapping[str, int]) -> None:
        super().__init__(count, read)
        self.counts = counts

    def __repr__(self) -> str:
        return f"CountedRows({len(self)} rows)"


class HandledRows:
    """What the rows an apply handled say, for any value holding them in `rows`: how many of each outcome,
    and whether any was rejected or is unknown (sent, its answer never came: only a read can tell)."""

    rows: Sequence[RowReport]

    def counts(self) -> dict[str, int]:
        """Rows by outcome (`written`, `linked`, `conflict`, `skipped`, `rejected`, `unknown`), sorted by name."""
        rows = self.rows
        found = rows.counts if isinstance(rows, CountedRows) else Counter(str(r.outcome) for r in rows)
        return {outcome: n for outcome, n in sorted(found.items()) if n}

    @property
    def rejected(self) -> bool:
        return self.counts().get(RowOutcome.REJECTED, 0) > 0

    @property
    def unknown(self) -> bool:
        return self.counts().get(RowOutcome.UNKNOWN, 0) > 0
