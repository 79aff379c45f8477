"""The row log: every reported row read back in order, as often as asked, counted without being read."""

from __future__ import annotations

from sfsync.api.results import ApplyResult, ApplyStatus
from sfsync.engine.applying.row_log import RowLog
from sfsync.engine.row_report import CountedRows, MatchedRecord, RowOutcome, RowReport


def _row(n: int, outcome: RowOutcome = RowOutcome.WRITTEN, **more: object) -> RowReport:
    return RowReport(f"Lead/p{n}", "Lead", "create", outcome, f"00Q{n:015d}", "person", f"p{n}", **more)  # type: ignore[arg-type]


def test_rows_come_back_in_order_whole_and_as_often_as_asked() -> None:
    log = RowLog()
    first = [_row(0), _row(1, RowOutcome.REJECTED, error_code="STRING_TOO_LONG", message="too long")]
    second = [_row(2, RowOutcome.LINKED, matched=(MatchedRecord("00Q2", "Lead", "p2@x.example", "stamp"),))]
    log.extend(first)
    log.extend([])
    log.extend(second)
    rows = log.rows()
    assert len(rows) == 3 and list(rows) == [*first, *second] and list(rows) == [*first, *second]
    assert rows[1].message == "too long" and rows[-1].matched[0].key == "p2@x.example"
    # Two readers at once do not mix each other's place in the file.
    assert [(a.key, b.key) for a, b in zip(rows, rows, strict=True)] == [(r.key, r.key) for r in first + second]


def test_rows_logged_later_are_not_in_a_sequence_taken_before() -> None:
    log = RowLog()
    log.extend([_row(0)])
    taken = log.rows()
    log.extend([_row(1)])
    assert [r.key for r in taken] == ["Lead/p0"] and [r.key for r in log.rows()] == ["Lead/p0", "Lead/p1"]


def test_counts_and_flags_come_from_the_tally_without_reading_the_rows() -> None:
    def unread() -> object:
        raise AssertionError("the rows were read to count them")

    rows = CountedRows(5, unread, {"written": 3, "unknown": 2, "rejected": 0})  # type: ignore[arg-type]
    result = ApplyResult(ApplyStatus.COMPLETE, rows, "run-1")
    assert (result.counts(), result.unknown, result.rejected, result.exit_code) == (
        {"unknown": 2, "written": 3}, True, False, 4,
    )  # fmt: skip


def test_the_log_counts_outcomes_as_it_writes() -> None:
    log = RowLog()
    log.extend([_row(0), _row(1, RowOutcome.CONFLICT)])
    log.extend([_row(2, RowOutcome.CONFLICT)])
    result = ApplyResult(ApplyStatus.COMPLETE, log.rows(), "run-1")
    assert result.counts() == {"conflict": 2, "written": 1} and not result.rejected
