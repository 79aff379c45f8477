"""Salesforce's rules for email activity: EmailMessage, EmailMessageRelation and Task.

What the Object Reference documents and a client can notice (EmailMessage, EmailMessageRelation):

- Without Enhanced Email, Case is the only object email messages are created on ("When enhanced email
  is off, case is the only object where email message records are created", Salesforce Help,
  Considerations for Using Enhanced Email): a create without `ParentId` is refused.
- "When the email record isn't in Draft status, the IsExternallyVisible field and custom fields only
  can be updated", and "You can change the status only from New to Read".
- A relation's `RelationObjectType` is the object of `RelationId`; its `RelationAddress`, when not
  given, "is auto-populated from RelationId" (the person's email).
- Deleting an email message deletes its relations (their `EmailMessageId` is a cascade-delete child).
- "When enhanced email is enabled, task records are generated for each EmailMessage record", their
  Status "the first Closed-type Status field value" (Completed): an email message made outside a Case
  gets a Task (`TaskSubtype` and `Type` Email), whose id is its `ActivityId`.

Salesforce documents these rules but not the error codes it answers; the codes below are the local
org's choice among its status codes. Task's `WhoId` (Contact or Lead) and a relation's `RelationId`
(Contact, Lead or User) are checked as any reference is, by `rules.check_references`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from sfsync.localorg.catalog import ObjectSpec
from sfsync.localorg.outcomes import DmlError, DmlFailure

if TYPE_CHECKING:
    from sfsync.localorg.org import Org

DRAFT, NEW, READ = "5", "0", "1"
# Writable on an email message that is no longer a draft (custom fields too).
_AFTER_SENDING = frozenset({"IsExternallyVisible"})
_PERSON_EMAIL = {"Contact": "Email", "Lead": "Email", "User": "Email"}
_STAMPS = ("CreatedDate", "CreatedById", "LastModifiedDate", "LastModifiedById", "SystemModstamp")

NEEDS_PARENT = DmlError(
    "FIELD_INTEGRITY_EXCEPTION",
    "Case ID: an email message needs a Case as its parent unless Enhanced Email is turned on",
    ("ParentId",),
)


def check_activity(
    connection: sqlite3.Connection,
    org: Org,
    spec: ObjectSpec,
    row: dict[str, Any],
    current: Mapping[str, Any] | None,
) -> None:
    """Checks a create (`current` None; `row` may gain derived values) or an edit (`row`: the changes)."""
    if spec.name == "EmailMessage":
        if current is None and not org.enhanced_email and row.get("ParentId") is None:
            raise DmlFailure(NEEDS_PARENT)
        if current is None:
            row["HasAttachment"] = 0  # the local org keeps no attachments (ContentDocumentLink is not served)
        if current is not None and current["Status"] != DRAFT:
            _check_sent_edit(spec, row, current)
    elif spec.name == "EmailMessageRelation" and current is None:
        _derive_relation(connection, org, row)


def _check_sent_edit(spec: ObjectSpec, row: Mapping[str, Any], current: Mapping[str, Any]) -> None:
    locked = [
        name
        for name in row
        if name not in _AFTER_SENDING
        and not spec.fields[name].flag("custom")
        and not (name == "Status" and current["Status"] == NEW and row[name] == READ)
    ]
    if locked:
        message = f"Only a draft email message can be edited: {', '.join(locked)} cannot change once it is not a draft"
        raise DmlFailure(DmlError("INSUFFICIENT_ACCESS_OR_READONLY", message, tuple(locked)))


def _derive_relation(connection: sqlite3.Connection, org: Org, row: dict[str, Any]) -> None:
    relation_id = row.get("RelationId")
    if relation_id is None:
        return
    target = org.catalog.by_prefix(str(relation_id)[:3])
    if target is None or target.name not in _PERSON_EMAIL:
        return  # check_references refuses it
    row["RelationObjectType"] = target.name
    if row.get("RelationAddress") is None:
        found = connection.execute(
            f'SELECT "{_PERSON_EMAIL[target.name]}" FROM "{target.name}" WHERE "Id" = ?',  # noqa: S608 - identifiers are constants, values are bound
            (relation_id,),
        ).fetchone()
        row["RelationAddress"] = found[0] if found else None


def add_email_task(connection: sqlite3.Connection, org: Org, spec: ObjectSpec, email: dict[str, Any]) -> None:
    """The Task Enhanced Email makes for a new email message outside a Case (`email`: the row about to be
    inserted, with its stamps), owned and stamped like the email; its id becomes the email's ActivityId."""
    if spec.name != "EmailMessage" or not org.enhanced_email or email.get("ParentId") or email.get("ActivityId"):
        return
    task_id = org.new_id("Task")
    sent = email.get("MessageDate")
    task = {
        "Id": task_id,
        "IsDeleted": 0,
        "Subject": (email.get("Subject") or "")[:255] or None,
        "Status": "Completed",
        "Priority": "Normal",
        "TaskSubtype": "Email",
        "Type": "Email",
        "ActivityDate": sent[:10] if sent else None,
        "OwnerId": email["CreatedById"],
        **{key: email[key] for key in _STAMPS},
    }
    columns = ", ".join(f'"{c}"' for c in task)
    marks = ", ".join("?" * len(task))
    connection.execute(f'INSERT INTO "Task" ({columns}) VALUES ({marks})', tuple(task.values()))  # noqa: S608 - identifiers are constants, values are bound
    email["ActivityId"] = task_id


def cascade_delete(connection: sqlite3.Connection, spec: ObjectSpec, record_id: str, user_id: str, stamp: str) -> None:
    """A deleted email message takes its relations with it (to the recycle bin, as it goes)."""
    if spec.name != "EmailMessage":
        return
    connection.execute(
        'UPDATE "EmailMessageRelation" SET "IsDeleted" = 1, "LastModifiedDate" = ?1, "LastModifiedById" = ?2, '
        '"SystemModstamp" = ?1 WHERE "EmailMessageId" = ?3 AND "IsDeleted" = 0',
        (stamp, user_id, record_id),
    )
