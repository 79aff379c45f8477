"""The workspace field catalogue: what `person.*`, `company.*` and `email.*` may name.

The workspace is the go-to-market side of the sync: the people and companies a sales team works
with, and the emails it sent them and received from them. These are its standard fields; anything
else loaded from a file is kept as an attribute (`person.attributes.NAME`, `company.attributes.NAME`,
`email.attributes.NAME`).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Kind(StrEnum):
    """The two kinds of workspace record."""

    PERSON = "person"
    COMPANY = "company"


class FieldType(StrEnum):
    TEXT = "text"
    EMAIL = "email"
    DOMAIN = "domain"
    BOOLEAN = "boolean"
    DATE = "date"
    INTEGER = "integer"
    NUMBER = "number"
    CURRENCY_CODE = "currency_code"
    INTENT = "intent"


INTENT_LEVELS = ("High", "Medium", "Low", "None")
# The values a field of a closed type can hold, whatever the case (what loading accepts and stores).
CLOSED_VALUES: dict[FieldType, tuple[str, ...]] = {FieldType.INTENT: INTENT_LEVELS}


@dataclass(frozen=True)
class WorkspaceField:
    """A standard workspace field; `key` marks the field records are matched and upserted by."""

    kind: Kind
    name: str
    type: FieldType = FieldType.TEXT
    key: bool = False

    @property
    def path(self) -> str:
        return f"{self.kind}.{self.name}"


def _fields(kind: Kind, spec: dict[str, FieldType], key: str) -> dict[str, WorkspaceField]:
    return {name: WorkspaceField(kind, name, type_, name == key) for name, type_ in spec.items()}


T, B = FieldType.TEXT, FieldType.BOOLEAN

COMPANY_FIELDS = _fields(
    Kind.COMPANY,
    {
        "id": T, "name": T, "domain": FieldType.DOMAIN, "phone": T, "address": T, "city": T, "state": T,
        "postal_code": T, "country": T, "time_zone": T, "status": T, "linkedin_url": T, "description": T,
        "industry": T, "account_source": T, "do_not_contact": B, "founded": FieldType.DATE,
        "employee_count": FieldType.INTEGER, "revenue": FieldType.NUMBER,
        "revenue_currency": FieldType.CURRENCY_CODE, "intent_level": FieldType.INTENT,
    },
    key="domain",
)  # fmt: skip

PERSON_FIELDS = _fields(
    Kind.PERSON,
    {
        "id": T, "email": FieldType.EMAIL, "first_name": T, "last_name": T, "title": T, "mobile_phone": T,
        "work_phone": T, "phone": T, "linkedin_url": T, "lead_source": T, "status": T, "address": T,
        "city": T, "state": T, "postal_code": T, "country": T, "email_opt_out": B, "do_not_call": B,
        "do_not_email": B, "eu_resident": B, "last_activity_date": FieldType.DATE,
    },
    key="email",
)  # fmt: skip

# A person's company is found through this loaded column (a domain, normalised like company.domain).
PERSON_COMPANY_LINK = "company_domain"

FIELDS: dict[Kind, dict[str, WorkspaceField]] = {Kind.COMPANY: COMPANY_FIELDS, Kind.PERSON: PERSON_FIELDS}


def lookup(path: str) -> WorkspaceField | None:
    """The standard field `kind.name` names, or None (attributes and unknown names)."""
    kind, _, name = path.partition(".")
    try:
        return FIELDS[Kind(kind)].get(name)
    except ValueError:
        return None


def is_attribute(path: str) -> bool:
    """`person.attributes.NAME` / `company.attributes.NAME` / `email.attributes.NAME`: extra loaded columns."""
    parts = path.split(".")
    return len(parts) == 3 and parts[0] in ("person", "company", EMAIL) and parts[1] == "attributes" and bool(parts[2])


# --- email messages ---------------------------------------------------------------------------------
# Emails are not a `Kind`: they are never matched, updated, excluded on their own or in a play's audience;
# each belongs to one person and is written once. `email.*` names their fields in mappings and templates.
EMAIL = "email"


class EmailValue(StrEnum):
    """What an email field holds once loaded."""

    TEXT = "text"
    MESSAGE_ID = "message_id"  # an RFC 5322 Message-ID, normalised (`normalise_message_id`)
    ADDRESS = "address"  # one email address, as given
    ADDRESSES = "addresses"  # a list of addresses, as given
    MOMENT = "moment"  # a timezone-aware date and time
    DIRECTION = "direction"
    BOOLEAN = "boolean"  # derived on load, never a column of its own in a file


class Direction(StrEnum):
    """Whether the team sent the email (`outbound`) or received it (`inbound`)."""

    OUTBOUND = "outbound"
    INBOUND = "inbound"


EMAIL_FIELDS: dict[str, EmailValue] = {
    "message_id": EmailValue.MESSAGE_ID,
    "thread_id": EmailValue.TEXT,
    "direction": EmailValue.DIRECTION,
    "from_address": EmailValue.ADDRESS,
    "to_addresses": EmailValue.ADDRESSES,
    "cc_addresses": EmailValue.ADDRESSES,
    "subject": EmailValue.TEXT,
    "html_body": EmailValue.TEXT,
    "text_body": EmailValue.TEXT,
    "sent_at": EmailValue.MOMENT,
    "person_email": EmailValue.ADDRESS,  # the person the email concerns, normalised like person.email
    "incoming": EmailValue.BOOLEAN,  # direction is inbound
    "status": EmailValue.TEXT,  # EmailMessage.Status by direction (`EMAIL_STATUS`)
}
# Fields a file never names: they follow from the others.
DERIVED_EMAIL_FIELDS = frozenset({"incoming", "status"})
# EmailMessage.Status is a picklist of codes: "3" is Sent; a received email is logged as "1", Read.
EMAIL_STATUS = {Direction.OUTBOUND: "3", Direction.INBOUND: "1"}
# Other names a file may give an email column (compared as `column_key` folds them).
EMAIL_COLUMN_ALIASES = {
    "universal_message_id": "message_id",
    "from": "from_address",
    "to": "to_addresses",
    "cc": "cc_addresses",
    "person": "person_email",
}


def is_email_field(path: str) -> bool:
    """`email.NAME` for a standard email field."""
    namespace, _, name = path.partition(".")
    return namespace == EMAIL and name in EMAIL_FIELDS
