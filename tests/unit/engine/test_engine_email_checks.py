"""Apply accepts only the email creates sfsync plans from the config; every other one is refused by name.
The person's role in an email decides its relation's type."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from engine_support import LEADS

from sfsync.catalogue import Direction
from sfsync.engine.applying.email_checks import check_email_change
from sfsync.engine.planning.emails import EMAIL_BATCH, relation_type
from sfsync.engine.plans.plan import Action, FieldChange, RecordChange, WorkspaceRef
from sfsync.errors import ForeignPlanError
from sfsync.store.emails import EmailMessage

EMAILING = LEADS.replace(
    "sync: {write: true, person_object: leads}", "sync:\n  write: true\n  person_object: leads\n  email: {write: true}"
)
SUBJECT = FieldChange("Subject", None, "Engines", "email.subject", "create_only", "new record")
CHANGE = RecordChange(
    "EmailMessage/e_1", "EmailMessage", Action.CREATE, WorkspaceRef("email", "e_1", "Engines · ada"), None, "",
    (SUBJECT,), batch=EMAIL_BATCH,
)  # fmt: skip


def test_a_planned_email_create_is_accepted(write_config) -> None:
    check_email_change(write_config(EMAILING).config, CHANGE, set())


@pytest.mark.parametrize(
    ("change", "why"),
    [
        (replace(CHANGE, action=Action.UPDATE, sf_id="02s000000000001AAA"), "only ever created"),
        (replace(CHANGE, key="EmailMessage/e_2"), "an email is written as"),
        (replace(CHANGE, fields=(replace(SUBJECT, source="person.title"),)), "does not write it from 'person.title'"),
        (replace(CHANGE, fields=(replace(SUBJECT, policy="overwrite"),)), "written once, at its create"),
        (replace(CHANGE, fields=(SUBJECT, SUBJECT)), "written twice"),
        (replace(CHANGE, batch=1), "after the people"),
    ],
)
def test_an_email_create_sfsync_would_not_plan_is_refused(write_config, change: RecordChange, why: str) -> None:
    with pytest.raises(ForeignPlanError, match=why):
        check_email_change(write_config(EMAILING).config, change, set())


def test_email_creates_are_refused_without_email_writes(write_config) -> None:
    with pytest.raises(ForeignPlanError, match="sync.email.write is false"):
        check_email_change(write_config(LEADS).config, CHANGE, set())


def _email(direction: Direction, to: tuple[str, ...], cc: tuple[str, ...] = ()) -> EmailMessage:
    sent = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
    return EmailMessage("e_1", "<m@x.example>", direction, sent, "p_1", None, "us@team.example", to, cc,
                        "Hi", None, None, {})  # fmt: skip


def test_the_relation_type_follows_the_persons_role() -> None:
    assert relation_type(_email(Direction.INBOUND, ("us@team.example",)), "ada@acme.example") == "FromAddress"
    assert relation_type(_email(Direction.OUTBOUND, ("Ada@Acme.example",)), "ada@acme.example") == "ToAddress"
    copied = _email(Direction.OUTBOUND, ("bob@acme.example",), ("ADA@acme.example",))
    assert relation_type(copied, "ada@acme.example") == "CcAddress"
    both = _email(Direction.OUTBOUND, ("ada@acme.example",), ("ada@acme.example",))
    assert relation_type(both, "ada@acme.example") == "ToAddress"
