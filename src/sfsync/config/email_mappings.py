"""The EmailMessage fields an email is written with: the standard defaults under `mappings.EmailMessage`.

The section is optional and may be partial: each Salesforce field it names replaces that field's
default (compared ignoring case, as Salesforce does), and every other default stays. Emails are only
ever created, so every mapping here is `create_only`, whatever policy it was given.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sfsync.config.models import FieldMapping, Policy

if TYPE_CHECKING:
    from sfsync.config.models import Config

EMAIL_OBJECT = "EmailMessage"

# Salesforce field → email field, for the standard EmailMessage object.
DEFAULT_EMAIL_MAPPINGS: dict[str, str] = {
    "MessageIdentifier": "email.message_id",
    "ThreadIdentifier": "email.thread_id",
    "Subject": "email.subject",
    "HtmlBody": "email.html_body",
    "TextBody": "email.text_body",
    "FromAddress": "email.from_address",
    "ToAddress": "email.to_addresses",
    "CcAddress": "email.cc_addresses",
    "MessageDate": "email.sent_at",
    "Incoming": "email.incoming",
    "Status": "email.status",
}


def email_mappings(config: Config) -> dict[str, FieldMapping]:
    """Every EmailMessage field written for an email: the config's section over the defaults."""
    given = config.mappings.get(EMAIL_OBJECT, {})
    named = {name.lower() for name in given}
    result = {
        name: FieldMapping.model_validate({"from": source})
        for name, source in DEFAULT_EMAIL_MAPPINGS.items()
        if name.lower() not in named
    }
    result.update(given)
    return {name: mapping.model_copy(update={"policy": Policy.CREATE_ONLY}) for name, mapping in result.items()}
