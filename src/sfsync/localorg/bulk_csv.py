"""CSV as Bulk API 2.0 speaks it: the job's delimiter and line ending, uploads in, result files out.

Uploaded cells become JSON values for the DML service: `#N/A` is an explicit null, an empty cell is
"not given" (left out), booleans and numbers are converted by the field's type, everything else
(dates and datetimes included) stays a string for the DML service to validate.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sfsync.localorg.catalog import BOOLEAN_TYPES, INTEGER_TYPES, REAL_TYPES, FieldSpec

DELIMITERS = {"COMMA": ",", "TAB": "\t", "PIPE": "|", "SEMICOLON": ";", "CARET": "^", "BACKQUOTE": "`"}
LINE_ENDINGS = {"LF": "\n", "CRLF": "\r\n"}
NULL_MARKER = "#N/A"
_TRUE = frozenset({"true", "1", "yes"})
_FALSE = frozenset({"false", "0", "no"})


class CellError(ValueError):
    """A cell that cannot become a value of its field's type."""

    def __init__(self, field: FieldSpec, value: str) -> None:
        super().__init__(f"{field.raw.get('label') or field.name}: value not of required type: {value}")
        self.field = field


@dataclass(frozen=True)
class Dialect:
    """A job's `columnDelimiter` and `lineEnding`."""

    delimiter: str
    line_ending: str

    @classmethod
    def of(cls, column_delimiter: str, line_ending: str) -> Dialect:
        return cls(DELIMITERS[column_delimiter], LINE_ENDINGS[line_ending])

    def writer(self, buffer: io.StringIO, *, quote_all: bool = False) -> Any:
        if quote_all:
            return csv.writer(buffer, delimiter=self.delimiter, lineterminator=self.line_ending, quoting=csv.QUOTE_ALL)
        return csv.writer(buffer, delimiter=self.delimiter, lineterminator=self.line_ending)

    def line(self, values: Sequence[str], *, quote_all: bool = False) -> str:
        """One CSV record without its line ending."""
        buffer = io.StringIO()
        self.writer(buffer, quote_all=quote_all).writerow(values)
        return buffer.getvalue()[: -len(self.line_ending)]

    def rows(self, data: str) -> Iterator[list[str]]:
        """Records of an upload; blank lines are skipped, as Salesforce does."""
        reader = csv.reader(io.StringIO(data, newline=""), delimiter=self.delimiter)
        return (row for row in reader if row)


def upload_line_ending_ok(data: str, dialect: Dialect) -> bool:
    """An LF job must not receive CRLF data (Salesforce rejects the mismatch), and vice versa."""
    first_break = data.find("\n")
    if first_break < 0:
        return True
    crlf = first_break > 0 and data[first_break - 1] == "\r"
    return crlf == (dialect.line_ending == "\r\n")


def cell_value(field: FieldSpec, cell: str) -> Any:
    """The JSON value a non-empty cell stands for; raises CellError for a malformed boolean or number."""
    if cell == NULL_MARKER:
        return None
    if field.type in BOOLEAN_TYPES:
        lowered = cell.strip().lower()
        if lowered in _TRUE or lowered in _FALSE:
            return lowered in _TRUE
        raise CellError(field, cell)
    try:
        if field.type in INTEGER_TYPES:
            return int(cell.strip())
        if field.type in REAL_TYPES:
            return float(cell.strip())
    except ValueError:
        raise CellError(field, cell) from None
    return cell


def result_file(header: Sequence[str], rows: Iterable[Sequence[str]], dialect: Dialect, *, quote_all: bool) -> str:
    buffer = io.StringIO()
    writer = dialect.writer(buffer, quote_all=quote_all)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def ingest_result_file(
    sf_columns: Sequence[str], header_line: str, rows: Iterable[tuple[str, str, str]], dialect: Dialect
) -> str:
    """`"sf__Id","sf__…",<original header>` then `"<id>","<outcome>",<original line>` per row.

    The two `sf__` columns are always quoted; the echoed original columns keep minimal quoting.
    """
    parts = [dialect.line(sf_columns, quote_all=True) + dialect.delimiter + header_line + dialect.line_ending]
    parts.extend(
        dialect.line((sf_id, outcome), quote_all=True) + dialect.delimiter + line + dialect.line_ending
        for sf_id, outcome, line in rows
    )
    return "".join(parts)
