"""What an apply returns, and what a plan or an apply means as a process exit code (DESIGN §4)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from sfsync.engine.applying.applier import ApplyReport
from sfsync.engine.plans.plan import Plan
from sfsync.engine.row_report import HandledRows, RowReport
from sfsync.errors import ExitCode


class ApplyStatus(StrEnum):
    """How an apply ended. Only `complete`, `interrupted` and `paused` sent anything."""

    COMPLETE = "complete"  # every row of the plan handled, whatever its outcome
    INTERRUPTED = "interrupted"  # stopped on request after the chunk in flight (recorded)
    PAUSED = "paused"  # the store was paused while applying: stopped after the chunk in flight (recorded)
    CANCELLED = "cancelled"  # a fresh plan's review declined it: nothing written
    NOT_APPLIABLE = "not_appliable"  # a fresh plan had errors: nothing written


@dataclass(frozen=True)
class ApplyResult(HandledRows):
    """One apply, as it ended: every row it handled (its outcome, Salesforce's error code and message), the
    run log entry that holds them (`run_id`, None when nothing was sent), and the exit code `sfsync apply`
    gives for it. `paused_by` describes the pause that stopped it ("paused by … at …")."""

    status: ApplyStatus
    rows: Sequence[RowReport] = ()
    run_id: str | None = None
    write_enabled: bool = True
    paused_by: str = ""

    @classmethod
    def of(cls, report: ApplyReport, paused_by: str = "") -> ApplyResult:
        status = ApplyStatus.PAUSED if paused_by else ApplyStatus.COMPLETE
        if report.interrupted and not paused_by:
            status = ApplyStatus.INTERRUPTED
        return cls(status, report.rows, report.run_id, report.write_enabled, paused_by)

    @property
    def interrupted(self) -> bool:
        """Stopped before the end of the plan (on request or by a pause); what was sent is recorded."""
        return self.status in (ApplyStatus.INTERRUPTED, ApplyStatus.PAUSED)

    @property
    def exit_code(self) -> int:
        """0 done (or cancelled), 1 rows rejected or the plan had errors, 4 some outcome unknown, 5 paused,
        130 interrupted."""
        if self.status is ApplyStatus.PAUSED:
            return ExitCode.PAUSED
        if self.status is ApplyStatus.NOT_APPLIABLE:
            return ExitCode.ERROR
        return apply_exit_code(self)

    @property
    def ok(self) -> bool:
        """Every row of the plan handled and none rejected or unknown."""
        return self.exit_code == ExitCode.OK and self.status is not ApplyStatus.CANCELLED


def apply_exit_code(report: ApplyReport | ApplyResult) -> int:
    """130 interrupted, else 4 when any row's outcome is unknown (it needs a read to settle, whatever else
    happened), else 1 when any row was rejected, else 0."""
    if report.interrupted:
        return ExitCode.INTERRUPTED
    if report.unknown:
        return ExitCode.UNKNOWN_OUTCOME
    return ExitCode.ERROR if report.rejected else ExitCode.OK


def plan_exit_code(plan: Plan, detailed: bool = False) -> int:
    """1 when the plan cannot be applied, else 2 with `detailed` when it writes anything, else 0."""
    if not plan.appliable:
        return ExitCode.ERROR
    return ExitCode.CHANGES if detailed and plan.has_writes else ExitCode.OK
