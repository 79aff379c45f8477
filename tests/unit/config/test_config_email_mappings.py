"""`mappings.EmailMessage` over the standard defaults, `sync.email`, and the config's digest."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sfsync.config import load_config
from sfsync.config.canonical import canonical, digest
from sfsync.config.email_checks import EMAIL_WRITES_OFF
from sfsync.config.email_mappings import DEFAULT_EMAIL_MAPPINGS, email_mappings
from sfsync.config.formatting import format_text
from sfsync.config.models import EmailObject, Policy
from sfsync.errors import Severity
from unit.config.conftest import VALID

EMAIL_SECTION = """\
sync:
  email: {write: true, object: task}
mappings:
  EmailMessage:
    subject: email.attributes.headline   # Salesforce field names are compared ignoring case
    Campaign__c: {from: email.attributes.campaign, policy: if_empty}
"""


def test_without_a_section_every_standard_field_is_mapped_create_only(write_config: Callable[[str], Path]) -> None:
    config = load_config(write_config(VALID)).config
    mappings = email_mappings(config)
    assert {name: m.from_ for name, m in mappings.items()} == DEFAULT_EMAIL_MAPPINGS
    assert mappings["MessageIdentifier"].from_ == "email.message_id"
    assert mappings["MessageDate"].from_ == "email.sent_at" and mappings["Incoming"].from_ == "email.incoming"
    assert {m.policy for m in mappings.values()} == {Policy.CREATE_ONLY}
    assert config.sync.email.write is False and config.sync.email.object is EmailObject.AUTO


def test_a_partial_section_replaces_only_the_fields_it_names(write_config: Callable[[str], Path]) -> None:
    config = load_config(write_config(VALID + EMAIL_SECTION)).config
    mappings = email_mappings(config)
    assert "Subject" not in mappings and mappings["subject"].from_ == "email.attributes.headline"
    assert mappings["Campaign__c"].policy is Policy.CREATE_ONLY  # emails are only ever created
    assert mappings["HtmlBody"].from_ == "email.html_body"
    assert config.sync.email.write is True and config.sync.email.object is EmailObject.TASK


def test_default_email_settings_leave_the_digest_of_a_config_as_it_was(write_config: Callable[[str], Path]) -> None:
    plain = load_config(write_config(VALID)).config
    assert "email" not in canonical(plain)["sync"]
    spelled = load_config(write_config(VALID + "sync:\n  email: {write: false, object: auto}\n")).config
    assert digest(spelled) == digest(plain)
    writing = load_config(write_config(VALID + EMAIL_SECTION)).config
    assert canonical(writing)["sync"]["email"] == {"object": "task", "write": True}
    assert digest(writing) != digest(plain)


def test_email_writes_without_sync_write_are_said_as_a_warning(write_config: Callable[[str], Path]) -> None:
    writing = load_config(write_config(VALID + EMAIL_SECTION.replace("sync:\n", "sync:\n  write: true\n")))
    assert EMAIL_WRITES_OFF not in [w.summary for w in writing.warnings]
    [warning] = [w for w in load_config(write_config(VALID + EMAIL_SECTION)).warnings if w.summary == EMAIL_WRITES_OFF]
    assert warning.severity is Severity.WARNING
    assert warning.position is not None and warning.position.line == VALID.count("\n") + 2


def test_fmt_keeps_the_email_section_in_its_order() -> None:
    text = VALID + "mappings:\n  EmailMessage:\n    Subject:   email.subject\n    MessageIdentifier: email.message_id\n"
    formatted = format_text(text, "sfsync.yaml")
    assert formatted.endswith("  EmailMessage:\n    Subject: email.subject\n    MessageIdentifier: email.message_id\n")
    assert format_text(formatted, "sfsync.yaml") == formatted
