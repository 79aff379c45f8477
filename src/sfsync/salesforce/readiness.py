"""Is this org ready for this config? Connection facts plus every required permission, checked, and
whether the org's duplicate rules guard what sfsync creates (warnings only)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from sfsync.errors import RemoteError
from sfsync.salesforce.describe import describe_objects
from sfsync.salesforce.duplicate_guards import DuplicateGuard, duplicate_guards
from sfsync.salesforce.email_access import EMAIL_OBJECTS, EmailAccess, email_checks
from sfsync.salesforce.permissions import (
    READ_OBJECTS,
    WRITTEN_OBJECTS,
    Check,
    Grantee,
    field_checks,
    field_needs,
    grant_system,
    object_checks,
    system_checks,
)
from sfsync.salesforce.port import Identity, ObjectDescribe, SalesforcePort
from sfsync.salesforce.query import Eq, Query


@dataclass(frozen=True)
class Readiness:
    """What `doctor` found: who we are connected as, and each check (✓, ✗, or ? when unreadable).

    `guards` (duplicate rules) only warn: a gap there never makes the org not ready."""

    identity: Identity | None
    profile: str = ""
    checks: tuple[Check, ...] = ()
    connection_error: str = ""
    connection_code: str = ""
    guards: tuple[DuplicateGuard, ...] = ()
    describes: dict[str, ObjectDescribe | None] = field(default_factory=dict, compare=False, repr=False)

    @property
    def missing(self) -> list[Check]:
        return [c for c in self.checks if c.ok is False]

    @property
    def warnings(self) -> list[DuplicateGuard]:
        return [g for g in self.guards if g.ok is not True]

    @property
    def ready(self) -> bool:
        return not self.connection_error and not self.missing

    def to_json(self) -> dict[str, Any]:
        who = self.identity
        return {
            "ready": self.ready,
            "connection": {
                "ok": not self.connection_error,
                "error": self.connection_error or None,
                "code": self.connection_code or None,
                "org_id": who.org_id if who else None,
                "user_id": who.user_id if who else None,
                "username": who.username if who else None,
                "instance_url": who.instance_url if who else None,
                "api_version": who.api_version if who else None,
                "profile": self.profile or None,
            },
            "checks": [
                {"kind": c.kind, "name": c.name, "ok": c.ok, "grant": c.grant or None, "detail": c.detail or None}
                for c in self.checks
            ],
            "missing": len(self.missing),
            "duplicate_rules": [g.to_json() for g in self.guards],
            "warnings": len(self.warnings),
        }


def profile_name(port: SalesforcePort, user_id: str) -> str:
    try:
        users = list(port.query(Query("User", ("ProfileId",), Eq("Id", user_id))))
        if not users or not users[0].get("ProfileId"):
            return ""
        profiles = list(port.query(Query("Profile", ("Name",), Eq("Id", str(users[0]["ProfileId"])))))
        return str(profiles[0].get("Name") or "") if profiles else ""
    except RemoteError:
        return ""


EmailNeeds = Callable[[Mapping[str, ObjectDescribe | None]], EmailAccess]


def assess(port: SalesforcePort, config: Any, integration_user: str, emails: EmailNeeds | None = None) -> Readiness:
    """Every check of DESIGN §6 for the connected user and this config; with `emails` (what writing emails
    needs, from the describes of the email objects), the email checks too."""
    identity = port.identity()
    profile = profile_name(port, identity.user_id)
    grantee = Grantee(identity.username, profile, integration_user)
    needs = field_needs(config)
    email_objects = EMAIL_OBJECTS if emails is not None else ()
    describes = describe_objects(port, [*READ_OBJECTS, *(n.sobject for n in needs), *email_objects])
    checks = [
        *system_checks(port, identity, grantee),
        *object_checks(describes, grantee, str(config.sync.person_object)),
        *field_checks(needs, describes, grantee),
    ]
    if emails is not None:
        access = emails(describes)
        named = {(n.sobject, n.field.lower()) for n in needs}
        fields = [n for n in access.fields if (n.sobject, n.field.lower()) not in named]
        checks.extend(email_checks(port, identity, describes, grantee, replace(access, fields=fields)))
    guards = duplicate_guards(port, WRITTEN_OBJECTS.get(str(config.sync.person_object), ()))
    return Readiness(identity, profile, tuple(checks), guards=tuple(guards), describes=describes)


def unreachable(error: RemoteError, integration_user: str) -> Readiness:
    """The report when logging in failed; a user without API access is named as such."""
    if error.code in ("API_CURRENTLY_DISABLED", "API_DISABLED_FOR_ORG"):
        grantee = Grantee("the integration user", "", integration_user)
        check = Check("system", "API Enabled", False, grant_system("API Enabled", grantee))
        return Readiness(None, checks=(check,), connection_error=str(error), connection_code=error.code)
    return Readiness(None, connection_error=str(error), connection_code=error.code)
