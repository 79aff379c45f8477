"""JSON values in, stored values out: type checks and the field-level errors of a real org."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from sfsync.localorg.catalog import FieldSpec
from sfsync.localorg.ids import normalize
from sfsync.localorg.outcomes import DmlError, DmlFailure

# Email Address Internationalization (on by default in orgs created since Summer '20, API 49.0+): a local
# part or a domain label may hold non-ASCII characters besides the ASCII ones, stored as Unicode.
_EAI = r"[^\x00-\x7f\s]"
_EMAIL = re.compile(
    rf"(?:[A-Za-z0-9.!#$%&'*+/=?^_`{{|}}~-]|{_EAI})+"
    rf"@(?:[A-Za-z0-9]|{_EAI})(?:(?:[A-Za-z0-9-]|{_EAI})*(?:[A-Za-z0-9]|{_EAI}))?(?:\.(?:[A-Za-z0-9-]|{_EAI})+)+"
)
_TEXT_TYPES = frozenset({"string", "textarea", "email", "phone", "url", "picklist", "multipicklist", "combobox"})
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def now_stamp() -> str:
    return format_datetime(dt.datetime.now(dt.UTC))


def format_datetime(moment: dt.datetime) -> str:
    moment = moment.astimezone(dt.UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.000+0000")  # second resolution, as the storage contract says


def parse_datetime(text: str) -> dt.datetime | None:
    cleaned = re.sub(r"([+-]\d{2})(\d{2})$", r"\1:\2", text.strip())
    try:
        moment = dt.datetime.fromisoformat(cleaned)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _parser_error(kind: str, value: Any) -> DmlFailure:
    return DmlFailure(
        DmlError(
            "JSON_PARSER_ERROR",
            f"Cannot deserialize instance of {kind} from VALUE_STRING value {value} "
            "or request may be missing a required field",
        )
    )


def to_stored(spec: FieldSpec, value: Any) -> Any:
    """The storage form of a JSON value for `spec`, or DmlFailure with Salesforce's error."""
    if value is None or value == "":
        return None
    kind = spec.type
    if kind == "boolean":
        if isinstance(value, bool):
            return int(value)
        if str(value).lower() in ("true", "false"):
            return int(str(value).lower() == "true")
        raise _parser_error("boolean", value)
    if kind in ("int", "double", "currency", "percent"):
        # Not rounded to the field's scale: Salesforce keeps API values as sent whatever the field's
        # decimal places, which only the UI applies (Knowledge Articles 000212661 and 000385689).
        return _number(kind, value)
    if kind == "date":
        if isinstance(value, str) and _DATE.fullmatch(value[:10]):
            return value[:10]
        raise _parser_error("date", value)
    if kind == "datetime":
        moment = parse_datetime(str(value))
        if moment is None:
            raise _parser_error("datetime", value)
        return format_datetime(moment)
    if kind in ("reference", "id"):
        return _reference(spec, value)
    if isinstance(value, list | dict):  # a JSON array or object is not text: the parser refuses it
        token = "START_ARRAY" if isinstance(value, list) else "START_OBJECT"
        raise DmlFailure(DmlError("JSON_PARSER_ERROR", f"Cannot deserialize instance of string from {token} value"))
    text = _text(spec, value if isinstance(value, str) else _json_text(value))
    return _in_picklist_order(spec, text) if kind == "multipicklist" else text


def _in_picklist_order(spec: FieldSpec, text: str) -> str:
    """Selected values, once each, in the order the picklist defines them: Salesforce returns a
    multi-select picklist in its values' definition order whatever the order sent (Knowledge Article
    000231088, "Multi-Select Picklist Value Ordering Behavior"). Values it does not define follow."""
    selected = list(dict.fromkeys(part.strip() for part in text.split(";") if part.strip()))
    defined = [p["value"] for p in spec.raw.get("picklistValues") or () if "value" in p]
    order = {name: index for index, name in enumerate(defined)}
    return ";".join(sorted(selected, key=lambda item: (order.get(item, len(order)), selected.index(item))))


def _json_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _number(kind: str, value: Any) -> int | float:
    if isinstance(value, bool):
        raise _parser_error(kind, value)
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise _parser_error("double" if kind != "int" else "int", value) from None
    return int(number) if kind == "int" else number


def _reference(spec: FieldSpec, value: Any) -> str:
    normal = normalize(str(value))
    if normal is None:
        label = spec.raw.get("label") or spec.name
        raise DmlFailure(DmlError("MALFORMED_ID", f"{label}: id value of incorrect type: {value}", (spec.name,)))
    return normal


def _text(spec: FieldSpec, text: str) -> str:
    label = spec.raw.get("label") or spec.name
    length = int(spec.raw.get("length") or 0)
    if spec.type in _TEXT_TYPES and length and len(text) > length:
        raise DmlFailure(
            DmlError("STRING_TOO_LONG", f"{label}: data value too large: {text} (max length={length})", (spec.name,))
        )
    if spec.type == "email" and not _EMAIL.fullmatch(text):
        raise DmlFailure(DmlError("INVALID_EMAIL_ADDRESS", f"{label}: invalid email address: {text}", (spec.name,)))
    if spec.type == "picklist" and spec.flag("restrictedPicklist"):
        allowed = {p["value"] for p in spec.raw.get("picklistValues") or () if p.get("active")}
        if text not in allowed:
            raise DmlFailure(
                DmlError(
                    "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST",
                    f"{label}: bad value for restricted picklist field: {text}",
                    (spec.name,),
                )
            )
    return text.lower() if spec.type == "email" else text
