"""What a record's wanted values are made of, worked out once per object and set of plays.

`wanted_values` (engine/values.py) states the precedence: the mapped workspace value, then the play
defaults, then the global default. Everything in it that does not depend on the record (which
mappings write, each one's path split into parts, policy and options; which defaults are templates,
the policy a default falls back to, a constant default's `Wanted`) is the same for every record
planned with one config: a `WantedRecipe` holds it, so a record's visit only looks its values up and
renders its templates.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sfsync.config.models import Direction, FieldMapping, Policy
from sfsync.engine.field_values import PLAIN, Options, blank
from sfsync.templating import is_template

Context = Mapping[str, Any]


@dataclass(frozen=True)
class Wanted:
    """A value sfsync wants in `field`; `source` says where it came from (`person.title`, `play:NAME`)."""

    field: str
    value: Any
    source: str
    policy: Policy
    sensitive: bool = False
    options: Options = PLAIN


def default_policy(field: str, owned_prefix: str) -> Policy:
    """Defaults fill empty fields only, except fields sfsync owns by prefix."""
    return Policy.OWNED if field.startswith(owned_prefix) else Policy.IF_EMPTY


def fallback_policy(mapping: FieldMapping, owned_prefix: str) -> Policy:
    """The policy of a default standing in for a mapped field's empty value."""
    if mapping.policy in (Policy.OWNED, Policy.CREATE_ONLY, Policy.IF_UNCHANGED):
        return mapping.policy
    return Policy.IF_EMPTY


@dataclass(frozen=True, slots=True)
class _Mapped:
    """A mapping that writes its field: the workspace path in parts, and what its `Wanted` carries."""

    field: str
    parts: tuple[str, ...]
    source: str
    policy: Policy
    sensitive: bool
    options: Options


@dataclass(frozen=True, slots=True)
class _Default:
    """A default value of one source (`play:NAME` or `default`); `template`: rendered per record."""

    field: str
    raw: Any
    source: str
    policy: Policy
    sensitive: bool
    options: Options
    template: bool


class WantedRecipe:
    """The mappings and defaults of one object, in precedence order, ready to be applied to records.

    `wanted` gives exactly what `wanted_values` gives for the same inputs: the same `Wanted` values in
    the same order. A default that is not a template yields the same value for every record, and is
    built once.
    """

    def __init__(
        self,
        mappings: Mapping[str, FieldMapping],
        defaults: Sequence[tuple[str, Mapping[str, Any]]],
        owned_prefix: str,
    ) -> None:
        self.mapped = tuple(
            _Mapped(name, tuple(entry.from_.split(".")), entry.from_, entry.policy, entry.sensitive, _options(entry))
            for name, entry in mappings.items()
            if entry.direction is not Direction.READ
        )
        self.defaults: list[tuple[_Default, Wanted | None]] = []  # each with its constant `Wanted` (None: a template)
        for source, values in defaults:
            for name, raw in values.items():
                template = isinstance(raw, str) and is_template(raw)
                if not template and blank(raw):
                    continue  # an empty default never stands in for anything
                mapping = mappings.get(name)
                if mapping is None:
                    item = _Default(name, raw, source, default_policy(name, owned_prefix), False, PLAIN, template)
                else:
                    policy = fallback_policy(mapping, owned_prefix)
                    item = _Default(name, raw, source, policy, mapping.sensitive, _options(mapping), template)
                self.defaults.append((item, None if template else self.wanted_of(item, raw)))

    @property
    def constants(self) -> tuple[Wanted, ...]:
        """The `Wanted` of each default that is not a template: the same object for every record."""
        return tuple(constant for _item, constant in self.defaults if constant is not None)

    @staticmethod
    def wanted_of(item: _Mapped | _Default, value: Any) -> Wanted:
        return Wanted(item.field, value, item.source, item.policy, item.sensitive, item.options)

    def wanted(self, context: Context, render: Callable[[_Default], Any]) -> list[Wanted]:
        """The record's wanted values; `render` renders a template default (with a context of its own)."""
        wanted: dict[str, Wanted] = {}
        for entry in self.mapped:
            value = _lookup(context, entry.parts)
            if value is not None and not blank(value):
                wanted[entry.field] = Wanted(
                    entry.field, value, entry.source, entry.policy, entry.sensitive, entry.options
                )
        for item, constant in self.defaults:
            if item.field in wanted:
                continue
            if constant is not None:
                wanted[item.field] = constant
                continue
            value = render(item)
            if not blank(value):
                wanted[item.field] = self.wanted_of(item, value)
        return list(wanted.values())


def _lookup(context: Context, parts: tuple[str, ...]) -> Any:
    current: Any = context
    for part in parts:
        if type(current) is not dict and not isinstance(current, Mapping):  # a dict, nearly always: no ABC check
            return None
        current = current.get(part)
    return current


def _options(mapping: FieldMapping) -> Options:
    if not mapping.truncate and mapping.date_as is None:
        return PLAIN
    return Options(truncate=mapping.truncate, date_as=mapping.date_as)
