"""Write results: sObject Collections rows and Bulk API 2.0 result CSVs → `WriteResult`s in row order."""

from __future__ import annotations

import csv
import io
from collections import defaultdict, deque
from collections.abc import Collection, Iterator, Mapping, Sequence
from typing import Any

from sfsync.salesforce.errors import bulk_error, error_details
from sfsync.salesforce.moments import rest_datetime
from sfsync.salesforce.port import ErrorDetail, Outcome, Record, WriteResult

_BULK_MOMENT_LENGTH = len("2024-01-31T10:00:00.000Z")


def collection_results(rows: Any, expected: int) -> list[WriteResult]:
    """One result per sent row; rows Salesforce did not answer for are UNKNOWN."""
    answered = [collection_result(row) for row in rows] if isinstance(rows, list) else []
    return answered[:expected] + [WriteResult(Outcome.UNKNOWN)] * (expected - len(answered))


def collection_result(row: Mapping[str, Any]) -> WriteResult:
    created = row.get("created")
    if row.get("success"):
        return WriteResult(Outcome.OK, id=row.get("id"), created=None if created is None else bool(created))
    return WriteResult(Outcome.REJECTED, id=row.get("id"), errors=error_details(row.get("errors")))


def unknown(count: int) -> list[WriteResult]:
    return [WriteResult(Outcome.UNKNOWN) for _ in range(count)]


def rejected(count: int, error: ErrorDetail) -> list[WriteResult]:
    return [WriteResult(Outcome.REJECTED, errors=(error,)) for _ in range(count)]


def csv_value(value: Any) -> str:
    """A value as Bulk API 2.0 CSV text (None is sent as empty, which Bulk treats as "leave as is")."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def bulk_rows(records: Sequence[Record]) -> list[dict[str, str]]:
    columns = sorted({key for record in records for key in record})
    return [{column: csv_value(record.get(column)) for column in columns} for record in records]


def map_bulk_results(
    rows: Sequence[Mapping[str, str]], successful: Sequence[str], failed: Sequence[str], unprocessed: Sequence[str]
) -> list[WriteResult]:
    """Match each result line back to its row by the echoed column values (duplicates in order)."""
    columns = sorted(rows[0]) if rows else []
    waiting: dict[tuple[str, ...], deque[int]] = defaultdict(deque)
    for index, row in enumerate(rows):
        waiting[tuple(row.get(c, "") for c in columns)].append(index)
    results: list[WriteResult] = unknown(len(rows))

    def place(line: Mapping[str, str], result: WriteResult) -> None:
        queue = waiting.get(tuple(line.get(c) or "" for c in columns))
        if queue:
            results[queue.popleft()] = result

    for line in _lines(successful):
        created = (line.get("sf__Created") or "").lower() == "true"
        place(line, WriteResult(Outcome.OK, id=line.get("sf__Id") or None, created=created))
    for line in _lines(failed):
        place(
            line,
            WriteResult(
                Outcome.REJECTED, id=line.get("sf__Id") or None, errors=(bulk_error(line.get("sf__Error") or ""),)
            ),
        )
    for line in _lines(unprocessed):
        place(
            line,
            WriteResult(
                Outcome.REJECTED, errors=(ErrorDetail("UNPROCESSED", "the bulk job did not process this row"),)
            ),
        )
    return results


def _lines(texts: Sequence[str] | str) -> list[dict[str, str]]:
    if not isinstance(texts, str):
        return [line for text in texts for line in _lines(text)]
    text = texts
    return list(csv.DictReader(io.StringIO(text))) if text.strip() else []


def csv_records(text: str, datetimes: Collection[str] = ()) -> Iterator[dict[str, Any]]:
    """Bulk query CSV → records shaped as REST returns them, one at a time (a page may hold 100,000s).

    Empty cells become None (Salesforce stores no empty text, so Bulk's empty cell is null); the
    `datetimes` columns (lower-cased names) move from Bulk's `…000Z` to REST's `…000+0000`, so a
    record read either way holds the same text; `Account.Name` columns nest as `{"Account": {"Name"}}`,
    None when every cell of that parent is empty, as REST gives a missing parent. Other values stay text.
    """
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if header is None:
        return
    flat = all("." not in column for column in header)
    moments = [column.lower() in datetimes for column in header]
    paths = [column.split(".") for column in header]
    for cells in reader:
        values = [_cell(cell, moment) for cell, moment in zip(cells, moments, strict=False)]
        if flat:
            yield dict(zip(header, values, strict=False))
            continue
        record: dict[str, Any] = {}
        for path, value in zip(paths, values, strict=False):
            _place(record, path, value)
        yield record


def _cell(cell: str, moment: bool) -> str | None:
    if not cell:
        return None
    if not moment:
        return cell
    if len(cell) == _BULK_MOMENT_LENGTH and cell.endswith("Z"):  # `2024-01-31T10:00:00.000Z`, Bulk's own form
        return cell[:-1] + "+0000"
    return rest_datetime(cell)


def _place(record: dict[str, Any], path: Sequence[str], value: Any) -> None:
    if len(path) == 1:
        record[path[0]] = value
        return
    parent = record.get(path[0])
    if value is None and not isinstance(parent, dict):
        record[path[0]] = None
        return
    if not isinstance(parent, dict):
        parent = record[path[0]] = {}
    _place(parent, path[1:], value)


def typed_row(sobject: str, values: Record) -> dict[str, Any]:
    """A Collections row: `attributes.type` plus every non-None value (sfsync never writes null)."""
    return {"attributes": {"type": sobject}, **{k: v for k, v in values.items() if v is not None}}


def plain(record: Mapping[str, Any]) -> dict[str, Any]:
    """A record without its `attributes` envelope, nested relationship records included."""
    return {
        k: v if isinstance(v, _LEAVES) or not isinstance(v, Mapping) else plain(v)
        for k, v in record.items()
        if k != "attributes"
    }


# JSON's scalars, told apart first: an abstract class's check (`Mapping`) costs several times more per value.
_LEAVES = (str, bool, int, float, type(None))
