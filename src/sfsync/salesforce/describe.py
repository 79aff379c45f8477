"""Describe JSON → the port's `ObjectDescribe`, with a stable digest.

The digest covers only what sfsync decides on (the reduced `FieldInfo`s and the object's flags),
serialised canonically and sorted by field name: layouts, URLs, key order or field order in the
response never move it, while a field appearing, vanishing or changing type, length, access or
picklist values always does.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Iterable, Mapping
from typing import Any

from sfsync.errors import RemoteError
from sfsync.salesforce.port import FieldInfo, ObjectDescribe, SalesforcePort

_INACCESSIBLE = frozenset({"NOT_FOUND", "INVALID_TYPE"})


def field_info(raw: Mapping[str, Any]) -> FieldInfo:
    """One describe field entry, reduced."""
    return FieldInfo(
        name=str(raw["name"]),
        type=str(raw.get("type") or ""),
        label=str(raw.get("label") or ""),
        length=int(raw.get("length") or 0),
        precision=int(raw.get("precision") or 0),
        scale=int(raw.get("scale") or 0),
        digits=int(raw.get("digits") or 0),
        nillable=bool(raw.get("nillable", True)),
        createable=bool(raw.get("createable")),
        updateable=bool(raw.get("updateable")),
        filterable=bool(raw.get("filterable")),
        defaulted_on_create=bool(raw.get("defaultedOnCreate")),
        external_id=bool(raw.get("externalId")),
        unique=bool(raw.get("unique")),
        calculated=bool(raw.get("calculated")) or bool(raw.get("autoNumber")),
        encrypted=bool(raw.get("encrypted")),
        restricted_picklist=bool(raw.get("restrictedPicklist")),
        picklist_values=tuple(
            str(p["value"]) for p in raw.get("picklistValues") or () if p.get("active", True) and "value" in p
        ),
        reference_to=tuple(str(r) for r in raw.get("referenceTo") or ()),
        permissionable=bool(raw.get("permissionable")),
    )


def object_describe(raw: Mapping[str, Any]) -> ObjectDescribe:
    """A `GET sobjects/{name}/describe` response as the port's value."""
    fields = {info.name: info for info in map(field_info, raw.get("fields") or ())}
    name = str(raw["name"])
    queryable, createable, updateable = (bool(raw.get(k)) for k in ("queryable", "createable", "updateable"))
    digest = describe_digest(name, queryable, createable, updateable, fields)
    return ObjectDescribe(name, queryable, createable, updateable, fields, digest)


def describe_digest(
    name: str, queryable: bool, createable: bool, updateable: bool, fields: Mapping[str, FieldInfo]
) -> str:
    canonical = {
        "name": name,
        "queryable": queryable,
        "createable": createable,
        "updateable": updateable,
        "fields": [dataclasses.asdict(fields[n]) for n in sorted(fields)],
    }
    text = json.dumps(canonical, sort_keys=True, separators=(",", ":"))
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def combined_digest(describes: Mapping[str, ObjectDescribe]) -> str:
    """One digest for several objects (a plan fingerprint's describe hash), independent of order."""
    text = "\n".join(f"{name}={describes[name].digest}" for name in sorted(describes))
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def describe_objects(port: SalesforcePort, names: Iterable[str]) -> dict[str, ObjectDescribe | None]:
    """Each object's describe, or None when the user cannot see the object at all."""
    found: dict[str, ObjectDescribe | None] = {}
    for name in dict.fromkeys(names):
        try:
            found[name] = port.describe(name)
        except RemoteError as error:
            if error.code not in _INACCESSIBLE:
                raise
            found[name] = None
    return found
