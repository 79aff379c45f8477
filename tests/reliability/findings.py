"""What one chaos run found: every broken promise, in words."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Findings:
    """Every broken promise of one run, in words (empty lists: all kept)."""

    duplicates: list[str] = field(default_factory=list)
    overwrites: list[str] = field(default_factory=list)
    unwritten: list[str] = field(default_factory=list)
    # A person's edit committed after sfsync's re-check of the record and before sfsync's write to the same
    # field: the documented limit of `write_guard: recheck` and of Bulk (no conditional update there); on REST
    # under the conditional guard, a broken promise (`RunResult.ok`).
    raced: list[str] = field(default_factory=list)
    # Without a blocking duplicate rule (`racing-creates-no-rule`): a person's create and sfsync's of the same
    # person, one committed between the other's check and its insert; and the seconds from the person's
    # create to sfsync's by their `CreatedDate` (whole seconds; negative: sfsync's came first). Reported, not a
    # broken promise: no client can make check-then-insert atomic without a rule on the server.
    race_duplicates: list[str] = field(default_factory=list)
    race_gaps: list[float] = field(default_factory=list)
    # Not a promise: how many emails the org holds after convergence (EmailMessages, or Email Tasks).
    emails_written: int = 0

    @property
    def ok(self) -> bool:
        return not (self.duplicates or self.overwrites or self.unwritten)
