"""What writing emails needs of the integration user, and the checks `doctor` and `validate --online` make.

The caller (which knows the config) says what is needed (`EmailAccess`); this module checks it against
the user's describes and permission sets: object access from the describes, `Edit Tasks`
(`PermissionsEditTask`, which Salesforce requires to create a Task or an EmailMessage) from the sets.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sfsync.salesforce.permissions import Check, FieldNeed, Grantee, field_checks, grant_object, system_checks
from sfsync.salesforce.port import Identity, ObjectDescribe, SalesforcePort

EDIT_TASKS = ("Edit Tasks", "PermissionsEditTask")
EMAIL_OBJECTS = ("EmailMessage", "EmailMessageRelation", "Task")
_FLAG = {"Read": "queryable", "Create": "createable"}


@dataclass(frozen=True)
class EmailAccess:
    """What emails need: object access per object, the fields written, which object is used and why, and
    (`advice`, may be empty) what would change that object."""

    objects: Mapping[str, tuple[str, ...]]
    fields: Sequence[FieldNeed]
    written_as: str
    why: str
    advice: str = ""


def email_checks(
    port: SalesforcePort,
    identity: Identity,
    describes: Mapping[str, ObjectDescribe | None],
    grantee: Grantee,
    access: EmailAccess,
) -> list[Check]:
    """The object emails are written as (a passed check naming it and why), Edit Tasks, object access and
    field-level access of every field an email is written with; each missing one with where to grant it."""
    checks = [Check("object", f"Emails are written as {access.written_as} ({access.why})", True, access.advice)]
    checks.extend(system_checks(port, identity, grantee, only=(EDIT_TASKS,)))
    for sobject, needed in access.objects.items():
        describe = describes.get(sobject)
        for what in needed:
            ok = describe is not None and bool(getattr(describe, _FLAG[what]))
            checks.append(
                Check("object", f"{sobject}: {what} (emails)", ok, "" if ok else grant_object(sobject, what, grantee))
            )
    checks.extend(field_checks(access.fields, describes, grantee))
    return checks
