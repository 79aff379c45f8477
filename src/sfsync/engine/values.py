"""Which value sfsync wants in a Salesforce field, and whether it may write it.

Precedence of a value: the mapped workspace value → a play default → the global default (a mapped
field whose workspace value is empty falls back to the defaults). Whether an update may replace the
Salesforce value is the field's policy (DESIGN §3); sfsync never writes null and never changes an
owner that is set.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from typing import Any

from sfsync.config.models import Direction, FieldMapping, Policy
from sfsync.engine.plan import FieldChange, FieldSkip, SkipCode
from sfsync.salesforce.port import FieldInfo
from sfsync.store.normalise import normalise_domain
from sfsync.templating import is_template, render

OWNER_FIELD = "OwnerId"
SENSITIVE = "(sensitive)"


@dataclass(frozen=True)
class Wanted:
    """A value sfsync wants in `field`; `source` says where it came from (`person.title`, `play:NAME`)."""

    field: str
    value: Any
    source: str
    policy: Policy
    sensitive: bool = False


class TemplateFailure(Exception):
    """A default template failed for one record; `path` locates the default in the config."""

    def __init__(self, path: tuple[str | int, ...], message: str) -> None:
        self.path = path
        super().__init__(message)


def is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def lookup(context: Mapping[str, Any], path: str) -> Any:
    """The value at a dotted workspace path (`company.attributes.tier`), or None."""
    current: Any = context
    for part in path.split("."):
        if not isinstance(current, Mapping):
            return None
        current = current.get(part)
    return current


def default_policy(field: str, owned_prefix: str) -> Policy:
    """Defaults fill empty fields only, except fields sfsync owns by prefix."""
    return Policy.OWNED if field.startswith(owned_prefix) else Policy.IF_EMPTY


def wanted_values(
    sobject: str,
    mappings: Mapping[str, FieldMapping],
    defaults: Sequence[tuple[str, Mapping[str, Any]]],
    context: Mapping[str, Any],
    owned_prefix: str,
) -> list[Wanted]:
    """Every field sfsync wants to set on `sobject` for one record, by precedence.

    `defaults` is ordered: the play defaults first (`("play:NAME", values)`), the global ones last
    (`("default", values)`).
    """
    wanted: dict[str, Wanted] = {}
    for name, entry in mappings.items():
        if entry.direction is Direction.READ:
            continue
        value = lookup(context, entry.from_)
        if not is_empty(value):
            wanted[name] = Wanted(name, value, entry.from_, entry.policy, entry.sensitive)
    for source, values in defaults:
        for name, raw in values.items():
            if name in wanted:
                continue
            value = _default_value(source, sobject, name, raw, context)
            if is_empty(value):
                continue
            mapping = mappings.get(name)
            policy = default_policy(name, owned_prefix) if mapping is None else fallback_policy(mapping, owned_prefix)
            wanted[name] = Wanted(name, value, source, policy, mapping.sensitive if mapping else False)
    return list(wanted.values())


def fallback_policy(mapping: FieldMapping, owned_prefix: str) -> Policy:
    """The policy of a default standing in for a mapped field's empty value."""
    if mapping.policy in (Policy.OWNED, Policy.CREATE_ONLY, Policy.IF_UNCHANGED):
        return mapping.policy
    return Policy.IF_EMPTY


def _default_value(source: str, sobject: str, field: str, raw: Any, context: Mapping[str, Any]) -> Any:
    if not isinstance(raw, str) or not is_template(raw):
        return raw
    try:
        return render(raw, context)
    except Exception as error:  # the templating error carries the message; we add where the default is
        raise TemplateFailure(_default_path(source, sobject, field), str(error)) from error


def _default_path(source: str, sobject: str, field: str) -> tuple[str | int, ...]:
    if source.startswith("play:"):
        return ("plays", source.removeprefix("play:"), "sync_to_salesforce", "defaults", sobject, field)
    return ("defaults", sobject, field)


def coerce(value: Any, info: FieldInfo | None) -> Any:
    """The workspace value in the JSON type Salesforce expects for the field."""
    if info is None or value is None:
        return value
    kind = info.type
    try:
        if kind == "boolean":
            return value if isinstance(value, bool) else str(value).strip().lower() in ("true", "1", "yes", "y")
        if kind == "int":
            return int(Decimal(str(value)))
        if kind in ("double", "currency", "percent"):
            return float(Decimal(str(value)))
    except (InvalidOperation, ValueError):
        return str(value)
    if kind in ("string", "textarea", "email", "phone", "url", "picklist", "id", "reference") and not isinstance(
        value, str
    ):
        return str(value)
    return value


def same_value(before: Any, after: Any, info: FieldInfo | None = None) -> bool:
    """Equal as Salesforce means it: numbers by value, booleans by truth, emails and URLs loosely."""
    if is_empty(before) or is_empty(after):
        return is_empty(before) and is_empty(after)
    left, right = str(before).strip(), str(after).strip()
    kind = info.type if info else ""
    if kind == "email":
        return left.lower() == right.lower()
    if kind == "url":
        a, b = normalise_domain(left), normalise_domain(right)
        return a.value == b.value if a.ok and b.ok else left == right
    if left.lower() in ("true", "false") and right.lower() in ("true", "false"):
        return left.lower() == right.lower()
    try:
        return Decimal(left) == Decimal(right)
    except InvalidOperation:
        return left == right


def decide(
    wanted: Wanted, before: Any, ledger: Any, *, create: bool, info: FieldInfo | None
) -> FieldChange | FieldSkip | None:
    """The field's fate: a change to send, a skip with its reason, or None when nothing differs."""
    if info is not None and info.encrypted and not wanted.sensitive:
        wanted = replace(wanted, sensitive=True)  # encrypted strings are sensitive whatever the mapping says
    after = coerce(wanted.value, info)
    if is_empty(after):
        return None
    if create:
        return _change(wanted, None, after, "new record")
    if same_value(before, after, info):
        return None
    if wanted.field == OWNER_FIELD and not is_empty(before):
        return _skip(wanted, before, after, SkipCode.POLICY, "owner is set; sfsync never changes it")
    return _by_policy(wanted, before, after, ledger, info)


def _by_policy(
    wanted: Wanted, before: Any, after: Any, ledger: Any, info: FieldInfo | None
) -> FieldChange | FieldSkip | None:
    policy = wanted.policy
    if policy is Policy.OWNED:
        return _change(wanted, before, after, "owned by sfsync")
    if policy is Policy.CREATE_ONLY:
        return _skip(wanted, before, after, SkipCode.POLICY, "create_only: written on create only")
    if is_empty(before):
        return _change(wanted, before, after, "empty in Salesforce")
    if policy is Policy.IF_UNCHANGED and not is_empty(ledger) and same_value(before, ledger, info):
        return _change(wanted, before, after, "unchanged since sfsync wrote it")
    if policy is Policy.IF_UNCHANGED:
        why = (
            "changed in Salesforce since sfsync wrote it"
            if not is_empty(ledger)
            else "set in Salesforce, not by sfsync"
        )
        return _skip(wanted, before, after, SkipCode.POLICY, f"if_unchanged: {why}")
    if not _mapped(wanted):
        return None  # a default is a fallback: a value already set is simply not its business
    return _skip(wanted, before, after, SkipCode.POLICY, "if_empty: already set in Salesforce")


def _mapped(wanted: Wanted) -> bool:
    return wanted.source.startswith(("person.", "company."))


def _change(wanted: Wanted, before: Any, after: Any, why: str) -> FieldChange:
    return FieldChange(wanted.field, before, after, wanted.source, str(wanted.policy), why, None, wanted.sensitive)


def _skip(wanted: Wanted, before: Any, after: Any, code: SkipCode, why: str) -> FieldSkip:
    return FieldSkip(wanted.field, before, after, code, why, wanted.sensitive)
