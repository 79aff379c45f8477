"""A record's values as a write sends them, checked against its object and the user's field access, then
stored: what every create and update of the DML service (`dml`) does before its own checks."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sfsync.localorg.catalog import ObjectSpec
from sfsync.localorg.outcomes import DmlError, DmlFailure, DmlOptions
from sfsync.localorg.permissions import UserAccess
from sfsync.localorg.record_types import settle_record_type
from sfsync.localorg.values import to_stored

_IGNORED = frozenset({"attributes", "id"})


def stored_record(
    spec: ObjectSpec, access: UserAccess, values: Mapping[str, Any], options: DmlOptions, *, creating: bool
) -> dict[str, Any]:
    """`values` as stored, each field writable by the user (`creating`: createable, else updateable); every
    field that is not is named in one `INVALID_FIELD_FOR_INSERT_UPDATE`, every bad value in its own error."""
    row: dict[str, Any] = {}
    readonly: list[str] = []
    errors: list[DmlError] = []
    for key, value in values.items():
        if key.lower() in _IGNORED:
            continue
        field = spec.field(key)
        if field is None or (options.enforce_access and access.level(spec.name, field.name) == "none"):
            raise DmlFailure(DmlError("INVALID_FIELD", f"No such column '{key}' on sobject of type {spec.name}"))
        writable = field.flag("createable" if creating else "updateable")
        if not writable or (options.enforce_access and not access.editable(spec.name, field.name)):
            readonly.append(field.name)
            continue
        try:
            row[field.name] = to_stored(field, value)
        except DmlFailure as failure:
            errors.extend(failure.errors)
    if readonly:
        message = (
            f"Unable to create/update fields: {', '.join(readonly)}. Please check the security settings of this "
            "field and verify that it is read/write for your profile or permission set."
        )
        raise DmlFailure(DmlError("INVALID_FIELD_FOR_INSERT_UPDATE", message, tuple(readonly)))
    if errors:
        raise DmlFailure(*errors)
    settle_record_type(spec, access.user.profile, row, creating=creating)
    return row


def refuse_missing(missing: list[str]) -> None:
    """A create or update leaving required fields empty is refused, naming them."""
    if missing:
        message = f"Required fields are missing: [{', '.join(missing)}]"
        raise DmlFailure(DmlError("REQUIRED_FIELD_MISSING", message, tuple(missing)))
