"""An apply's result says what `sfsync apply` exits with: a pause wins, then an interruption, then an unknown
outcome, then a rejection; a plan not applied (cancelled, with errors) sent nothing."""

from __future__ import annotations

import pytest

from sfsync.api.results import ApplyResult, ApplyStatus
from sfsync.engine.applying.applier import ApplyReport
from sfsync.engine.row_report import RowOutcome, RowReport
from sfsync.errors import ExitCode


def _rows(*outcomes: RowOutcome) -> tuple[RowReport, ...]:
    return tuple(RowReport(f"k{n}", "Lead", "create", outcome) for n, outcome in enumerate(outcomes))


W, R, U = RowOutcome.WRITTEN, RowOutcome.REJECTED, RowOutcome.UNKNOWN


@pytest.mark.parametrize(
    ("outcomes", "interrupted", "paused_by", "status", "code"),
    [
        ((W, W), False, "", ApplyStatus.COMPLETE, ExitCode.OK),
        ((W, R), False, "", ApplyStatus.COMPLETE, ExitCode.ERROR),
        ((R, U), False, "", ApplyStatus.COMPLETE, ExitCode.UNKNOWN_OUTCOME),
        ((W, U), True, "", ApplyStatus.INTERRUPTED, ExitCode.INTERRUPTED),
        ((W,), True, "paused by ops at noon", ApplyStatus.PAUSED, ExitCode.PAUSED),
    ],
)
def test_an_apply_report_becomes_a_result_with_its_exit_code(
    outcomes: tuple[RowOutcome, ...], interrupted: bool, paused_by: str, status: ApplyStatus, code: int
) -> None:
    report = ApplyReport("run-1", _rows(*outcomes), write_enabled=True, interrupted=interrupted)
    result = ApplyResult.of(report, paused_by)
    assert (result.status, result.exit_code, result.run_id) == (status, code, "run-1")
    assert result.ok is (code == ExitCode.OK)
    assert sum(result.counts().values()) == len(outcomes)


def test_a_plan_not_applied_sent_nothing() -> None:
    assert (ApplyResult(ApplyStatus.CANCELLED).exit_code, ApplyResult(ApplyStatus.CANCELLED).ok) == (0, False)
    assert ApplyResult(ApplyStatus.NOT_APPLIABLE).exit_code == ExitCode.ERROR
    with pytest.raises(AttributeError):  # frozen: a result is a value
        ApplyResult(ApplyStatus.CANCELLED).status = ApplyStatus.COMPLETE  # type: ignore[misc]
