"""The starter config `init --from-org` writes, given the org's describes."""

from __future__ import annotations

from pathlib import Path

from sfsync.config import load_config_text
from sfsync.config.email_mappings import DEFAULT_EMAIL_MAPPINGS
from sfsync.config.formatting import format_text
from sfsync.salesforce.port import FieldInfo, ObjectDescribe
from sfsync.starter import DEFAULT_MAPPINGS, StarterOptions, starter_text


def _describe(name: str, fields: list[str], *, read_only: tuple[str, ...] = ()) -> ObjectDescribe:
    infos = {f: FieldInfo(f, "string", createable=f not in read_only, updateable=f not in read_only) for f in fields}
    return ObjectDescribe(name, True, True, True, infos, f"digest-{name}")


def _org(*, emails: ObjectDescribe | None) -> dict[str, ObjectDescribe | None]:
    objects = {name: _describe(name, [m.field for m in DEFAULT_MAPPINGS[name]]) for name in ("Account", "Contact")}
    return {**objects, "EmailMessage": emails}


def test_an_org_with_email_messages_gets_the_standard_email_mappings(tmp_path: Path) -> None:
    fields = [name for name in DEFAULT_EMAIL_MAPPINGS if name != "ThreadIdentifier"]
    emails = _describe("EmailMessage", fields, read_only=("Status",))
    text = starter_text(StarterOptions(), _org(emails=emails))
    section = text[text.index("  EmailMessage:") : text.index("# left out")]
    assert "    MessageIdentifier: email.message_id\n" in section and "    MessageDate: email.sent_at\n" in section
    assert "ThreadIdentifier" not in section and "Status" not in section  # not in the org; not createable
    assert "EmailMessage.ThreadIdentifier, EmailMessage.Status" in text
    loaded = load_config_text(text, tmp_path / "sfsync.yaml")
    assert loaded.config.mappings["EmailMessage"]["Subject"].from_ == "email.subject"
    assert format_text(text, "sfsync.yaml") == text


def test_an_org_without_email_messages_gets_no_email_section() -> None:
    text = starter_text(StarterOptions(), _org(emails=None))
    assert "EmailMessage" not in text
    assert "EmailMessage" not in starter_text(StarterOptions())  # offline: the defaults stand
