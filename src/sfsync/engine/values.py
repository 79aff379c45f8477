"""Which value sfsync wants in a Salesforce field, and whether it may write it.

Precedence of a value: the mapped workspace value → a play default → the global default (a mapped
field whose workspace value is empty falls back to the defaults). Whether an update may replace the
Salesforce value is the field's policy (DESIGN §3); sfsync never writes null and never changes an
owner that is set. How a value is converted, compared and judged empty is the field type's
(`engine.field_values`): these functions are the engine's entry points to it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from typing import Any, NamedTuple, Protocol

from sfsync.config.models import FieldMapping, Policy
from sfsync.engine.field_values import PLAIN, FieldValues, InvalidValue, Options, TooLong, blank, for_field
from sfsync.engine.plans.plan import FieldChange, FieldSkip, SkipCode
from sfsync.engine.sensitive import sensitive_field
from sfsync.engine.wanted_recipe import Wanted as Wanted  # defined with the recipe, asked for here
from sfsync.engine.wanted_recipe import WantedRecipe
from sfsync.engine.wanted_recipe import default_policy as default_policy
from sfsync.engine.wanted_recipe import fallback_policy as fallback_policy
from sfsync.salesforce.port import FieldInfo
from sfsync.templating import is_template, render

OWNER_FIELD = "OwnerId"
SENSITIVE = "(sensitive)"


class InvalidFieldValue(Exception):
    """A wanted value that cannot go into its field: the whole record is a row error (`invalid_value`)."""

    def __init__(self, wanted: Wanted, problem: str) -> None:
        self.wanted, self.problem = wanted, problem
        super().__init__(self.reason)

    @property
    def reason(self) -> str:
        """Names the Salesforce field, the workspace field (or default) and the value, unless it is sensitive."""
        wanted = self.wanted
        shown = f"the value {SENSITIVE}" if wanted.sensitive else _shown(wanted.value)
        return f"{wanted.field} (from {wanted.source}): {shown} is {self.problem}"


def _shown(value: Any) -> str:
    return repr(value) if isinstance(value, str | list | dict) else str(value)


class TemplateFailure(Exception):
    """A default template failed for one record; `path` locates the default in the config."""

    def __init__(self, path: tuple[str | int, ...], message: str) -> None:
        self.path = path
        super().__init__(message)


def is_empty(value: Any, info: FieldInfo | None = None) -> bool:
    """No value (None, blank text); with a field, empty as that field means it (a false checkbox is empty)."""
    return for_field(info).is_empty(value) if info is not None else blank(value)


def lookup(context: Mapping[str, Any], path: str) -> Any:
    """The value at a dotted workspace path (`company.attributes.tier`), or None."""
    current: Any = context
    for part in path.split("."):
        if not isinstance(current, Mapping):
            return None
        current = current.get(part)
    return current


def wanted_values(
    sobject: str,
    mappings: Mapping[str, FieldMapping],
    defaults: Sequence[tuple[str, Mapping[str, Any]]],
    context: Mapping[str, Any],
    owned_prefix: str,
) -> list[Wanted]:
    """Every field sfsync wants to set on `sobject` for one record, by precedence.

    `defaults` is ordered: the play defaults first (`("play:NAME", values)`), the global ones last
    (`("default", values)`). A mapped field whose workspace value is empty falls back to the defaults.
    Planning builds the `WantedRecipe` once per object and plays and applies it to each record.
    """
    return wanted_by(WantedRecipe(mappings, defaults, owned_prefix), sobject, context, lambda: context)


def wanted_by(
    recipe: WantedRecipe, sobject: str, context: Mapping[str, Any], fresh: Callable[[], Mapping[str, Any]]
) -> list[Wanted]:
    """The record's wanted values by `recipe`: its fields looked up in `context`, its template defaults
    rendered with one context `fresh` makes for them (made once, when a template needs it)."""
    made: list[Mapping[str, Any]] = []

    def render_default(item: Any) -> Any:
        if not made:
            made.append(fresh())
        return _default_value(item.source, sobject, item.field, item.raw, made[0])

    return recipe.wanted(context, render_default)


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


def coerce(value: Any, info: FieldInfo | None, options: Options = PLAIN) -> Any:
    """The workspace value in the JSON form Salesforce stores for the field (None: nothing to send).

    Raises `InvalidValue` when it cannot go into the field (`'1.5'` for a whole number, `maybe` for a
    checkbox, a list for anything but a multi-select picklist).
    """
    return for_field(info).to_salesforce(value, options)


def same_value(before: Any, after: Any, info: FieldInfo | None = None) -> bool:
    """Equal as the field's type means it (text exactly after trimming without a field)."""
    return for_field(info).same(before, after)


def stored_value(value: Any, info: FieldInfo | None) -> Any:
    """The value in Salesforce's own form, as a read returns it after a save (for the ledger and mirror)."""
    return for_field(info).stored(value)


def decide(
    wanted: Wanted, before: Any, ledger: Any, *, create: bool, info: FieldInfo | None
) -> FieldChange | FieldSkip | None:
    """The field's fate: a change to send, a skip with its reason, or None when nothing differs.

    Raises `InvalidFieldValue` when the value cannot go into the field: the record is a row error.
    """
    secret = sensitive_field(info, wanted.field, marked=False)
    return decide_by(wanted, before, ledger, create, _Rule(info, for_field(info), secret))


class DecisionRule(Protocol):
    """What `decide_by` needs of a field, worked out once per field (planning/field_rules.py)."""

    @property
    def info(self) -> FieldInfo | None: ...
    @property
    def kind(self) -> FieldValues: ...
    @property
    def secret(self) -> bool: ...


class _Rule(NamedTuple):
    info: FieldInfo | None
    kind: FieldValues
    secret: bool


def decide_by(
    wanted: Wanted, before: Any, ledger: Any, create: bool, rule: DecisionRule
) -> FieldChange | FieldSkip | None:
    """`decide`, with the field's kind and sensitivity already chosen (`rule`).

    The field's verdict is reached first (compared, then judged by its policy), and only a field the
    plan holds is built, once: a field that needs no change costs its conversion and comparison.
    """
    if rule.secret and not wanted.sensitive:
        wanted = replace(wanted, sensitive=True)  # encrypted or secret-named: sensitive whatever the mapping says
    kind = rule.kind
    options = wanted.options
    try:  # `_converted`, inline: this runs for every field of every record planned
        after = kind.to_salesforce(wanted.value, options)
    except InvalidValue as error:
        raise InvalidFieldValue(wanted, str(error)) from error
    if after is None:
        return None
    too_long: TooLong | None = None
    try:
        after, cut_from = kind.fit(after, options)
    except TooLong as error:
        too_long, cut_from = error, 0
    verdict = NEW_RECORD if create else _verdict(wanted, kind, before, after, ledger)
    if verdict is None:
        return None
    if isinstance(verdict, tuple):
        return _skip(wanted, before, after, *verdict)
    if too_long is not None:
        return _skip(wanted, before, after, SkipCode.TOO_LONG, _too_long(too_long))
    if cut_from and rule.info is not None:
        verdict = f"{verdict}; truncated from {cut_from} to {rule.info.length} characters"
    return FieldChange(
        wanted.field, None if create else before, after, wanted.source, wanted.policy, verdict, None, wanted.sensitive
    )


def sendable(wanted: Wanted, info: FieldInfo | None) -> Any:
    """The value `decide` would send for `wanted` (None: nothing to send); raises InvalidFieldValue and TooLong."""
    kind = for_field(info)
    after = _converted(wanted, kind)
    return None if after is None else kind.fit(after, wanted.options)[0]


def _converted(wanted: Wanted, kind: FieldValues) -> Any:
    try:
        return kind.to_salesforce(wanted.value, wanted.options)
    except InvalidValue as error:
        raise InvalidFieldValue(wanted, str(error)) from error


def _too_long(error: TooLong) -> str:
    hint = " (`truncate: true` on the mapping cuts it)" if error.can_truncate else ""
    return f"too long: {error.length} characters, the field holds {error.limit}{hint}"


# A field's verdict: why it changes (a reason), why it is kept (a skip's code and reason), or None.
Verdict = str | tuple[SkipCode, str] | None
NEW_RECORD = "new record"


def _verdict(wanted: Wanted, kind: FieldValues, before: Any, after: Any, ledger: Any) -> Verdict:
    """An update's verdict on one field: nothing to do when equal, else as the owner rule and policy say."""
    if (type(before) is type(after) and before == after) or kind.same(before, after):
        return None  # `same` is reflexive: a value equal to the one sent (the usual case) needs no kind's key
    if wanted.field == OWNER_FIELD and not kind.is_empty(before):
        return SkipCode.POLICY, "owner is set; sfsync never changes it"
    return _by_policy(wanted, kind, before, ledger)


def _by_policy(wanted: Wanted, kind: FieldValues, before: Any, ledger: Any) -> Verdict:
    policy = wanted.policy
    if policy is Policy.OWNED:
        return "owned by sfsync"
    if policy is Policy.CREATE_ONLY:
        return SkipCode.POLICY, "create_only: written on create only"
    if kind.is_empty(before):
        return "empty in Salesforce"
    if policy is Policy.IF_UNCHANGED and not blank(ledger) and kind.same(before, ledger):
        return "unchanged since sfsync wrote it"
    if policy is Policy.IF_UNCHANGED:
        why = "changed in Salesforce since sfsync wrote it" if not blank(ledger) else "set in Salesforce, not by sfsync"
        return SkipCode.POLICY, f"if_unchanged: {why}"
    if not _mapped(wanted):
        return None  # a default is a fallback: a value already set is simply not its business
    return SkipCode.POLICY, "if_empty: already set in Salesforce"


def _mapped(wanted: Wanted) -> bool:
    return wanted.source.startswith(("person.", "company."))


def _skip(wanted: Wanted, before: Any, after: Any, code: SkipCode, why: str) -> FieldSkip:
    return FieldSkip(wanted.field, before, after, code, why, wanted.sensitive)
