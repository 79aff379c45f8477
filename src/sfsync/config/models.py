"""The `sfsync.yaml` contract as frozen pydantic models; the JSON Schema is generated from these.

Shorthand is normalised on load: a mapping given as a string (`Name: company.name`) becomes a full
`FieldMapping`, and a mapping without a policy gets `owned` when its Salesforce field starts with
`sync.owned_prefix`, else `if_empty`.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BeforeValidator, Field, GetJsonSchemaHandler, model_validator
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema

from sfsync.catalogue import Kind
from sfsync.config.base import Model
from sfsync.config.connection import (
    AuthMethod,
    Connection,
    IntegrationUser,
    JwtAuth,
    PasswordAuth,
    RefreshTokenAuth,
    SessionAuth,
    SfdxUrlAuth,
)
from sfsync.config.filters import All, Any, Condition, Filter, Not, Op
from sfsync.config.sources import Sources
from sfsync.config.sync_settings import (
    DEFAULT_OWNED_PREFIX,
    ApiChoice,
    CompanyMatch,
    ContactsWithoutAccount,
    DuplicateRules,
    EmailObject,
    EmailSync,
    PersonObject,
    Sync,
    WriteGuard,
)

__all__ = [
    "All",
    "Any",
    "ApiChoice",
    "Audience",
    "AuthMethod",
    "CompanyMatch",
    "Condition",
    "Config",
    "Connection",
    "ContactsWithoutAccount",
    "DateAs",
    "DefaultValue",
    "Direction",
    "DuplicateRules",
    "EmailObject",
    "EmailSync",
    "Exclusion",
    "FieldMapping",
    "Filter",
    "IntegrationUser",
    "JwtAuth",
    "Kind",
    "Not",
    "Op",
    "PasswordAuth",
    "PersonObject",
    "Play",
    "Policy",
    "RefreshTokenAuth",
    "SessionAuth",
    "SfdxUrlAuth",
    "Sync",
    "SyncToSalesforce",
    "WriteGuard",
]

DEFAULT_STORE = "sqlite:///.sfsync/sfsync.db"


class Direction(StrEnum):
    READ = "read"
    WRITE = "write"
    READ_WRITE = "read_write"


class Policy(StrEnum):
    """When an update may touch a Salesforce value (creates fill every writable field)."""

    IF_EMPTY = "if_empty"
    OWNED = "owned"
    IF_UNCHANGED = "if_unchanged"
    CREATE_ONLY = "create_only"


class DateAs(StrEnum):
    """How a date without a time goes into a date-and-time field."""

    MIDNIGHT_UTC = "midnight_utc"


DefaultValue = str | int | float | bool


def _mapping_shorthand(value: object) -> object:
    return {"from": value} if isinstance(value, str) else value


def _shorthand_schema(core_schema: CoreSchema, handler: GetJsonSchemaHandler) -> JsonSchemaValue:
    full = handler(core_schema)
    shorthand = {"type": "string", "description": "Shorthand for `{from: FIELD}`."}
    return {"anyOf": [shorthand, full]}


class _Shorthand:
    """Schema marker: a field mapping may also be written as just its workspace field."""

    __get_pydantic_json_schema__ = staticmethod(_shorthand_schema)


class FieldMapping(Model):
    """How one Salesforce field relates to one workspace field."""

    from_: str = Field(alias="from")
    """The workspace field: `person.email`, `company.name`, `person.attributes.NAME`, …"""
    direction: Direction = Direction.WRITE
    policy: Policy = Policy.IF_EMPTY
    """Defaults to `owned` for fields starting with `sync.owned_prefix`, else `if_empty`."""
    sensitive: bool = False
    """Keep values out of plans, logs and reports (shown as `(sensitive)`)."""
    truncate: bool = False
    """Cut text longer than the Salesforce field to its length (otherwise the field is skipped, `too_long`)."""
    date_as: DateAs | None = None
    """`midnight_utc`: a date without a time goes into a date-and-time field as midnight UTC (otherwise
    it is an `invalid_value`)."""


MappingEntry = Annotated[FieldMapping, BeforeValidator(_mapping_shorthand), _Shorthand()]


class SyncToSalesforce(Model):
    """A play's write-back action; its defaults override the global ones for the play's records."""

    defaults: dict[str, dict[str, DefaultValue]] = Field(default_factory=dict)


class Audience(Model):
    """The records a play runs on: every `object` matching `where` (all of them without `where`)."""

    object: Kind
    where: Filter | None = None


class Play(Model):
    """Runs once on each record that enters its audience."""

    name: str = Field(min_length=1)
    audience: Audience
    sync_to_salesforce: SyncToSalesforce | None = None


class Exclusion(Model):
    """Records sfsync never writes; a company exclusion also covers its people and its domain."""

    name: str = Field(min_length=1)
    applies_to: Kind
    where: Filter


class Config(Model):
    """An sfsync config: the org, what is synced and how, default values, exclusions and plays."""

    version: Literal[1]
    connection: Connection
    store: str = DEFAULT_STORE
    """`sqlite:///PATH` (embedded, the default) or `postgresql://…`; `${VAR}` allowed."""
    sync: Sync = Field(default_factory=Sync)
    mappings: dict[str, dict[str, MappingEntry]] = Field(default_factory=dict)
    """Keyed by Salesforce object, then Salesforce field."""
    defaults: dict[str, dict[str, DefaultValue]] = Field(default_factory=dict)
    """Fallback values by Salesforce object and field: a literal or a jinja2 template."""
    exclusions: list[Exclusion] = Field(default_factory=list)
    plays: list[Play] = Field(default_factory=list)
    sources: Sources = Field(default_factory=dict)
    """Where workspace records come from, by name: files or SQL queries `plan` and `run` read themselves."""

    @model_validator(mode="before")
    @classmethod
    def _owned_policies(cls, data: object) -> object:
        if not isinstance(data, dict) or not isinstance(data.get("mappings"), dict):
            return data
        sync = data.get("sync")
        prefix = sync.get("owned_prefix") if isinstance(sync, dict) else None
        prefix = prefix if isinstance(prefix, str) and prefix else DEFAULT_OWNED_PREFIX
        mappings = {
            obj: _with_policies(fields, prefix) if isinstance(fields, dict) else fields
            for obj, fields in data["mappings"].items()
        }
        return {**data, "mappings": mappings}


def _with_policies(fields: dict[object, object], prefix: str) -> dict[object, object]:
    result: dict[object, object] = {}
    for name, entry in fields.items():
        full = _mapping_shorthand(entry)
        owned = isinstance(name, str) and name.startswith(prefix)
        if isinstance(full, dict) and "policy" not in full and owned:
            full = {**full, "policy": Policy.OWNED.value}
        result[name] = full
    return result
