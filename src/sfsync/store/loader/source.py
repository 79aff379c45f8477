"""Rows read from a CSV or JSONL file, one at a time, each with the line it starts on.

Files are read as bytes and decoded line by line, so one line of invalid UTF-8 rejects the row it
belongs to, not the file. A UTF-8 byte order mark is ignored.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from sfsync.errors import UsageError

BOM = b"\xef\xbb\xbf"
JSONL_SUFFIXES = frozenset({".jsonl", ".ndjson"})


@dataclass(frozen=True)
class SourceRow:
    """One record; `values` is keyed by the file's own column names."""

    line: int
    values: dict[str, Any]


@dataclass(frozen=True)
class BadRow:
    line: int
    reason: str


class Source:
    """An open data file: its CSV header (None for JSONL) and its rows, read lazily. Close it when done."""

    def __init__(self, path: Path) -> None:
        if not path.is_file():
            raise UsageError(f"no such file: {path}")
        self._handle = path.open("rb")
        self.header: list[str] | None = None
        if path.suffix.lower() in JSONL_SUFFIXES:
            self.rows: Iterator[SourceRow | BadRow] = _jsonl_rows(self._handle)
            return
        try:
            self.header, self.rows = _csv_rows(path, self._handle)
        except BaseException:
            self._handle.close()
            raise

    def close(self) -> None:
        self._handle.close()

    def __enter__(self) -> Source:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def _decoded(handle: BinaryIO, bad_lines: set[int]) -> Iterator[str]:
    for number, raw in enumerate(handle, start=1):
        data = raw.removeprefix(BOM) if number == 1 else raw
        try:
            yield data.decode("utf-8")
        except UnicodeDecodeError:
            bad_lines.add(number)
            yield data.decode("utf-8", errors="replace")


def _csv_rows(path: Path, handle: BinaryIO) -> tuple[list[str], Iterator[SourceRow | BadRow]]:
    bad_lines: set[int] = set()
    reader = csv.reader(_decoded(handle, bad_lines))
    try:
        header = next(reader)
    except (StopIteration, csv.Error) as error:
        raise UsageError(f"{path}:1: no header row") from error
    if bad_lines:
        raise UsageError(f"{path}:1: the header row is not valid UTF-8")
    return header, _csv_records(reader, header, bad_lines)


def _csv_records(reader: Any, header: list[str], bad_lines: set[int]) -> Iterator[SourceRow | BadRow]:
    end = reader.line_num
    while True:
        start = end + 1
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            end = reader.line_num
            yield BadRow(start, f"malformed CSV: {error}")
            continue
        end = reader.line_num
        if record:  # blank lines are skipped
            yield _csv_row(start, end, record, header, bad_lines)


def _csv_row(start: int, end: int, record: list[str], header: list[str], bad_lines: set[int]) -> SourceRow | BadRow:
    broken = [n for n in bad_lines if n <= end]
    for n in broken:
        bad_lines.discard(n)
    if broken:
        return BadRow(start, "invalid UTF-8")
    if len(record) != len(header):
        return BadRow(start, f"wrong column count: expected {len(header)}, found {len(record)}")
    return SourceRow(start, dict(zip(header, record, strict=True)))


def _jsonl_rows(handle: BinaryIO) -> Iterator[SourceRow | BadRow]:
    for number, raw in enumerate(handle, start=1):
        row = _jsonl_row(number, raw.removeprefix(BOM) if number == 1 else raw)
        if row is not None:
            yield row


def _jsonl_row(number: int, raw: bytes) -> SourceRow | BadRow | None:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return BadRow(number, "invalid UTF-8")
    if not text.strip():
        return None
    try:
        value = json.loads(text)
    except json.JSONDecodeError as error:
        return BadRow(number, f"invalid JSON: {error.msg} (column {error.colno})")
    if not isinstance(value, dict):
        return BadRow(number, "expected a JSON object")
    return SourceRow(number, value)
