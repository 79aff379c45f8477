"""The run log: one row per operation, and the outcome of every row it tried to write."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from sqlalchemy import RowMapping, func, select

from sfsync.store.bulk import chunks, insert
from sfsync.store.errors import StoreError
from sfsync.store.schema import row_result, run
from sfsync.store.session import Session, utc_now

_IDS_CHUNK = 1_000  # workspace ids asked for in one statement (well inside every driver's parameter limit)


class Outcome(StrEnum):
    WRITTEN = "written"
    REJECTED = "rejected"
    SKIPPED = "skipped"
    CONFLICT = "conflict"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Run:
    """One operation (`apply`, `refresh`, `load`, …); `status` is `running` until finished."""

    id: str
    operation: str
    started_at: dt.datetime
    finished_at: dt.datetime | None
    status: str
    counts: Mapping[str, int]


@dataclass(frozen=True)
class RowResult:
    """What happened to one record in a run; `error_code` is Salesforce's (e.g. `DUPLICATES_DETECTED`)."""

    run_id: str
    object: str
    action: str
    outcome: Outcome
    sf_id: str | None = None
    workspace_kind: str | None = None
    workspace_id: str | None = None
    error_code: str | None = None
    message: str | None = None
    fields: tuple[str, ...] = field(default_factory=tuple)


class RunsSection:
    def __init__(self, session: Session) -> None:
        self._session = session

    def start(self, operation: str) -> Run:
        item = Run(str(uuid.uuid4()), operation, utc_now(), None, "running", {})
        with self._session.write() as conn:
            conn.execute(run.insert().values(**{**item.__dict__, "counts": {}}))
        return item

    def finish(self, run_id: str, status: str, counts: Mapping[str, int]) -> None:
        stmt = run.update().where(run.c.id == run_id).values(status=status, counts=dict(counts), finished_at=utc_now())
        with self._session.write() as conn:
            if conn.execute(stmt).rowcount != 1:
                raise StoreError(f"no run {run_id}")

    def record(self, results: Sequence[RowResult]) -> None:
        if not results:
            return
        rows = [{**r.__dict__, "outcome": str(r.outcome), "fields": list(r.fields)} for r in results]
        with self._session.write() as conn:
            insert(conn, row_result, rows)

    def refused(self, object_name: str, error_code: str, note: str) -> bool:
        """Whether any run recorded a row of `object_name` refused with `error_code`, its message starting
        with `note` (what apply writes for a refusal later plans act on)."""
        stmt = select(row_result.c.run_id).where(
            row_result.c.object == object_name,
            row_result.c.error_code == error_code,
            row_result.c.message.startswith(note, autoescape=True),
        )
        with self._session.read() as conn:
            return conn.execute(stmt.limit(1)).first() is not None

    def last(self, operation: str | None = None) -> Run | None:
        stmt = select(run).order_by(run.c.started_at.desc(), run.c.id.desc()).limit(1)
        if operation is not None:
            stmt = stmt.where(run.c.operation == operation)
        with self._session.read() as conn:
            row = conn.execute(stmt).mappings().first()
        return _run(row) if row else None

    def recent(self, operation: str, limit: int) -> list[Run]:
        """The last `limit` runs of `operation`, newest first (the history of `sfsync run`'s cycles)."""
        stmt = select(run).where(run.c.operation == operation)
        stmt = stmt.order_by(run.c.started_at.desc(), run.c.id.desc()).limit(limit)
        with self._session.read() as conn:
            return [_run(row) for row in conn.execute(stmt).mappings()]

    def results(self, run_id: str, outcome: Outcome | None = None) -> Iterator[RowResult]:
        """The run's rows in the order recorded (`outcome`: only those that ended so, found by the store)."""
        stmt = select(row_result).where(row_result.c.run_id == run_id).order_by(row_result.c.id)
        stmt = stmt if outcome is None else stmt.where(row_result.c.outcome == str(outcome))
        with self._session.read() as conn:
            for row in conn.execute(stmt.execution_options(yield_per=1000)).mappings():
                values = {k: v for k, v in row.items() if k != "id"}
                yield RowResult(**{**values, "outcome": Outcome(row["outcome"]), "fields": tuple(row["fields"])})

    def record_outcomes(self, run_id: str, kind: str, workspace_ids: Sequence[str]) -> dict[str, set[Outcome]]:
        """The outcomes of the run's rows for each of these workspace records that has any."""
        found: dict[str, set[Outcome]] = {}
        c = row_result.c
        with self._session.read() as conn:
            for chunk in chunks(workspace_ids, _IDS_CHUNK):
                where = (c.run_id == run_id, c.workspace_kind == kind, c.workspace_id.in_(chunk))
                for workspace_id, outcome in conn.execute(select(c.workspace_id, c.outcome).where(*where).distinct()):
                    found.setdefault(workspace_id, set()).add(Outcome(outcome))
        return found

    def has_outcome(self, run_id: str, outcome: Outcome) -> bool:
        """Whether any row of the run ended with `outcome`."""
        stmt = select(row_result.c.id).where(row_result.c.run_id == run_id, row_result.c.outcome == str(outcome))
        with self._session.read() as conn:
            return conn.execute(stmt.limit(1)).first() is not None

    def outcome_counts(self, run_id: str) -> dict[Outcome, int]:
        stmt = (
            select(row_result.c.outcome, func.count())
            .where(row_result.c.run_id == run_id)
            .group_by(row_result.c.outcome)
        )
        with self._session.read() as conn:
            return {Outcome(outcome): int(n) for outcome, n in conn.execute(stmt)}


def _run(row: RowMapping) -> Run:
    return Run(**{**row, "counts": dict(row["counts"])})
