"""The `sources` section: where the workspace's people, companies and emails come from.

Each source is named and reads one object, from files (CSV or JSONL, by glob, relative to the config's
directory) or from one SQL query over a SQLAlchemy URL, whose `${VAR}` references are resolved only
when the source is read. `columns` maps a source column to a workspace field (`email` → `person.email`,
`notes` → `person.attributes.notes`); a column not listed is matched by its name, as `workspace load`
matches a file's. `sql.cursor` names a column that grows with each new row: each read then asks only for
rows beyond the greatest value the last read reached.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, ValidationInfo, field_validator, model_validator

from sfsync.catalogue import DERIVED_EMAIL_FIELDS, EMAIL, EMAIL_FIELDS, FIELDS, PERSON_COMPANY_LINK, Kind
from sfsync.config.base import Model, config_error

_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,99}")


def _source_name(name: str) -> str:
    if not _NAME.fullmatch(name):
        raise config_error(f"{name!r} is not a source name: letters, digits, `_` and `-`, up to 100")
    return name


SourceName = Annotated[str, AfterValidator(_source_name)]
SourceObject = Literal["person", "company", "email"]
# An email names its person by their email: `email.person` as a column target.
EMAIL_PERSON = "person"


class SqlSource(Model):
    """One SQL query over any SQLAlchemy URL (SQLite and PostgreSQL are tested; other dialects need their driver)."""

    url: str = Field(min_length=1)
    """`sqlite:///crm.db`, `postgresql://reader:${CRM_PASSWORD}@db/crm`, …; `${VAR}` allowed, a literal
    password is not."""
    query: str = Field(min_length=1)
    """A `SELECT`; each row is one record. With `cursor`, sfsync wraps it to add the cursor's condition."""
    cursor: str | None = Field(default=None, min_length=1)
    """A column of the query that grows with each new or changed row (an id, an `updated_at`): a read asks
    only for rows beyond the greatest value the last read reached."""


class DataSource(Model):
    """Where records of one object come from: `files` or `sql`, never both."""

    object: SourceObject
    """`person`, `company` or `email`: what each row is."""
    files: list[Annotated[str, Field(min_length=1)]] | None = Field(default=None, min_length=1)
    """Globs of CSV or JSONL (`*.jsonl`, `*.ndjson`) files, relative to the config's directory."""
    sql: SqlSource | None = None
    columns: dict[str, str] = Field(default_factory=dict)
    """Source column → workspace field of `object` (`person.first_name`, `person.attributes.NAME`)."""

    @field_validator("columns")
    @classmethod
    def _targets(cls, columns: dict[str, str], info: ValidationInfo) -> dict[str, str]:
        kind = info.data.get("object")
        if not isinstance(kind, str):  # `object` itself is wrong: said once, at it
            return columns
        for column, target in columns.items():
            problem = column_target_problem(kind, target)
            if problem:
                raise config_error(f"{column}: {problem}", at=column)
        return columns

    @model_validator(mode="after")
    def _one_origin(self) -> DataSource:
        if (self.files is None) == (self.sql is None):
            at = "sql" if self.sql is not None else ""
            raise config_error("a source reads either `files` or `sql`, exactly one of them", at=at)
        return self


def column_target_problem(kind: str, target: str) -> str:
    """Why `target` is not a workspace field a source of `kind` can fill, or ""."""
    head, _, name = target.partition(".")
    if head != kind:
        return f"{target!r} is not a {kind} field (write {kind}.FIELD)"
    if name.startswith("attributes.") and len(name) > len("attributes."):
        return ""
    if kind == EMAIL:
        known = {f for f in EMAIL_FIELDS if f not in DERIVED_EMAIL_FIELDS} | {EMAIL_PERSON}
    else:
        known = set(FIELDS[Kind(kind)]) | ({PERSON_COMPANY_LINK} if kind == Kind.PERSON else set())
    if name not in known:
        return f"{target!r} is not a {kind} field; known: {', '.join(sorted(known))}, or {kind}.attributes.NAME"
    return ""


Sources = dict[SourceName, DataSource]
