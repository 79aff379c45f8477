"""One value semantics per Salesforce field type, chosen from the describe (`FieldInfo.type`).

Everything that sends, compares or records a Salesforce value goes through the kind `for_field`
gives: the planner's decisions, apply's re-check, the ledger, exclusions and audience filters.
Workspace fields in filters get theirs from the catalogue type (`for_workspace`).
"""

from __future__ import annotations

from sfsync.catalogue import FieldType
from sfsync.engine.field_values.base import PLAIN, FieldValues, InvalidValue, Options, TooLong, blank
from sfsync.engine.field_values.flags import Boolean, Checkbox
from sfsync.engine.field_values.ids import Reference, long_id
from sfsync.engine.field_values.moments import Date, DateTime
from sfsync.engine.field_values.numbers import Number, WholeNumber
from sfsync.engine.field_values.text import Email, MultiPicklist, Text, Url
from sfsync.salesforce.port import FieldInfo

__all__ = [
    "PLAIN",
    "FieldValues",
    "InvalidValue",
    "Options",
    "TooLong",
    "blank",
    "for_field",
    "for_workspace",
    "long_id",
]

_BY_TYPE: dict[str, type[FieldValues]] = {
    "boolean": Checkbox,
    "int": WholeNumber,
    "long": WholeNumber,
    "double": Number,
    "currency": Number,
    "percent": Number,
    "date": Date,
    "datetime": DateTime,
    "email": Email,
    "url": Url,
    "multipicklist": MultiPicklist,
    "id": Reference,
    "reference": Reference,
}

_WORKSPACE: dict[FieldType, FieldValues] = {
    FieldType.EMAIL: Email(),
    FieldType.BOOLEAN: Boolean(),
    FieldType.DATE: Date(),
    FieldType.INTEGER: Number(),
    FieldType.NUMBER: Number(),
}
_TEXT = Text()


# A kind holds nothing but its field's describe: one per describe object, not one per value compared.
# Keyed by identity (hashing a describe would cost more than making the kind); the describe is kept
# with it, so an id is never taken for another describe's.
_KINDS: dict[int, tuple[FieldInfo, FieldValues]] = {}
_KINDS_HELD = 4096


def for_field(info: FieldInfo | None) -> FieldValues:
    """The kind of a Salesforce field; text for string, textarea, phone, picklist and any other type."""
    if info is None:
        return _TEXT
    held = _KINDS.get(id(info))
    if held is not None and held[0] is info:
        return held[1]
    kind = _BY_TYPE.get(info.type, Text)(info)
    if len(_KINDS) >= _KINDS_HELD:
        _KINDS.clear()
    _KINDS[id(info)] = (info, kind)
    return kind


def for_workspace(field_type: FieldType | None) -> FieldValues:
    """The kind of a workspace field of the catalogue (text for attributes and unknown fields)."""
    return _WORKSPACE.get(field_type, _TEXT) if field_type is not None else _TEXT
