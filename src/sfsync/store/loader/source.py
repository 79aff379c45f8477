"""Rows read from a CSV or JSONL file, one at a time, each with the line it starts on.

Files are read as bytes and decoded line by line, so one line of invalid UTF-8 rejects the row it
belongs to, not the file. A UTF-8 byte order mark is ignored.
"""

from __future__ import annotations

import codecs
import csv
import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import charset_normalizer

from sfsync.errors import UsageError

BOM = b"\xef\xbb\xbf"
JSONL_SUFFIXES = frozenset({".jsonl", ".ndjson"})
INVALID_UTF8 = "invalid UTF-8"
ENCODING_SAMPLE = 1 << 20  # bytes read to guess an encoding: enough for any export's accents, cheap to read


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
            self.rows: Iterator[SourceRow | BadRow] = _with_encoding_hint(path, _jsonl_rows(self._handle))
            return
        try:
            self.header, rows = _csv_rows(path, self._handle)
        except BaseException:
            self._handle.close()
            raise
        self.rows = _with_encoding_hint(path, rows)

    def close(self) -> None:
        self._handle.close()

    def __enter__(self) -> Source:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def _with_encoding_hint(path: Path, rows: Iterator[SourceRow | BadRow]) -> Iterator[SourceRow | BadRow]:
    """`rows`, the first row that is not UTF-8 saying what the file looks like and how to convert it."""
    hinted = False
    for row in rows:
        if not hinted and isinstance(row, BadRow) and row.reason == INVALID_UTF8:
            hinted = True
            row = BadRow(row.line, f"{INVALID_UTF8}; {encoding_hint(path)}")
        yield row


def encoding_hint(path: Path) -> str:
    """What encoding the file's start looks like, and the command that converts it to UTF-8."""
    with path.open("rb") as file:
        sample = file.read(ENCODING_SAMPLE)
    guess = charset_normalizer.from_bytes(sample).best()
    if guess is None or guess.encoding in ("utf_8", "ascii"):
        return "save the file as UTF-8"
    name = codecs.lookup(guess.encoding).name.upper()  # the codec's own name, which iconv also knows
    converted = path.with_name(f"{path.stem}-utf8{path.suffix}")
    return f"the file looks like {name}: convert it with `iconv -f {name} -t UTF-8 {path} > {converted}`"


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
        raise UsageError(f"{path}:1: the header row is not valid UTF-8; {encoding_hint(path)}")
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
        return BadRow(start, INVALID_UTF8)
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
        return BadRow(number, INVALID_UTF8)
    if not text.strip():
        return None
    try:
        value = json.loads(text, parse_constant=_no_constant)
    except json.JSONDecodeError as error:
        return BadRow(number, f"invalid JSON: {error.msg} (column {error.colno})")
    except RecursionError:
        return BadRow(number, "invalid JSON: nested too deeply")
    except ValueError as error:  # an integer beyond Python's digit limit, or NaN/Infinity
        return BadRow(number, f"invalid JSON: {_number_problem(error)}")
    if not isinstance(value, dict):
        return BadRow(number, "expected a JSON object")
    try:
        problem = _unstorable(value)
    except RecursionError:
        problem = "invalid JSON: nested too deeply"
    return BadRow(number, problem) if problem else SourceRow(number, value)


def _number_problem(error: ValueError) -> str:
    if "digits" in str(error):
        return f"a number has more than {sys.get_int_max_str_digits():,} digits"
    return str(error)


def _no_constant(name: str) -> object:
    raise ValueError(f"{name} is not a JSON value")  # Python's json reads NaN and Infinity; JSON has neither


def _unstorable(value: object) -> str | None:
    """Why a parsed value cannot be stored as text (a lone surrogate, U+0000), or None.

    JSON's `\\ud800` escapes decode to a lone surrogate, which is not a character: no store can keep it,
    nor can Salesforce. U+0000 is refused by PostgreSQL and Salesforce alike, so SQLite refuses it too."""
    if isinstance(value, str):
        if "\x00" in value:
            return "a value holds the character U+0000 (NUL)"
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return "a value holds a lone surrogate (an escape such as \\ud800 that is not a character)"
        return None
    children = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, child in children:
        problem = _unstorable(key) or _unstorable(child)
        if problem:
            return problem
    return None
