"""What a write sends and what each of its rows comes back as: the values under the port and its requests.

`port` (the `SalesforcePort` protocol) and `write_requests` (the REST path's writes with the reads they
carry) both name these; they live here, below both, so neither imports the other to name them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

Record = Mapping[str, Any]


@dataclass(frozen=True)
class ErrorDetail:
    """One Salesforce error: its code (`REQUIRED_FIELD_MISSING`, …), message and the fields it names.

    `duplicate_ids` holds the records a duplicate rule matched (DUPLICATES_DETECTED), when Salesforce
    names them (single-record REST answers do; Collections and Bulk rows do not); `duplicate_types`
    gives each one's object (aligned with the ids; a Contact rule may match Leads), `duplicate_rule`
    the rule's name.
    """

    code: str
    message: str
    fields: tuple[str, ...] = ()
    duplicate_ids: tuple[str, ...] = ()
    duplicate_types: tuple[str, ...] = ()
    duplicate_rule: str = ""


class Outcome(StrEnum):
    """What became of one row of a write.

    UNKNOWN means the request may or may not have been committed (timeout, dropped connection): the
    row must never be blindly re-sent; the engine resolves it by re-matching.
    """

    OK = "ok"
    REJECTED = "rejected"
    UNKNOWN = "unknown"
    # A conditional update refused because the record was modified after its guard (412): nothing written.
    MODIFIED = "modified"


@dataclass(frozen=True)
class WriteResult:
    """The result of one row, in the order the rows were given."""

    outcome: Outcome
    id: str | None = None
    created: bool | None = None
    errors: tuple[ErrorDetail, ...] = ()


@dataclass(frozen=True)
class Update:
    """One record update: only the fields in `values` are sent; None is never sent."""

    id: str
    values: Record


@dataclass(frozen=True)
class GuardedUpdate:
    """An update applied only if the record was not modified after `unmodified_since`.

    `unmodified_since` is the record's `LastModifiedDate` as the check read it (Salesforce's string).
    """

    id: str
    values: Record
    unmodified_since: str


class WriteOperation(StrEnum):
    INSERT = "insert"
    UPDATE = "update"
    UPSERT = "upsert"


@dataclass(frozen=True)
class WriteOptions:
    """`allow_save` sends `Sforce-Duplicate-Rule-Header: allowSave=true` (explicit opt-in only)."""

    allow_save: bool = False
