"""Record types as the recorded describes advertise them (`recordTypeInfos`).

Invariants:

- Every record type of an info list but the master is a `RecordType` row (Id, Name, DeveloperName,
  SobjectType, IsActive), as in Salesforce, where the master record type (`012000000000000AAA`) is no
  record.
- Only an object with a `RecordTypeId` field takes one. A value is accepted when an active info of that
  object that is `available` names it (the describe is the same for every profile here, so what it makes
  available is what each user's profile makes available); any other value is INVALID_CROSS_REFERENCE_KEY
  with Salesforce's message. A create that gives none takes the user's default record type: the active,
  available info with `defaultRecordTypeMapping` (the same for every profile here). A master default
  leaves it empty, as in Salesforce, where a record of the master record type has no `RecordTypeId`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from sfsync.localorg.catalog import Catalog, ObjectSpec
from sfsync.localorg.ids import normalize
from sfsync.localorg.outcomes import DmlError, DmlFailure

FIELD = "RecordTypeId"


def _infos(spec: ObjectSpec) -> list[Mapping[str, Any]]:
    return list(spec.describe.get("recordTypeInfos") or ()) if spec.field(FIELD) is not None else []


def assignable_ids(spec: ObjectSpec) -> frozenset[str]:
    """The 18-character ids `RecordTypeId` may take on this object (none: it has no such field)."""
    ids = (normalize(str(i.get("recordTypeId"))) for i in _infos(spec) if i.get("active") and i.get("available"))
    return frozenset(i for i in ids if i)


def default_id(spec: ObjectSpec) -> str | None:
    """The record type a create without `RecordTypeId` takes: the user's default mapping, unless it is the master."""
    found = (i for i in _infos(spec) if i.get("defaultRecordTypeMapping") and i.get("active") and i.get("available"))
    info = next(found, None)
    return None if info is None or info.get("master") else normalize(str(info.get("recordTypeId")))


def check_record_type(assignable: frozenset[str], row: Mapping[str, Any]) -> None:
    value = row.get(FIELD)
    if value is not None and value not in assignable:
        message = f"Record Type ID: this ID value isn't valid for the user: {value}"
        raise DmlFailure(DmlError("INVALID_CROSS_REFERENCE_KEY", message, (FIELD,)))


def record_type_rows(catalog: Catalog) -> Iterator[dict[str, Any]]:
    """The `RecordType` rows of every object's record types but the master."""
    for spec in catalog.objects.values():
        for info in _infos(spec):
            record_id = normalize(str(info.get("recordTypeId")))
            if info.get("master") or record_id is None:
                continue
            yield {
                "Id": record_id,
                "Name": info.get("name"),
                "DeveloperName": info.get("developerName"),
                "SobjectType": spec.name,
                "IsActive": int(bool(info.get("active"))),
            }
