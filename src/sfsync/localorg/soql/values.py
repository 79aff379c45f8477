"""Filter values checked against the field they are compared with and converted to the stored form."""

from __future__ import annotations

import re
from typing import Any

from sfsync.localorg.catalog import BOOLEAN_TYPES, INTEGER_TYPES, REAL_TYPES, FieldSpec
from sfsync.localorg.soql.dates import stored_datetime
from sfsync.localorg.soql.errors import SoqlError, invalid_field, malformed, positional
from sfsync.localorg.soql.syntax import Literal

ID_TYPES = frozenset({"id", "reference"})
NUMBER_TYPES = INTEGER_TYPES | REAL_TYPES
_ID_PATTERN = re.compile(r"[A-Za-z0-9]{15}(?:[A-Za-z0-9]{3})?")
_CHECKSUM_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"
_TYPE_NAMES = {"boolean": "boolean", "int": "integer", "date": "date", "datetime": "dateTime", "id": "id"}
_UNQUOTED = BOOLEAN_TYPES | NUMBER_TYPES | {"date", "datetime"}


def full_id(short: str) -> str:
    """The 18-character form of a 15-character Id (unchanged when already 18 long)."""
    if len(short) != 15:
        return short
    suffix = ""
    for start in range(0, 15, 5):
        bits = sum(1 << i for i, char in enumerate(short[start : start + 5]) if char.isupper())
        suffix += _CHECKSUM_ALPHABET[bits]
    return short + suffix


def is_text(spec: FieldSpec) -> bool:
    return spec.type not in ID_TYPES | _UNQUOTED


def stored_value(soql: str, literal: Literal, spec: FieldSpec) -> Any:
    """The literal as stored in `spec`'s column, or the error Salesforce gives for the mismatch."""
    if literal.kind == "null":
        return None
    if spec.type in ID_TYPES:
        return _id_value(soql, literal, spec)
    if spec.type in BOOLEAN_TYPES:
        return _expect(soql, literal, spec, "boolean") and (1 if literal.value else 0)
    if spec.type in NUMBER_TYPES:
        return _number(soql, literal, spec)
    if spec.type == "date":
        _expect(soql, literal, spec, "date")
        return literal.value
    if spec.type == "datetime":
        _expect(soql, literal, spec, "datetime")
        return _datetime(soql, literal)
    _expect(soql, literal, spec, "string")
    return str(literal.value)


def _expect(soql: str, literal: Literal, spec: FieldSpec, kind: str) -> bool:
    if literal.kind != kind:
        raise type_mismatch(soql, literal, spec)
    return True


def type_mismatch(soql: str, literal: Literal, spec: FieldSpec) -> SoqlError:
    type_name = _TYPE_NAMES.get(spec.type, "double" if spec.type in REAL_TYPES else "string")
    quoting = "should not be enclosed in quotes" if spec.type in _UNQUOTED else "should be enclosed in quotes"
    text = f"value of filter criterion for field '{spec.name}' must be of type {type_name} and {quoting}"
    return invalid_field(soql, literal.pos, text)


def _id_value(soql: str, literal: Literal, spec: FieldSpec) -> str | None:
    _expect(soql, literal, spec, "string")
    text = str(literal.value)
    if text == "":
        return None
    if not _ID_PATTERN.fullmatch(text):
        raise positional("INVALID_QUERY_FILTER_OPERATOR", soql, literal.pos, f"invalid ID field: {text}")
    return full_id(text[:15])


def _number(soql: str, literal: Literal, spec: FieldSpec) -> int | float:
    _expect(soql, literal, spec, "number")
    number = float(literal.value)
    if spec.type in INTEGER_TYPES:
        if not number.is_integer():
            raise type_mismatch(soql, literal, spec)
        return int(number)
    return number


def _datetime(soql: str, literal: Literal) -> str:
    try:
        return stored_datetime(str(literal.value))
    except ValueError as exc:
        raise malformed(soql, literal.pos, f"line {literal.pos.row}:{literal.pos.column - 1} invalid datetime") from exc
