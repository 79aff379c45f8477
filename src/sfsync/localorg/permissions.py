"""Users, profiles and permission sets: object CRUD and field-level security.

A user's access is the union of their profile and permission sets. Fields a profile does not
mention are editable (permission sets only grant); `none` hides a field, `read` makes it read-only.
Creating, editing or deleting a Task or an EmailMessage also takes Edit Tasks (PermissionsEditTask).
Only `permissionable` fields are subject to field-level security, as in a real org. The system
objects (User, Profile, the permission objects) are readable by every user and writable by none;
DuplicateRule only by users with View Setup and Configuration, as in Salesforce.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sfsync.localorg.catalog import Catalog
from sfsync.localorg.objects import EXTRA_PREFIXES, SETUP_OBJECTS
from sfsync.localorg.record_types import visible_infos
from sfsync.localorg.seed import OBJECT_PERMISSIONS, Grant

_LEVELS = {"none": 0, "read": 1, "edit": 2}
# Writing these also takes the Edit Tasks system permission ("create and update tasks and email messages").
EDIT_TASKS_OBJECTS = frozenset({"Task", "EmailMessage"})


@dataclass(frozen=True)
class User:
    """A user of the org as the server knows it: identity, profile and permission sets."""

    id: str
    username: str
    name: str
    email: str
    profile_id: str
    profile: Grant
    permission_sets: tuple[Grant, ...] = ()

    @property
    def grants(self) -> tuple[Grant, ...]:
        return (self.profile, *self.permission_sets)

    @property
    def api_enabled(self) -> bool:
        return any(g.api_enabled for g in self.grants)

    @property
    def view_all_data(self) -> bool:
        return any(g.view_all_data or g.modify_all_data for g in self.grants)

    @property
    def modify_all_data(self) -> bool:
        return any(g.modify_all_data for g in self.grants)

    @property
    def edit_tasks(self) -> bool:
        return any(g.edit_tasks or g.modify_all_data for g in self.grants)


def object_permissions(grant: Grant, sobject: str) -> frozenset[str]:
    if grant.modify_all_data:
        return frozenset(OBJECT_PERMISSIONS)
    granted = grant.objects.get(sobject, grant.objects.get("*", frozenset()))
    return granted | ({"read"} if grant.view_all_data else set())


def field_level(grant: Grant, sobject: str, field: str, *, is_profile: bool) -> str:
    return grant.fields.get(f"{sobject}.{field}", grant.fields.get(f"*.{field}", "edit" if is_profile else "none"))


class UserAccess:
    """What one user may see and do; satisfies the query service's `Access` protocol."""

    def __init__(self, user: User, catalog: Catalog) -> None:
        self.user = user
        self.catalog = catalog
        self._readable: dict[str, frozenset[str]] = {}
        self._levels: dict[tuple[str, str], str] = {}
        self._allowed: dict[tuple[str, str], bool] = {}

    def allows(self, sobject: str, permission: str) -> bool:
        key = (sobject, permission)
        allowed = self._allowed.get(key)
        if allowed is None:
            if sobject in SETUP_OBJECTS:
                allowed = permission == "read" and any(g.view_setup for g in self.user.grants)
            elif sobject in EXTRA_PREFIXES:
                allowed = permission == "read"
            else:
                allowed = any(permission in object_permissions(g, sobject) for g in self.user.grants)
                if sobject in EDIT_TASKS_OBJECTS and permission != "read":
                    allowed = allowed and self.user.edit_tasks
            self._allowed[key] = allowed
        return allowed

    def can_read_object(self, name: str) -> bool:
        spec = self.catalog.get(name)
        return spec is not None and self.allows(spec.name, "read")

    def level(self, sobject: str, field: str) -> str:
        key = (sobject, field)
        level = self._levels.get(key)
        if level is None:
            level = self._levels[key] = self._level(sobject, field)
        return level

    def _level(self, sobject: str, field: str) -> str:
        spec = self.catalog.get(sobject)
        entry = spec.field(field) if spec else None
        if entry is None or not entry.flag("permissionable"):
            return "edit"
        best = max(
            _LEVELS[field_level(g, sobject, entry.name, is_profile=g is self.user.profile)] for g in self.user.grants
        )
        return next(k for k, v in _LEVELS.items() if v == best)

    def readable_fields(self, name: str) -> frozenset[str]:
        return self._readable.get(name) or self._compute_readable(name)

    def _compute_readable(self, name: str) -> frozenset[str]:
        spec = self.catalog.get(name)
        if spec is None or not self.allows(spec.name, "read"):
            return frozenset()
        visible = frozenset(f for f in spec.fields if self.level(spec.name, f) != "none")
        self._readable[name] = visible
        return visible

    def editable(self, sobject: str, field: str) -> bool:
        return self.level(sobject, field) == "edit"


def describe_for(access: UserAccess, describe: Mapping[str, Any]) -> dict[str, Any]:
    """The describe as this user sees it: hidden fields absent, read-only fields not writable."""
    name = str(describe["name"])
    result = {k: v for k, v in describe.items() if k != "fields"}
    result["createable"] = bool(describe.get("createable")) and access.allows(name, "create")
    result["updateable"] = bool(describe.get("updateable")) and access.allows(name, "edit")
    result["deletable"] = bool(describe.get("deletable")) and access.allows(name, "delete")
    fields = []
    for entry in describe["fields"]:
        level = access.level(name, entry["name"])
        if level == "none":
            continue
        if level == "read" and (entry["createable"] or entry["updateable"]):
            entry = copy.copy(entry) | {"createable": False, "updateable": False}
        fields.append(entry)
    result["fields"] = fields
    if "recordTypeInfos" in describe:
        result["recordTypeInfos"] = visible_infos(describe, access.user.profile)
    return result
