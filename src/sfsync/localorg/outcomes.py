"""The values the DML service returns: per-record results and Salesforce's error items."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class DmlError:
    """One error of a record, as Salesforce reports it (`extra` carries e.g. `duplicateResut`)."""

    status_code: str
    message: str
    fields: tuple[str, ...] = ()
    extra: Mapping[str, Any] | None = None

    def rest_item(self) -> dict[str, Any]:
        """The single-record REST form: `errorCode`, with any extra keys first."""
        return {
            **(self.extra or {}),
            "errorCode": self.status_code,
            "message": self.message,
            "fields": list(self.fields),
        }

    def collection_item(self) -> dict[str, Any]:
        """The sObject Collections form: `statusCode`."""
        return {"statusCode": self.status_code, "message": self.message, "fields": list(self.fields)}


@dataclass(frozen=True)
class DmlResult:
    id: str | None
    success: bool
    errors: tuple[DmlError, ...] = ()
    created: bool | None = None

    def collection_item(self) -> dict[str, Any]:
        item: dict[str, Any] = {"id": self.id} if self.id else {}
        item |= {"success": self.success, "errors": [e.collection_item() for e in self.errors]}
        if self.created is not None:
            item["created"] = self.created
        return item


@dataclass(frozen=True)
class DmlOptions:
    """`enforce_access=False` is for the control API: seeding and human edits skip CRUD/FLS checks."""

    allow_save_duplicates: bool = False
    all_or_none: bool = False
    enforce_access: bool = True


class DmlFailure(Exception):
    """Raised inside the DML service to abandon one record with `errors`."""

    def __init__(self, *errors: DmlError) -> None:
        super().__init__(errors[0].message if errors else "")
        self.errors = errors


def failed(error: DmlError, record_id: str | None = None) -> DmlResult:
    return DmlResult(record_id, False, (error,))


ROLLED_BACK = DmlError(
    "ALL_OR_NONE_OPERATION_ROLLED_BACK",
    "Record rolled back because not all records were valid and the request was using AllOrNone header",
)
