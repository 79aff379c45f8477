"""The workspace field catalogue: what `person.*` and `company.*` may name.

The workspace is the go-to-market side of the sync: the people and companies a sales team works
with. These are its standard fields; anything else loaded from a file is kept as an attribute
(`person.attributes.NAME`, `company.attributes.NAME`).
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
    """`person.attributes.NAME` / `company.attributes.NAME`: extra loaded columns."""
    parts = path.split(".")
    return len(parts) == 3 and parts[0] in ("person", "company") and parts[1] == "attributes" and bool(parts[2])
