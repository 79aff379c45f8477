"""The permissions sfsync needs (DESIGN §6), how to check them, and where to grant a missing one.

System permissions are read from the permission sets assigned to the user (a profile owns one, so
one query covers both). Object and field access are read from the user's describes, which reflect
object CRUD and field-level security exactly as Salesforce applies them.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sfsync.errors import RemoteError
from sfsync.salesforce.filter_trees import filter_fields
from sfsync.salesforce.port import FieldInfo, Identity, ObjectDescribe, SalesforcePort
from sfsync.salesforce.query import Eq, In, Query

SYSTEM_PERMISSIONS = (
    ("API Enabled", "PermissionsApiEnabled"),
    ("View All Users", "PermissionsViewAllUsers"),
    ("View Setup and Configuration", "PermissionsViewSetup"),
)
# Every mode reads all four objects (refresh, domain groups, converted Leads); it creates and edits only
# the objects it writes: Leads mode never writes an Account or a Contact, Contacts mode never a Lead.
READ_OBJECTS = ("Account", "Contact", "Lead", "Opportunity")
WRITTEN_OBJECTS: Mapping[str, tuple[str, ...]] = {"leads": ("Lead",), "contacts_and_accounts": ("Contact", "Account")}


def object_access(mode: str) -> dict[str, tuple[str, ...]]:
    """The object permissions `mode` (`sync.person_object`) needs, per object."""
    written = WRITTEN_OBJECTS.get(mode, ())
    return {name: ("Read", "Create", "Edit") if name in written else ("Read",) for name in READ_OBJECTS}


_DESCRIBE_FLAG = {"Read": "queryable", "Create": "createable", "Edit": "updateable"}


@dataclass(frozen=True)
class FieldNeed:
    """A field sfsync reads (`edit=False`) or writes, and why (`reason`: mapping, default, filter)."""

    sobject: str
    field: str
    edit: bool
    reason: str


@dataclass(frozen=True)
class Check:
    """One required permission: `ok` is None when it could not be read. `grant` says where to fix it."""

    kind: str  # system | object | field
    name: str
    ok: bool | None
    grant: str = ""
    detail: str = ""


@dataclass(frozen=True)
class Grantee:
    """Who the advice is for: the user, their profile and the integration-user kind of the config."""

    username: str
    profile: str
    integration_user: str = "dedicated"


def field_needs(config: Any) -> list[FieldNeed]:
    """Every field the config reads or writes, merged per field (write wins)."""
    found: dict[tuple[str, str], FieldNeed] = {}

    def add(need: FieldNeed) -> None:
        key = (need.sobject, need.field)
        if key not in found or (need.edit and not found[key].edit):
            found[key] = need

    for sobject, fields in config.mappings.items():
        for field, mapping in fields.items():
            add(FieldNeed(sobject, field, str(mapping.direction) != "read", "mapping"))
    for sobject, fields in _all_defaults(config):
        for field in fields:
            add(FieldNeed(sobject, field, True, "default"))
    for node in _filters(config):
        for item in filter_fields(node):
            add(FieldNeed(item.sobject, item.field, False, "filter"))
    return list(found.values())


@dataclass(frozen=True)
class FieldSight:
    """What the org says of fields absent from the user's describes: `hidden` exist (a permission set
    grants them to someone), so field-level security hides them; `known` is False when that could not
    be asked (the FieldPermissions object needs View Setup and Configuration)."""

    hidden: frozenset[tuple[str, str]] = frozenset()
    known: bool = True


def fields_out_of_sight(
    port: SalesforcePort, config: Any, describes: Mapping[str, ObjectDescribe | None]
) -> FieldSight:
    """Ask the org whether the fields the config names, but the user cannot see, exist at all.

    No call is made when every field is visible. Names are compared case-insensitively, as Salesforce does.
    """
    named = {(need.sobject, need.field) for need in field_needs(config)}
    if config.sync.external_id_field:
        named |= {(obj, str(config.sync.external_id_field)) for obj in WRITTEN_OBJECTS[str(config.sync.person_object)]}
    missing = sorted(
        f"{sobject}.{field}"
        for sobject, field in named
        if (describe := describes.get(sobject)) is not None and describe.field(field) is None
    )
    if not missing:
        return FieldSight()
    try:
        rows = port.query(Query("FieldPermissions", ("Field",), In("Field", tuple(missing))))
        granted = {str(row.get("Field") or "").lower() for row in rows}
    except RemoteError:
        return FieldSight(known=False)
    hidden = (name.split(".", 1) for name in missing if name.lower() in granted)
    return FieldSight(frozenset((sobject, field) for sobject, field in hidden))


def _all_defaults(config: Any) -> Iterator[tuple[str, Iterable[str]]]:
    yield from config.defaults.items()
    for play in config.plays:
        if play.sync_to_salesforce is not None:
            yield from play.sync_to_salesforce.defaults.items()


def _filters(config: Any) -> Iterator[Any]:
    yield from (exclusion.where for exclusion in config.exclusions)
    yield from (play.audience.where for play in config.plays if play.audience.where is not None)


def system_checks(
    port: SalesforcePort, identity: Identity, grantee: Grantee, only: Sequence[tuple[str, str]] = SYSTEM_PERMISSIONS
) -> list[Check]:
    """The system permissions `only` names (label, PermissionSet column): by default those every sync needs."""
    try:
        granted = _system_grants(port, identity.user_id, only)
    except RemoteError as error:
        why = f"could not read the user's permission sets ({error.code or error})"
        return [
            Check("system", label, True if column == "PermissionsApiEnabled" else None, detail=why)
            for label, column in only
        ]
    unreadable = "could not be checked: the org does not report PermissionSet.{}"
    return [
        Check("system", label, True)
        if granted.get(column) is True
        else Check(
            "system",
            label,
            granted.get(column),
            grant_system(label, grantee),
            unreadable.format(column) if granted.get(column) is None else "",
        )
        for label, column in only
    ]


def _system_grants(port: SalesforcePort, user_id: str, only: Sequence[tuple[str, str]]) -> dict[str, bool | None]:
    """Column → granted by any assigned set; None for a permission this org does not expose."""
    exposed = port.describe("PermissionSet")
    columns = [c for _, c in only if exposed.field(c) is not None]
    assigned = Query("PermissionSetAssignment", ("PermissionSetId",), Eq("AssigneeId", user_id))
    set_ids = [str(row["PermissionSetId"]) for row in port.query(assigned)]
    granted: dict[str, bool | None] = {c: None for _, c in only}
    granted.update({c: False for c in columns})
    if set_ids and columns:
        for row in port.query(Query("PermissionSet", ("Id", *columns), In("Id", tuple(set_ids)))):
            granted.update({c: True for c in columns if row.get(c) is True})
    return granted


def object_checks(describes: Mapping[str, ObjectDescribe | None], grantee: Grantee, mode: str) -> list[Check]:
    checks = []
    for sobject, needed in object_access(mode).items():
        describe = describes.get(sobject)
        for access in needed:
            ok = describe is not None and bool(getattr(describe, _DESCRIBE_FLAG[access]))
            grant = "" if ok else grant_object(sobject, access, grantee)
            checks.append(Check("object", f"{sobject}: {access}", ok, grant))
    return checks


def field_checks(
    needs: Iterable[FieldNeed], describes: Mapping[str, ObjectDescribe | None], grantee: Grantee
) -> list[Check]:
    """Field-level security for each needed field; objects the user cannot read are left to object checks."""
    checks = []
    for need in sorted(needs, key=lambda n: (n.sobject, n.field)):
        describe = describes.get(need.sobject)
        if describe is None:
            continue
        info = describe.field(need.field)
        name = f"{need.sobject}.{need.field}: {'Read and Edit' if need.edit else 'Read'} ({need.reason})"
        if info is None:
            grant = _grant_field(need, "Read Access" + (" and Edit Access" if need.edit else ""), grantee)
            checks.append(Check("field", name, False, grant, "not visible to this user (or the field does not exist)"))
        elif need.edit and _read_only_by_security(info):
            checks.append(
                Check("field", name, False, _grant_field(need, "Edit Access", grantee), "read-only for this user")
            )
        else:
            checks.append(Check("field", name, True))
    return checks


def _read_only_by_security(info: FieldInfo) -> bool:
    return info.permissionable and not info.calculated and not (info.createable or info.updateable)


def _where(grantee: Grantee, what: str) -> str:
    profile = f'profile "{grantee.profile}"' if grantee.profile else "profile"
    if grantee.integration_user == "shared":
        return (
            f"add {what} to a permission set assigned to {grantee.username} (Setup → Permission Sets); "
            f"changing the shared {profile} would widen every integration that logs in as this user"
        )
    if grantee.integration_user == "admin":
        return (
            f"grant {what} in the admin's {profile} (Setup → Profiles) or in a permission set assigned to "
            f"{grantee.username}; a dedicated integration user is recommended"
        )
    owner = f"the {profile}" if grantee.profile else "the user's profile"
    return f"grant {what} in {owner} (Setup → Profiles) or in a permission set assigned to {grantee.username}"


def grant_system(label: str, grantee: Grantee) -> str:
    return _where(grantee, f'the system permission "{label}" (System Permissions → {label})')


def grant_object(sobject: str, access: str, grantee: Grantee) -> str:
    return _where(grantee, f'"{access}" on {sobject} (Object Settings → {sobject} → Object Permissions → {access})')


def _grant_field(need: FieldNeed, access: str, grantee: Grantee) -> str:
    place = f"Object Settings → {need.sobject} → Field Permissions → {need.field} → {access}"
    return _where(grantee, f'"{access}" on {need.sobject}.{need.field} ({place})')
