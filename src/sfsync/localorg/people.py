"""The seed's people and permission model as rows: Organization, Profile, PermissionSet, User and the
assignment and permission objects that self-check queries read; users are registered with the org.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sfsync.localorg.ids import org_id18
from sfsync.localorg.objects import EXTRA_PREFIXES
from sfsync.localorg.org import Org
from sfsync.localorg.permissions import User, field_level, object_permissions
from sfsync.localorg.seed import Grant, Seed
from sfsync.localorg.values import now_stamp


def insert_row(org: Org, sobject: str, values: Mapping[str, Any], actor: str) -> None:
    stamp = now_stamp()
    row = {
        "IsDeleted": 0,
        "CreatedDate": stamp,
        "LastModifiedDate": stamp,
        "SystemModstamp": stamp,
        "CreatedById": actor,
        "LastModifiedById": actor,
        **values,
    }
    row.setdefault("Id", org.new_id(sobject))
    columns = ", ".join(f'"{c}"' for c in row)
    marks = ", ".join("?" for _ in row)
    org.connect().execute(f'INSERT INTO "{sobject}" ({columns}) VALUES ({marks})', tuple(row.values()))  # noqa: S608 - identifiers come from the catalog, values are bound


def _grant_rows(org: Org, grant: Grant, set_id: str, profile_id: str | None, actor: str) -> None:
    flags = {
        "PermissionsApiEnabled": int(grant.api_enabled),
        "PermissionsViewAllData": int(grant.view_all_data),
        "PermissionsModifyAllData": int(grant.modify_all_data),
        "PermissionsViewAllUsers": int(grant.view_all_users),
        "PermissionsViewSetup": int(grant.view_setup),
        "PermissionsEditTask": int(grant.edit_tasks),
    }
    owned = profile_id is not None
    name = f"X00e{grant.name.replace(' ', '')}" if owned else grant.name
    insert_row(
        org,
        "PermissionSet",
        {
            "Id": set_id,
            "Name": name,
            "Label": grant.name,
            "IsOwnedByProfile": int(owned),
            "ProfileId": profile_id,
            **flags,
        },
        actor,
    )
    for spec in org.catalog.objects.values():
        if spec.name in EXTRA_PREFIXES:
            continue
        perms = object_permissions(grant, spec.name)
        if perms:
            insert_row(
                org,
                "ObjectPermissions",
                {
                    "ParentId": set_id,
                    "SobjectType": spec.name,
                    **{f"Permissions{p.title()}": int(p in perms) for p in ("read", "create", "edit", "delete")},
                    "PermissionsViewAllRecords": int(grant.view_all_data),
                    "PermissionsModifyAllRecords": int(grant.modify_all_data),
                },
                actor,
            )
        if "read" not in perms:
            continue
        for field in spec.fields.values():
            level = field_level(grant, spec.name, field.name, is_profile=owned)
            if field.flag("permissionable") and level != "none":
                insert_row(
                    org,
                    "FieldPermissions",
                    {
                        "ParentId": set_id,
                        "SobjectType": spec.name,
                        "Field": f"{spec.name}.{field.name}",
                        "PermissionsRead": 1,
                        "PermissionsEdit": int(level == "edit"),
                    },
                    actor,
                )


def insert_people(org: Org, seed: Seed) -> None:
    first = org.new_id("User")
    org_id = org_id18()
    profiles = {g.name: (org.new_id("Profile"), g) for g in seed.profiles}
    sets = {g.name: (org.new_id("PermissionSet"), g) for g in seed.permission_sets}
    insert_row(
        org,
        "Organization",
        {
            "Id": org_id,
            "Name": seed.organization_name,
            "IsSandbox": 0,
            "OrganizationType": "Developer Edition",
            "InstanceName": "LOCAL",
            "DefaultLocaleSidKey": "en_US",
            "LanguageLocaleKey": "en_US",
            "TimeZoneSidKey": "GMT",  # the local org keeps every time in UTC
            "FiscalYearStartMonth": 1,
            "IsReadOnly": 0,
        },
        first,
    )
    owned_sets = {}
    for name, (profile_id, grant) in profiles.items():
        insert_row(
            org,
            "Profile",
            {
                "Id": profile_id,
                "Name": name,
                "PermissionsApiEnabled": int(grant.api_enabled),
                "PermissionsViewAllData": int(grant.view_all_data),
                "PermissionsModifyAllData": int(grant.modify_all_data),
                "PermissionsViewAllUsers": int(grant.view_all_users),
                "PermissionsViewSetup": int(grant.view_setup),
                "PermissionsEditTask": int(grant.edit_tasks),
            },
            first,
        )
        owned_sets[name] = org.new_id("PermissionSet")
        _grant_rows(org, grant, owned_sets[name], profile_id, first)
    for set_id, grant in sets.values():
        _grant_rows(org, grant, set_id, None, first)
    for index, person in enumerate(seed.users):
        user_id = first if index == 0 else org.new_id("User")
        profile_id, profile = profiles[person.profile]
        name = f"{person.first_name} {person.last_name}".strip()
        email = person.email or person.username
        insert_row(
            org,
            "User",
            {
                "Id": user_id,
                "Username": person.username,
                "FirstName": person.first_name or None,
                "LastName": person.last_name,
                "Name": name,
                "Email": email,
                "Alias": person.alias or person.username[:8],
                "IsActive": 1,
                "UserType": "Standard",
                "TimeZoneSidKey": "GMT",
                "ProfileId": profile_id,
            },
            first,
        )
        for set_id in (owned_sets[person.profile], *(sets[s][0] for s in person.permission_sets)):
            insert_row(org, "PermissionSetAssignment", {"AssigneeId": user_id, "PermissionSetId": set_id}, first)
        org.users[user_id] = User(
            user_id,
            person.username,
            name,
            email,
            profile_id,
            profile,
            tuple(sets[s][1] for s in person.permission_sets),
        )
        org.passwords[person.username.lower()] = (person.password, person.security_token)
