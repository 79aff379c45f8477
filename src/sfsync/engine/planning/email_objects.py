"""Which object an email is written as, and an email's values as a Task.

`sync.email.object: auto` picks EmailMessage when the org lets sfsync create one outside a Case
(Enhanced Email), else a completed Task on the person. The data API cannot see the Enhanced Email
setting (only the Metadata API can), and a probe that writes is not acceptable, so `auto` decides
from what the org has said:
- EmailMessage when the integration user may create it (describe `createable`), unless an earlier
  apply's EmailMessage create was refused with FIELD_INTEGRITY_EXCEPTION on `ParentId` (Salesforce's
  answer without Enhanced Email): the store remembers that refusal (its row result) and every later
  plan writes Tasks; `object: email_message` turns Enhanced Email's return back on;
- Task when EmailMessage cannot be created but Task can.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sfsync.config.email_mappings import email_mappings
from sfsync.config.models import Config, EmailObject, Policy
from sfsync.engine.field_values.base import Options
from sfsync.engine.values import Wanted
from sfsync.salesforce.email_access import EmailAccess
from sfsync.salesforce.permissions import FieldNeed
from sfsync.salesforce.port import ObjectDescribe
from sfsync.store import Store
from sfsync.store.emails import EmailMessage

EMAIL, TASK, RELATION = "EmailMessage", "Task", "EmailMessageRelation"
RELATION_FIELDS = ("EmailMessageId", "RelationId", "RelationType")
# What Salesforce answers an EmailMessage create outside a Case without Enhanced Email.
NEEDS_CASE_CODE, NEEDS_CASE_FIELD = "FIELD_INTEGRITY_EXCEPTION", "ParentId"
NEEDS_CASE_NOTE = "Enhanced Email is off in this org"  # starts the row result apply records for it
# An email's Task: completed, of subtype Email, on its person (`WhoId`, source `person`).
TASK_CONSTANTS = {"Status": "Completed", "TaskSubtype": "Email", "Type": "Email"}
TASK_SOURCES = {
    "Subject": "email.subject",
    "Description": "email.text_body",
    "ActivityDate": "email.sent_at",
    **dict.fromkeys(TASK_CONSTANTS, "email"),
    "WhoId": "person",
}
CUT = Options(truncate=True)  # a Task's fixed values are cut visibly to their fields, never refused


@dataclass(frozen=True)
class EmailObjectChoice:
    """The object emails are written as, and why (for the plan and `doctor`); `advice`: what would change it."""

    sobject: str | None
    reason: str
    advice: str = ""


# What `doctor` says once the store remembers Salesforce refusing an EmailMessage outside a Case.
REFUSED_REASON = (
    "auto: an earlier apply's EmailMessage create was refused without a Case "
    f"({NEEDS_CASE_CODE} on {NEEDS_CASE_FIELD}: Enhanced Email is off in this org)"
)
REFUSED_ADVICE = (
    "to write EmailMessages instead, turn Enhanced Email on (Setup → Email → Enhanced Email), "
    "then set sync.email.object: email_message"
)


def choose_email_object(
    config: Config, describes: Mapping[str, ObjectDescribe], store: Store | None
) -> EmailObjectChoice:
    """The object this plan writes emails as (None: neither can be created by the integration user);
    without a store, what the describes alone say."""
    asked = config.sync.email.object
    if asked is EmailObject.EMAIL_MESSAGE:
        return EmailObjectChoice(EMAIL, "sync.email.object is email_message")
    if asked is EmailObject.TASK:
        return EmailObjectChoice(TASK, "sync.email.object is task")
    if store is not None and store.runs.refused(EMAIL, NEEDS_CASE_CODE, NEEDS_CASE_NOTE):
        return EmailObjectChoice(TASK, REFUSED_REASON, REFUSED_ADVICE)
    if _createable(describes, EMAIL):
        return EmailObjectChoice(EMAIL, "auto: the integration user can create EmailMessage (Enhanced Email assumed)")
    if _createable(describes, TASK):
        return EmailObjectChoice(TASK, "auto: EmailMessage cannot be created by the integration user; Task can")
    return EmailObjectChoice(None, "auto: the integration user can create neither EmailMessage nor Task")


def task_wanted(email: EmailMessage, who_id: str) -> list[Wanted]:
    """An email's values as a completed Task of subtype Email on its person."""
    day = email.sent_at.astimezone(dt.UTC).date()
    values: dict[str, Any] = {
        "Subject": email.subject,
        "Description": email.text_body,
        "ActivityDate": day,
        **TASK_CONSTANTS,
        "WhoId": who_id,
    }
    return [
        Wanted(name, value, TASK_SOURCES[name], Policy.CREATE_ONLY, options=CUT)
        for name, value in values.items()
        if value is not None and value != ""
    ]


def _createable(describes: Mapping[str, ObjectDescribe], sobject: str) -> bool:
    describe = describes.get(sobject)
    return bool(describe and describe.createable)


def email_access(
    config: Config, describes: Mapping[str, ObjectDescribe | None], store: Store | None = None
) -> EmailAccess:
    """What writing emails needs of the integration user, for `doctor` and `validate --online`.

    `auto` needs what EmailMessage needs and what its Task fallback needs, whichever is used now. Given the
    store (`doctor`), the object used is the one the next plan writes: Task once the store remembers an
    Enhanced Email refusal, said with what would bring EmailMessage back.
    """
    choice = choose_email_object(config, {k: v for k, v in describes.items() if v is not None}, store)
    asked = config.sync.email.object
    objects: dict[str, tuple[str, ...]] = {}
    fields: list[FieldNeed] = []
    if asked is not EmailObject.TASK:
        objects |= {EMAIL: ("Read", "Create"), RELATION: ("Read", "Create")}
        defaulted = [name for name in config.defaults.get(EMAIL, {}) if name not in email_mappings(config)]
        fields += [FieldNeed(EMAIL, name, True, "email mapping") for name in [*email_mappings(config), *defaulted]]
        fields += [FieldNeed(RELATION, name, True, "email relation") for name in RELATION_FIELDS]
    if asked is not EmailObject.EMAIL_MESSAGE:
        objects[TASK] = ("Read", "Create")
        fields += [FieldNeed(TASK, name, True, "email Task") for name in TASK_SOURCES]
    return EmailAccess(objects, fields, choice.sobject or "nothing", choice.reason, choice.advice)
