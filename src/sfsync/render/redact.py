"""Sensitive values out of every view: applied to the plan's JSON form before anything renders it.

A field is sensitive when its mapping says `sensitive: true` (the plan carries the flag), when
Salesforce encrypts it (an encrypted-string field, passed in as `encrypted`), or when its name looks
like a secret (`Api_Token__c`, `Password__c`). The plan itself holds such values as digests
(engine/sensitive); a view shows a digest, or a value of a plan made before digests, as
`(sensitive)` alike. Its values become `(sensitive)` wherever they appear:
the field's before/after/wanted, config-diff entries about it, and any other text of the plan that
quotes the value (a match note, a reason, a diagnostic). Credentials in config-diff entries
(`password`, `*_token`, a password inside a store URL) are masked the same way.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Collection, Iterable, Mapping
from typing import Any

from sfsync.config.secrets import is_reference, is_secret_key
from sfsync.engine.plans.digest import ValueDigest, value_from_json
from sfsync.engine.plans.records import mapped
from sfsync.engine.sensitive import SENSITIVE, Quoted, looks_secret

URL_PASSWORD = re.compile(r"(?P<head>://[^/@:\s]+:)(?P<value>[^@/\s]+)(?=@)")
# The plan's keys whose strings are prose that may quote a value.
FREE_TEXT = frozenset({"match", "reason", "label", "summary", "detail", "message", "intent"})

FieldKey = tuple[str, str]  # (object, field); the encrypted ones come from `engine.sensitive.encrypted_fields`


def redact_plan(
    plan: Mapping[str, Any], *, encrypted: Collection[FieldKey] = (), sensitive: frozenset[FieldKey] | None = None
) -> dict[str, Any]:
    """A copy of the plan's JSON form with no sensitive value left in it; the input is not changed.

    The record lists are redacted one record at a time as they are read (a plan may hold a million
    changes): a first pass finds the sensitive fields (or the caller did: `sensitive`, with the
    `encrypted` ones among them), a second the values each record quotes (only when there is a
    sensitive field), and only a record that holds one is copied.
    """
    result = dict(plan)
    if sensitive is None:
        sensitive = _sensitive_fields(plan, frozenset(encrypted))
    everywhere: set[str] = set()
    by_record: dict[tuple[str, str], set[str]] = {}
    changes = plan.get("changes", [])
    touched = False
    if sensitive:
        for change in changes:
            redacted, found = _redacted(change, sensitive)
            touched = touched or redacted is not change
            if found:
                by_record.setdefault(_record_of(change), set()).update(found)
                everywhere |= found
    if touched:
        result["changes"] = mapped(changes, lambda change: _redacted(change, sensitive)[0])
    if by_record:
        result["skips"] = mapped(plan.get("skips", []), lambda skip: _scrubbed_skip(skip, by_record))
    result["config_diff"] = [_copy(entry) for entry in plan.get("config_diff", [])]
    for entry in result["config_diff"]:
        _redact_config_change(entry, sensitive, everywhere)
    result["diagnostics"] = [_copy(item) for item in plan.get("diagnostics", [])]
    if everywhere:
        quoted = Quoted(everywhere)
        for key in ("diagnostics", "config_diff"):
            for item in result[key]:
                _scrub_text(item, quoted)
    return result


def _redacted(change: Mapping[str, Any], sensitive: frozenset[FieldKey]) -> tuple[Mapping[str, Any], set[str]]:
    """`change` with its sensitive values hidden (a copy, when it has any), and the values hidden."""
    if not any((str(change["sobject"]), str(f["field"])) in sensitive for f in _all_fields(change)):
        return change, set()
    copied = _copy(change)
    found: set[str] = set()
    _redact_change(copied, sensitive, found)
    _scrub_text(copied, Quoted(found))
    return copied, found


def _copy(item: Mapping[str, Any]) -> dict[str, Any]:
    copied: dict[str, Any] = json.loads(json.dumps(item))
    return copied


def _all_fields(change: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    return [*change.get("fields", []), *change.get("skipped_fields", [])]


def _record_of(item: Mapping[str, Any]) -> tuple[str, str]:
    workspace = item.get("workspace", {})
    return (str(workspace.get("kind")), str(workspace.get("id")))


def _scrubbed_skip(skip: Mapping[str, Any], by_record: Mapping[tuple[str, str], set[str]]) -> Mapping[str, Any]:
    found = by_record.get(_record_of(skip))
    if not found:
        return skip
    copied = _copy(skip)
    _scrub_text(copied, Quoted(found))
    return copied


def _sensitive_fields(plan: Mapping[str, Any], encrypted: frozenset[FieldKey]) -> frozenset[FieldKey]:
    found = config_sensitive_fields(plan, encrypted)
    for change in plan.get("changes", []):
        note_sensitive_fields(change, found)
    return frozenset(found)


def note_sensitive_fields(change: Mapping[str, Any], found: set[FieldKey]) -> None:
    """Add to `found` the fields of `change` that are sensitive (flagged so, or named like a secret)."""
    for item in _all_fields(change):
        if item.get("sensitive") or looks_secret(str(item["field"])):
            found.add((str(change["sobject"]), str(item["field"])))


def config_sensitive_fields(plan: Mapping[str, Any], encrypted: Collection[FieldKey]) -> set[FieldKey]:
    """The sensitive fields known before the records are read: the `encrypted` ones and the config diff's."""
    found = set(encrypted)
    for entry in plan.get("config_diff", []):
        parts = str(entry.get("path", "")).split(".")
        if len(parts) == 3 and parts[0] in ("mappings", "defaults") and looks_secret(parts[2]):
            found.add((parts[1], parts[2]))
        if len(parts) == 3 and parts[0] == "mappings" and _marked_sensitive(entry):
            found.add((parts[1], parts[2]))
    return found


def _marked_sensitive(entry: Mapping[str, Any]) -> bool:
    return any(
        isinstance(side, Mapping) and side.get("sensitive") for side in (entry.get("before"), entry.get("after"))
    )


def _redact_change(change: dict[str, Any], sensitive: frozenset[FieldKey], values: set[str]) -> None:
    sobject = str(change["sobject"])
    for item in change.get("fields", []):
        if (sobject, str(item["field"])) in sensitive:
            item["sensitive"] = True
            _hide(item, ("before", "after"), values)
    for item in change.get("skipped_fields", []):
        if (sobject, str(item["field"])) in sensitive:
            item["sensitive"] = True
            _hide(item, ("before", "wanted"), values)


def _hide(item: dict[str, Any], keys: Iterable[str], values: set[str]) -> None:
    """Replace each non-empty value; an empty one stays, so a reader still sees "was empty".

    A digest is shown as `(sensitive)` too; it quotes nothing, so nothing else is scrubbed for it."""
    for key in keys:
        value = item.get(key)
        if value is None or value == "" or value == SENSITIVE:
            continue
        if isinstance(value_from_json(value), ValueDigest):
            item[key] = SENSITIVE
            continue
        if not (isinstance(value, str) and value.startswith("(known after")):
            values.add(str(value))
            item[key] = SENSITIVE


def _redact_config_change(entry: dict[str, Any], sensitive: frozenset[FieldKey], values: set[str]) -> None:
    parts = str(entry.get("path", "")).split(".")
    if len(parts) == 3 and parts[0] == "defaults" and (parts[1], parts[2]) in sensitive:
        _hide(entry, ("before", "after"), values)
        return
    if any(is_secret_key(part) for part in parts):
        _hide(entry, ("before", "after"), values)
        return
    for key in ("before", "after"):
        entry[key] = _mask_credentials(entry.get(key), values, frozenset(name for _, name in sensitive))


def _mask_credentials(value: Any, values: set[str], fields: frozenset[str]) -> Any:
    """Secrets and sensitive fields' values inside config values (a play's defaults, the connection),
    and passwords in URLs, masked. `${VAR}` references stay: they are names, not secrets."""
    if isinstance(value, Mapping):
        return {
            key: SENSITIVE
            if _literal_secret(str(key), item, values, fields)
            else _mask_credentials(item, values, fields)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [_mask_credentials(item, values, fields) for item in value]
    if isinstance(value, str):
        return URL_PASSWORD.sub(lambda m: m.group("head") + _masked(m.group("value"), values), value)
    return value


def _literal_secret(key: str, value: Any, values: set[str], fields: frozenset[str]) -> bool:
    secret = is_secret_key(key) or key in fields or looks_secret(key)
    if not secret or value is None or isinstance(value, Mapping | list):
        return False
    if isinstance(value, str) and is_reference(value):
        return False
    values.add(str(value))
    return True


def _masked(value: str, values: set[str]) -> str:
    if is_reference(value):
        return value
    values.add(value)
    return SENSITIVE


def _scrub_text(item: dict[str, Any], quoted: Quoted) -> None:
    """Free text only: structural strings (actions, object and field names, codes) are never touched."""
    for key, value in item.items():
        if key in FREE_TEXT and isinstance(value, str):
            item[key] = quoted(value)
        elif isinstance(value, dict):
            _scrub_text(value, quoted)
        elif isinstance(value, list):
            for element in value:
                if isinstance(element, dict):
                    _scrub_text(element, quoted)


def sensitive_values(plan: Mapping[str, Any], *, encrypted: Collection[FieldKey] = ()) -> frozenset[str]:
    """The sensitive values a plan holds, for scrubbing text that is not part of the plan (apply's errors)."""
    sensitive = _sensitive_fields(plan, frozenset(encrypted))
    found: set[str] = set()
    for change in plan.get("changes", []):
        for item in _all_fields(change):
            if (str(change["sobject"]), str(item["field"])) in sensitive:
                _hide(_copy(item), ("before", "after", "wanted"), found)
    return frozenset(found)


def scrubber(values: Collection[str]) -> Callable[[str], str]:
    """A function that replaces each of `values` inside a text by `(sensitive)`."""
    return Quoted(values)
