"""Record types as the recorded describes advertise them (`recordTypeInfos`), per profile.

Invariants:

- Every record type of an info list but the master is a `RecordType` row (Id, Name, DeveloperName,
  SobjectType, IsActive), as in Salesforce, where the master record type (`012000000000000AAA`) is no
  record.
- Which record types a user may use is their profile's: a profile's `record_types` lists an object's
  record types by developer name, its default first (an empty list: the master only); an object it does
  not list keeps the describe's own `available` and `defaultRecordTypeMapping`. The describe each user
  reads says the same (`visible_infos`). Permission sets add none.
- Only an object with a `RecordTypeId` field takes one. A value is accepted when it names an active
  record type available to the user; any other is INVALID_CROSS_REFERENCE_KEY with Salesforce's
  message. A create that gives none takes the user's default record type; a master default leaves it
  empty, as in Salesforce, where a record of the master record type has no `RecordTypeId`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from sfsync.errors import UsageError
from sfsync.localorg.catalog import Catalog, ObjectSpec
from sfsync.localorg.ids import normalize
from sfsync.localorg.outcomes import DmlError, DmlFailure
from sfsync.localorg.seed import Grant

FIELD = "RecordTypeId"
MASTER = "Master"


def _infos(spec: ObjectSpec) -> list[Mapping[str, Any]]:
    return list(spec.describe.get("recordTypeInfos") or ()) if spec.field(FIELD) is not None else []


def visible_infos(describe: Mapping[str, Any], profile: Grant) -> list[dict[str, Any]]:
    """The describe's `recordTypeInfos` as a user of `profile` reads them."""
    infos = [dict(i) for i in describe.get("recordTypeInfos") or ()]
    names = profile.record_types.get(str(describe.get("name")))
    if names is None:
        return infos
    usable = names or (MASTER,)
    for info in infos:
        info["available"] = info.get("developerName") in usable
        info["defaultRecordTypeMapping"] = info.get("developerName") == usable[0]
    return infos


def _usable(spec: ObjectSpec, profile: Grant) -> list[Mapping[str, Any]]:
    if spec.field(FIELD) is None:
        return []
    return [i for i in visible_infos(spec.describe, profile) if i.get("active") and i.get("available")]


def settle_record_type(spec: ObjectSpec, profile: Grant, row: dict[str, Any], *, creating: bool) -> None:
    """Default `RecordTypeId` on a create that gives none; refuse one the user may not use."""
    usable = _usable(spec, profile)
    if creating and FIELD not in row:
        default = next((i for i in usable if i.get("defaultRecordTypeMapping")), None)
        if default is not None and not default.get("master"):
            row[FIELD] = normalize(str(default.get("recordTypeId")))
        return
    value = row.get(FIELD)
    if value is not None and value not in {normalize(str(i.get("recordTypeId"))) for i in usable}:
        message = f"Record Type ID: this ID value isn't valid for the user: {value}"
        raise DmlFailure(DmlError("INVALID_CROSS_REFERENCE_KEY", message, (FIELD,)))


def check_profiles(catalog: Catalog, profiles: Iterable[Grant]) -> None:
    """Every record type a profile names is one of that object's, or the seed is refused."""
    for profile in profiles:
        for sobject, names in profile.record_types.items():
            spec = catalog.get(sobject)
            known = {str(i.get("developerName")) for i in _infos(spec)} if spec is not None else set()
            unknown = [n for n in names if n not in known]
            if spec is None or not known or unknown:
                what = f"record types {unknown}" if unknown and known else "no record types"
                raise UsageError(f"invalid seed: profile {profile.name!r}: {sobject} has {what}")


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
