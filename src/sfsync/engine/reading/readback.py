"""Values read from Salesforce: typed by the describe, and turned into workspace updates."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sfsync.catalogue import FieldType, Kind, lookup
from sfsync.config.models import FieldMapping
from sfsync.engine.field_values import FieldValues, InvalidValue, for_field
from sfsync.engine.field_values.flags import boolean
from sfsync.engine.field_values.moments import calendar_date, moment
from sfsync.engine.field_values.numbers import decimal
from sfsync.engine.values import is_empty
from sfsync.salesforce.port import ObjectDescribe
from sfsync.store import Store
from sfsync.store.company_domain import COMPANY_DOMAIN_REFUSED
from sfsync.store.normalise import Normalised, normalise_domain, normalise_email
from sfsync.store.public_suffix import registrable_domain
from sfsync.store.workspace import RecordUpdate, companies_by_registrable, find_many

_KEY_FIELD = {Kind.PERSON: ("Email", "email", normalise_email), Kind.COMPANY: ("Website", "domain", normalise_domain)}


_JSON_TYPED = frozenset({"boolean", "int", "double", "currency", "percent"})


class ReadTyping:
    """How one object's read rows are typed: Bulk's text of a checkbox or number as the JSON value REST
    returns, other text as is and an empty cell as None. Each column's field is looked up once, not per row
    (a read's rows all have the same columns)."""

    def __init__(self, describe: ObjectDescribe) -> None:
        self.describe = describe
        self._kinds: dict[str, FieldValues | None] = {}  # column -> its JSON-typed kind, None for text

    def values(self, row: Mapping[str, Any]) -> dict[str, Any]:
        result: dict[str, Any] = {}
        kinds = self._kinds
        for name, value in row.items():
            if not isinstance(value, str):
                result[name] = value
                continue
            if value == "":
                result[name] = None
                continue
            kind = kinds[name] if name in kinds else self._kind(name)
            result[name] = value if kind is None else _typed(value, kind)
        return result

    def _kind(self, name: str) -> FieldValues | None:
        info = self.describe.field(name)
        kind = for_field(info) if info is not None and info.type in _JSON_TYPED else None
        self._kinds[name] = kind
        return kind


def _typed(value: str, kind: FieldValues) -> Any:
    try:
        return kind.to_salesforce(value)
    except InvalidValue:
        return value


def workspace_update(
    kind: Kind, fields: Mapping[str, Any], mappings: Mapping[str, FieldMapping]
) -> tuple[RecordUpdate | None, str]:
    """The workspace update a read record makes, or None and why it is skipped (no valid key)."""
    sf_key, ws_key, normalise = _KEY_FIELD[kind]
    raw = fields.get(sf_key)
    normalised = normalise(str(raw)) if isinstance(raw, str) else None
    if normalised is None or not normalised.ok:
        return None, _skip_reason(kind, normalised)
    values: dict[str, Any] = {ws_key: normalised.value if kind is Kind.COMPANY else str(raw).strip()}
    attributes: dict[str, Any] = {}
    for sf_field, mapping in mappings.items():
        value = fields.get(sf_field)
        prefix, _, name = mapping.from_.partition(".")
        if prefix != str(kind) or is_empty(value) or name == ws_key:
            continue
        if name.startswith("attributes."):
            attributes[name.removeprefix("attributes.")] = value
        elif name != "id":
            values[name] = workspace_value(mapping.from_, value)
    return RecordUpdate(kind, 0, None, normalised.value, values, attributes), ""


def onto_registrable(store: Store, updates: Sequence[RecordUpdate]) -> list[RecordUpdate]:
    """Matching by registrable domain, a read Account on `acme.com` updates the company `shop.acme.com`
    when no company is on its own host: one company key, one company. That company keeps its domain."""
    keys = [str(u.key) for u in updates if u.key]
    with store.session.read() as conn:
        on_host = {str(r.key) for r in find_many(conn, Kind.COMPANY, keys)}
        regs = sorted({registrable_domain(k) for k in keys if k not in on_host})
        by_reg = companies_by_registrable(conn, regs) if regs else {}
    result = []
    for update in updates:
        # Only records read by key: a linked record's update already names its company.
        keyed = update.key and update.id is None and update.key not in on_host
        owner = by_reg.get(registrable_domain(update.key)) if keyed and update.key else None
        if owner is None:
            result.append(update)
            continue
        values = {name: value for name, value in update.values.items() if name != "domain"}
        result.append(RecordUpdate(update.kind, update.line, owner.id, None, values, update.attributes, update.origin))
    return result


def _skip_reason(kind: Kind, normalised: Normalised | None) -> str:
    """The read pass's skip count: a website naming a host many companies share says which and why."""
    if kind is Kind.PERSON:
        return "no email"
    if normalised is not None and normalised.reason.startswith(COMPANY_DOMAIN_REFUSED):
        return normalised.reason
    return "no valid website"


def workspace_value(path: str, value: Any) -> Any:
    """A Salesforce value in the workspace column's type (dates, numbers, booleans)."""
    spec = lookup(path)
    kind = spec.type if spec else FieldType.TEXT
    try:
        if kind is FieldType.DATE:  # a date and time gives its UTC date
            return calendar_date(value) or moment(value).date()
        if kind is FieldType.INTEGER:  # a fraction is not silently cut: the value is not read
            number = decimal(value)
            return int(number) if number == number.to_integral_value() else None
        if kind is FieldType.NUMBER:
            return float(decimal(value))
        if kind is FieldType.BOOLEAN:
            return boolean(value)
    except InvalidValue:
        return None
    return value if isinstance(value, str) else str(value)
