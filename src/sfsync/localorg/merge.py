"""Merging records, as the SOAP API's `merge()` does (used by the SOAP endpoint and the control API).

Up to three records of one object (Lead, Contact or Account) become one: the master keeps its Id and
its values, plus the values the request sets on it; the others (the victims) are deleted with
`MasterRecordId` pointing at the master, keeping their own values (`queryAll` shows them); each
victim's related records (its related lists: a merged Account's Contacts, Opportunities and child
Accounts, a merged Contact's Opportunities) are re-parented to the master. The master, the victims
and every re-parented record are modified by the acting user at one stamp. One request is one
transaction: a failure leaves nothing behind.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sfsync.localorg.catalog import ObjectSpec
from sfsync.localorg.ids import normalize
from sfsync.localorg.outcomes import DmlError, DmlFailure, DmlOptions
from sfsync.localorg.permissions import User
from sfsync.localorg.shapes import fetch_rows
from sfsync.localorg.values import now_stamp

if TYPE_CHECKING:
    from sfsync.localorg.org import Org

MERGEABLE = ("Lead", "Contact", "Account")
MAX_VICTIMS = 2  # "up to three records can be merged in a single request, including the master record"


class UnsupportedObject(Exception):
    """The whole call is refused: Salesforce answers with a SOAP fault, not a per-request error."""

    code = "INVALID_TYPE_FOR_OPERATION"

    def __init__(self, sobject: str) -> None:
        super().__init__("entity type does not support merge")
        self.sobject = sobject


@dataclass(frozen=True)
class MergeRequest:
    """`masterRecord` (`type`, `Id` and any fields to set on it) and `recordToMergeIds`."""

    sobject: str
    master_id: str
    victim_ids: tuple[str, ...]
    values: Mapping[str, Any]


@dataclass(frozen=True)
class MergeResult:
    """Salesforce's MergeResult: the master's `id`, `mergedRecordIds`, `updatedRelatedIds`, `errors`."""

    id: str | None
    success: bool
    merged_ids: tuple[str, ...] = ()
    updated_related_ids: tuple[str, ...] = ()
    errors: tuple[DmlError, ...] = ()

    def json(self) -> dict[str, Any]:
        """The result as the control API answers it (the MergeResult's own property names)."""
        return {
            "id": self.id,
            "success": self.success,
            "mergedRecordIds": list(self.merged_ids),
            "updatedRelatedIds": list(self.updated_related_ids),
            "errors": [e.collection_item() for e in self.errors],
        }


def mergeable(org: Org, sobject: str) -> ObjectSpec:
    """The object's spec; raises `UnsupportedObject` unless it is a Lead, Contact or Account."""
    spec = org.catalog.get(sobject)
    if spec is None or spec.name not in MERGEABLE:
        raise UnsupportedObject(sobject)
    return spec


def merge(org: Org, user: User, request: MergeRequest, *, enforce_access: bool = True) -> MergeResult:
    """Run one merge request; per-request problems come back in the result, an object merge does not
    support raises `UnsupportedObject`."""
    spec = mergeable(org, request.sobject)
    try:
        with org.dml.transaction():
            return _merge(org, user, spec, request, enforce_access)
    except DmlFailure as failure:
        return MergeResult(None, False, errors=failure.errors)


def _merge(org: Org, user: User, spec: ObjectSpec, request: MergeRequest, enforce_access: bool) -> MergeResult:
    master_id, victims = _ids(spec, request)
    if enforce_access:
        access = org.access_for(user)
        if not (access.allows(spec.name, "edit") and access.allows(spec.name, "delete")):
            raise DmlFailure(DmlError("INSUFFICIENT_ACCESS_OR_READONLY", "insufficient access rights on object id"))
    rows = fetch_rows(org.connect(), spec, [master_id, *victims], include_deleted=True)
    for record_id in (master_id, *victims):
        _check_live(rows.get(record_id), record_id)
    options = DmlOptions(allow_save_duplicates=True, enforce_access=enforce_access)
    if request.values:  # the fields the request sets on the master, validated as an update is
        result = org.dml.update(user, spec.name, master_id, request.values, options=options)
        if not result.success:
            raise DmlFailure(*result.errors)
    stamp = now_stamp()
    related = _reparent(org, spec, master_id, victims, user, stamp)
    _modified(org, spec.name, [master_id], {}, user, stamp)
    for victim in victims:
        _modified(org, spec.name, [victim], {"IsDeleted": 1, "MasterRecordId": master_id}, user, stamp)
    return MergeResult(master_id, True, tuple(victims), tuple(related))


def _ids(spec: ObjectSpec, request: MergeRequest) -> tuple[str, list[str]]:
    if not request.victim_ids:
        raise DmlFailure(DmlError("INVALID_ARGUMENT", "recordToMergeIds: a merge request names 1 or 2 records"))
    if len(request.victim_ids) > MAX_VICTIMS:
        message = f"a merge request merges at most {MAX_VICTIMS + 1} records, including the master record"
        raise DmlFailure(DmlError("LIMIT_EXCEEDED", message))
    ids = [_id_of(spec, value) for value in (request.master_id, *request.victim_ids)]
    if len(set(ids)) != len(ids):
        raise DmlFailure(DmlError("INVALID_ID_FIELD", "a record cannot be merged with itself"))
    return ids[0], ids[1:]


def _id_of(spec: ObjectSpec, value: str) -> str:
    normal = normalize(value)
    if normal is None:
        raise DmlFailure(DmlError("MALFORMED_ID", f"malformed id {value}"))
    if normal[:3] != spec.key_prefix:  # only records of one object merge: Leads with Leads
        message = f"{value} is not a {spec.name}: only records of the same object can be merged"
        raise DmlFailure(DmlError("INVALID_ID_FIELD", message))
    return normal


def _check_live(row: Mapping[str, Any] | None, record_id: str) -> None:
    if row is None:
        raise DmlFailure(DmlError("INVALID_CROSS_REFERENCE_KEY", f"invalid cross reference id {record_id}"))
    if row["IsDeleted"]:
        raise DmlFailure(DmlError("ENTITY_IS_DELETED", "entity is deleted"))
    if row.get("IsConverted"):
        raise DmlFailure(DmlError("CANNOT_UPDATE_CONVERTED_LEAD", "cannot reference converted lead"))


def _reparent(org: Org, spec: ObjectSpec, master_id: str, victims: Sequence[str], user: User, stamp: str) -> list[str]:
    """Move the victims' related-list records to the master; returns their ids."""
    moved: list[str] = []
    marks = ", ".join("?" * len(victims))
    for child, field in _related_lists(org, spec):
        rows = org.connect().execute(
            f'SELECT "Id" FROM "{child}" WHERE "{field}" IN ({marks}) AND "IsDeleted" = 0 ORDER BY "Id"',  # noqa: S608 - identifiers come from the catalog, values are bound
            tuple(victims),
        )
        ids = [str(row[0]) for row in rows]
        _modified(org, child, ids, {field: master_id}, user, stamp)
        moved += ids
    return moved


def _related_lists(org: Org, spec: ObjectSpec) -> list[tuple[str, str]]:
    """The object's related lists the org stores: child relationships with a name, on served objects."""
    result = []
    for item in spec.describe.get("childRelationships") or ():
        child = org.catalog.get(str(item.get("childSObject")))
        if item.get("relationshipName") and child is not None and child.field(str(item.get("field"))) is not None:
            result.append((child.name, str(item["field"])))
    return result


def _modified(org: Org, sobject: str, ids: Sequence[str], values: Mapping[str, Any], user: User, stamp: str) -> None:
    if not ids:
        return
    org.note("write", user.username, sobject, ids, values)
    changes = {**values, "LastModifiedDate": stamp, "LastModifiedById": user.id, "SystemModstamp": stamp}
    assignments = ", ".join(f'"{name}" = ?' for name in changes)
    marks = ", ".join("?" * len(ids))
    org.connect().execute(
        f'UPDATE "{sobject}" SET {assignments} WHERE "Id" IN ({marks})',  # noqa: S608 - identifiers come from the catalog, values are bound
        (*changes.values(), *ids),
    )
