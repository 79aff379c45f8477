"""Does a value (a workspace field's type, or a literal default) fit a Salesforce field? Pure rules."""

from __future__ import annotations

import re

from sfsync.catalogue import FieldType, lookup
from sfsync.config.models import DateAs
from sfsync.engine.field_values.text import CUTTABLE_TYPES
from sfsync.salesforce.port import FieldInfo

TEXT_TYPES = frozenset({"string", "textarea", "picklist", "multipicklist", "combobox", "phone", "url", "email"})
NUMBER_TYPES = frozenset({"int", "double", "currency", "percent", "long"})
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$")

# Which workspace types each kind of Salesforce field can hold.
_ACCEPTS: dict[str, frozenset[FieldType]] = {
    "boolean": frozenset({FieldType.BOOLEAN}),
    "date": frozenset({FieldType.DATE}),
    "datetime": frozenset({FieldType.DATE}),
    "number": frozenset({FieldType.INTEGER, FieldType.NUMBER}),
    "email": frozenset({FieldType.EMAIL}),
}


def sf_kind(info: FieldInfo) -> str:
    if info.type in NUMBER_TYPES:
        return "number"
    if info.type in TEXT_TYPES and info.type != "email":
        return "text"
    return info.type


def workspace_mismatch(workspace_field: str, info: FieldInfo) -> str | None:
    """Why `workspace_field`'s values cannot go into `info`, or None (unknown attribute types pass)."""
    standard = lookup(workspace_field)
    if standard is None:
        return None
    kind = sf_kind(info)
    if kind == "reference":
        return f"{info.name} is a reference ({', '.join(info.reference_to) or 'Id'}): it holds Salesforce Ids"
    if kind in ("id", "address", "location", "base64"):
        return f"{info.name} is a {info.type} field and cannot be mapped"
    accepted = _ACCEPTS.get(kind)
    if accepted is None or standard.type in accepted:
        return None
    return f"{workspace_field} is {standard.type} but {info.name} is {info.type}"


def literal_problem(value: object, info: FieldInfo) -> tuple[str, bool] | None:
    """(why a literal default does not fit, whether that is only a warning), or None."""
    kind = sf_kind(info)
    if kind == "boolean":
        return None if isinstance(value, bool) else (f"{info.name} is a checkbox: use true or false", False)
    if kind == "number":
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        return None if ok else (f"{info.name} is a number ({info.type}): {value!r} is not one", False)
    text = value if isinstance(value, str) else str(value).lower() if isinstance(value, bool) else str(value)
    return _text_problem(text, info)


def _text_problem(text: str, info: FieldInfo) -> tuple[str, bool] | None:
    if info.type == "date" and not _DATE.match(text):
        return f"{info.name} is a date: write it as YYYY-MM-DD", False
    if info.type == "datetime" and not _DATETIME.match(text):
        return f"{info.name} is a date and time: write it as 2024-01-31T10:00:00Z", False
    if info.type == "email" and not _EMAIL.match(text):
        return f"{text!r} is not an email address", False
    if info.type == "picklist" and info.picklist_values and text not in info.picklist_values:
        allowed = ", ".join(info.picklist_values)
        if info.restricted_picklist:
            return f"{text!r} is not a value of the restricted picklist {info.name} ({allowed})", False
        return f"{text!r} is not one of {info.name}'s picklist values ({allowed})", True
    if info.length and info.type in TEXT_TYPES and len(text) > info.length:
        return f"{len(text)} characters is longer than {info.name}'s maximum of {info.length}", False
    return None


def option_problems(
    workspace_field: str, truncate: bool, date_as: DateAs | None, info: FieldInfo
) -> list[tuple[str, str]]:
    """(mapping key, why) for each value option that cannot do what it says on a written field."""
    problems = []
    if truncate and info.type not in CUTTABLE_TYPES:
        problems.append(("truncate", f"`truncate` has no effect on {info.name} ({info.type}): only text is ever cut"))
    if date_as is not None and info.type != "datetime":
        problems.append(("date_as", f"`date_as` has no effect on {info.name} ({info.type}): it is for date and time"))
    standard = lookup(workspace_field)
    if date_as is None and info.type == "datetime" and standard is not None and standard.type is FieldType.DATE:
        why = (
            f"{workspace_field} is a date but {info.name} is a date and time: each value is an invalid_value "
            "until the mapping says `date_as: midnight_utc`"
        )
        problems.append(("from_", why))
    return problems
