"""Filters: a small typed tree of conditions (`field`/`op`/`value`) combined with `all`, `any` and `not`.

A filter is data, never text: the engine compiles it to parameterised SQL or escaped SOQL. `salesforce:
Object` on a node makes its conditions (and those below it) read mirrored Salesforce records of that
object, by Salesforce field name, instead of workspace fields.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import Discriminator, Field, Tag, model_validator

from sfsync.config.base import Model, config_error

Scalar = str | int | float | bool


class Op(StrEnum):
    EQ = "eq"
    NE = "ne"
    IN = "in"
    NOT_IN = "not_in"
    CONTAINS = "contains"
    STARTS_WITH = "starts_with"
    ENDS_WITH = "ends_with"
    GT = "gt"
    GTE = "gte"
    LT = "lt"
    LTE = "lte"
    IS_NULL = "is_null"
    IS_NOT_NULL = "is_not_null"


LIST_OPS = frozenset({Op.IN, Op.NOT_IN})
NULL_OPS = frozenset({Op.IS_NULL, Op.IS_NOT_NULL})
TEXT_OPS = frozenset({Op.CONTAINS, Op.STARTS_WITH, Op.ENDS_WITH})


class Condition(Model):
    """One comparison: `field op value`. `in`/`not_in` take a list; `is_null`/`is_not_null` take no value."""

    field: str
    """A workspace field (`company.industry`), or a Salesforce field when `salesforce` is set."""
    op: Op
    value: Scalar | list[Scalar] | None = None
    salesforce: str | None = None
    """Compare a mirrored Salesforce record of this object (`Account`, `Opportunity`, …)."""

    @model_validator(mode="after")
    def _value_fits_op(self) -> Condition:
        if self.op in NULL_OPS and self.value is not None:
            raise config_error(f"op {self.op} takes no value", at="value")
        if self.op in LIST_OPS and not isinstance(self.value, list):
            raise config_error(f"op {self.op} needs a list value, e.g. [a, b]", at="value")
        if self.op not in NULL_OPS | LIST_OPS and (self.value is None or isinstance(self.value, list)):
            raise config_error(f"op {self.op} needs a single value", at="value" if self.value is not None else "op")
        if self.op in TEXT_OPS and not isinstance(self.value, str):
            raise config_error(f"op {self.op} needs a text value", at="value")
        return self


class All(Model):
    """True when every filter in `all` is true."""

    all: list[Filter] = Field(min_length=1)
    salesforce: str | None = None


class Any(Model):
    """True when at least one filter in `any` is true."""

    any: list[Filter] = Field(min_length=1)
    salesforce: str | None = None


class Not(Model):
    """True when the filter in `not` is false."""

    not_: Filter = Field(alias="not")
    salesforce: str | None = None


# Union tags appear in validation error locations; they are class names so they never collide with keys.
FILTER_TAGS = frozenset({"Condition", "All", "Any", "Not"})


def _filter_tag(value: object) -> str | None:
    if isinstance(value, Model):
        return type(value).__name__
    if not isinstance(value, dict):
        return None
    combinators = [key for key in ("all", "any", "not") if key in value]
    return combinators[0].capitalize() if combinators else "Condition"


Filter = Annotated[
    Annotated[Condition, Tag("Condition")]
    | Annotated[All, Tag("All")]
    | Annotated[Any, Tag("Any")]
    | Annotated[Not, Tag("Not")],
    Discriminator(
        _filter_tag,
        custom_error_type="sfsync_filter",
        custom_error_message="a filter is a mapping: {field, op, value}, {all: [...]}, {any: [...]} or {not: ...}",
    ),
]

All.model_rebuild()
Any.model_rebuild()
Not.model_rebuild()
