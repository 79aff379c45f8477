"""`workspace load --object email`: emails from a CSV or JSONL file, added once each by universal message id.

Columns are named as the email fields (`message_id`, `thread_id`, `direction`, `from_address`,
`to_addresses`, `cc_addresses`, `subject`, `html_body`, `text_body`, `sent_at`, `person`), folded like
people's columns (`Message ID` → message_id); a few short names are accepted too (`to`, `cc`, `from`,
`universal_message_id`). Other columns become `email.attributes.NAME`. A bad row (no or bad message id,
bad direction, a naive or unreadable `sent_at`, a bad address, a person not in the workspace) is
reported by FILE:LINE and skipped; every good row loads. Emails never change: loading a file again adds
nothing, and a row whose message id is already loaded with other values is reported and the first kept.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sfsync.catalogue import DERIVED_EMAIL_FIELDS, EMAIL_COLUMN_ALIASES, EMAIL_FIELDS, Direction, EmailValue
from sfsync.errors import UsageError
from sfsync.store import Store
from sfsync.store.bulk import chunks
from sfsync.store.emails import EmailRow
from sfsync.store.loader.coerce import BadValue, is_empty
from sfsync.store.loader.columns import column_key
from sfsync.store.loader.load import BATCH_SIZE, LoadSummary, Rejection
from sfsync.store.loader.source import BadRow, Source, SourceRow
from sfsync.store.normalise import normalise_email, normalise_message_id

REQUIRED = ("message_id", "direction", "sent_at", "person_email")
_ADDRESS_SEPARATORS = re.compile(r"[,;]")


@dataclass(frozen=True)
class _Parsed:
    values: dict[str, Any]
    attributes: dict[str, Any]
    errors: list[str]


def email_field(name: str) -> str | None:
    """The email field a file column names, or None (an attribute)."""
    key = column_key(name)
    key = EMAIL_COLUMN_ALIASES.get(key, key)
    return key if key in EMAIL_FIELDS and key not in DERIVED_EMAIL_FIELDS else None


def check_email_header(header: list[str]) -> list[str]:
    """Problems with a CSV header: unnamed or duplicate columns, a required column missing."""
    problems: list[str] = []
    seen: dict[str, str] = {}
    for index, name in enumerate(header, start=1):
        if not name.strip():
            problems.append(f"column {index} has no name")
            continue
        target = email_field(name) or f"attributes.{name.strip().casefold()}"
        if target in seen:
            problems.append(f"columns {seen[target]!r} and {name!r} both name email.{target}")
        seen[target] = name
    missing = [_column_name(f) for f in REQUIRED if f not in seen]
    if missing:
        problems.append(f"no {', '.join(missing)} column{'s' if len(missing) > 1 else ''}")
    return problems


def load_emails(
    store: Store,
    path: Path,
    on_reject: Callable[[Rejection], None],
    batch_size: int = BATCH_SIZE,
    on_progress: Callable[[LoadSummary], None] | None = None,
) -> LoadSummary:
    """Add every good row of `path` to the workspace's emails; `on_reject` hears about each bad one."""
    with Source(path) as source:
        if source.header is not None:
            problems = check_email_header(source.header)
            if problems:
                raise UsageError("; ".join(f"{path}:1: {problem}" for problem in problems))
        return load_email_rows(store, str(path), source.rows, on_reject, batch_size, on_progress)


def load_email_rows(
    store: Store,
    name: str,
    rows: Iterator[SourceRow | BadRow],
    on_reject: Callable[[Rejection], None],
    batch_size: int = BATCH_SIZE,
    on_progress: Callable[[LoadSummary], None] | None = None,
) -> LoadSummary:
    """Add `rows` (of a file, or of a declared source: `name` is what rejections name) in batches."""
    totals = {"loaded": 0, "unchanged": 0, "rejected": 0, "kept": 0}
    for batch in chunks(rows, batch_size):
        emails: list[EmailRow] = []
        for item in batch:
            result = item if isinstance(item, BadRow) else email_row(item)
            if isinstance(result, BadRow):
                totals["rejected"] += 1
                on_reject(Rejection(name, result.line, result.reason))
            else:
                emails.append(result)
        outcome = store.emails.add(emails)
        for line, reason in outcome.refused:
            on_reject(Rejection(name, line, reason))
        for line, reason in outcome.kept:
            on_reject(Rejection(name, line, reason, "warning"))
        totals["loaded"] += outcome.added
        totals["unchanged"] += outcome.unchanged
        totals["rejected"] += len(outcome.refused)
        totals["kept"] += len(outcome.kept)
        if on_progress is not None:
            on_progress(LoadSummary(**totals))
    return LoadSummary(**totals)


def email_row(row: SourceRow) -> EmailRow | BadRow:
    """The row as a typed, normalised email, or the reasons it cannot be loaded."""
    parsed = _parse(row)
    values, errors = parsed.values, parsed.errors
    for required in REQUIRED:
        if values.get(required) is None and not any(required in e for e in errors):
            errors.append(f"missing {_column_name(required)}")
    if errors:
        return BadRow(row.line, "; ".join(errors))
    return EmailRow(line=row.line, attributes=parsed.attributes, **values)


def _parse(row: SourceRow) -> _Parsed:
    values: dict[str, Any] = {}
    attributes: dict[str, Any] = {}
    errors: list[str] = []
    for name, raw in row.values.items():
        if name == "attributes" and isinstance(raw, dict):
            attributes.update({str(k): v for k, v in raw.items() if not is_empty(v)})
            continue
        field = email_field(name)
        if field is None:
            if not is_empty(raw):
                attributes[name.strip()] = raw.strip() if isinstance(raw, str) else raw
            continue
        try:
            value = _value(EMAIL_FIELDS[field], raw)
        except BadValue as error:
            errors.append(f"{error} in column {name!r} ({field})")
            continue
        if value is not None:
            values[field] = value
    return _Parsed(values, attributes, errors)


def _value(kind: EmailValue, raw: Any) -> Any:
    if kind is EmailValue.ADDRESSES:
        return _addresses(raw)
    if is_empty(raw):
        return None
    if isinstance(raw, dict | list):
        raise BadValue("expected text, found a JSON structure")
    text = str(raw) if kind is EmailValue.TEXT and not isinstance(raw, str) else raw
    readers: dict[EmailValue, Callable[[Any], Any]] = {
        EmailValue.MESSAGE_ID: _message_id,
        EmailValue.DIRECTION: _direction,
        EmailValue.ADDRESS: _address,
        EmailValue.MOMENT: _moment,
    }
    reader = readers.get(kind)
    return reader(text) if reader is not None else text


def _message_id(raw: Any) -> str:
    result = normalise_message_id(str(raw))
    if result.value is None:
        raise BadValue(f"bad message id: {result.reason}")
    return result.value


def _direction(raw: Any) -> Direction:
    try:
        return Direction(str(raw).strip().lower())
    except ValueError:
        raise BadValue(f"bad direction {raw!r} (expected outbound or inbound)") from None


def _address(raw: Any) -> str:
    """A normalised address (`Ann@Example.COM` → `ann@example.com`), as people's emails are keyed."""
    result = normalise_email(str(raw))
    if result.value is None:
        raise BadValue(f"bad email address: {result.reason}")
    return result.value


def _addresses(raw: Any) -> tuple[str, ...]:
    """Several addresses: a JSON list, or one text separated by `,` or `;`."""
    if is_empty(raw):
        return ()
    if isinstance(raw, list):
        items = [item for item in raw if not is_empty(item)]
        if any(not isinstance(item, str) for item in items):
            raise BadValue("expected a list of email addresses")
    elif isinstance(raw, str):
        items = [item for item in _ADDRESS_SEPARATORS.split(raw) if item.strip()]
    else:
        raise BadValue("expected email addresses")
    return tuple(_address(item) for item in items)


def _moment(raw: Any) -> dt.datetime:
    if not isinstance(raw, str):
        raise BadValue(f"bad date and time {raw!r} (expected ISO 8601 text)")
    try:
        moment = dt.datetime.fromisoformat(raw.strip())
    except ValueError:
        raise BadValue(f"bad date and time {raw!r} (expected ISO 8601, e.g. 2026-03-01T09:30:00+01:00)") from None
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise BadValue(f"date and time {raw!r} has no timezone (add its offset, e.g. +01:00, or Z for UTC)")
    return moment.astimezone(dt.UTC)


def _column_name(field: str) -> str:
    return "person" if field == "person_email" else field
