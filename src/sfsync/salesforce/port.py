"""The port through which the engine talks to Salesforce.

The engine sees only this `Protocol` and these values; the adapter behind it is the only code that
knows simple-salesforce. Records cross the port as plain mappings of field API name to JSON value
(dates and datetimes as Salesforce's strings), without the `attributes` envelope. Reads are asked
as typed `Query` values (`salesforce/query`), never as SOQL text: only the adapter writes SOQL.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from sfsync.salesforce.query import Query
from sfsync.salesforce.write_requests import Read, Write, Written

# The values of a write and of its rows' results, named as the port's: the engine imports them from here.
from sfsync.salesforce.write_values import ErrorDetail as ErrorDetail
from sfsync.salesforce.write_values import GuardedUpdate as GuardedUpdate
from sfsync.salesforce.write_values import Outcome as Outcome
from sfsync.salesforce.write_values import Record as Record
from sfsync.salesforce.write_values import Update as Update
from sfsync.salesforce.write_values import WriteOperation as WriteOperation
from sfsync.salesforce.write_values import WriteOptions as WriteOptions
from sfsync.salesforce.write_values import WriteResult as WriteResult


@dataclass(frozen=True)
class FieldInfo:
    """One field's describe, reduced to what sfsync decides on."""

    name: str
    type: str
    label: str = ""
    length: int = 0
    nillable: bool = True
    createable: bool = False
    updateable: bool = False
    filterable: bool = False
    defaulted_on_create: bool = False
    external_id: bool = False
    unique: bool = False
    calculated: bool = False
    encrypted: bool = False
    restricted_picklist: bool = False
    picklist_values: tuple[str, ...] = ()
    reference_to: tuple[str, ...] = ()
    # Whether field-level security applies to it: a visible field that is permissionable yet neither
    # createable nor updateable is read-only by FLS, not by nature.
    permissionable: bool = False
    # Numbers: `precision` digits in all, `scale` of them after the decimal point (double, currency,
    # percent); `digits` for whole numbers (int). 0 where the describe does not say.
    precision: int = 0
    scale: int = 0
    digits: int = 0

    @property
    def required_on_create(self) -> bool:
        """Salesforce's rule: createable, not nillable and not defaulted on create."""
        return self.createable and not self.nillable and not self.defaulted_on_create


@dataclass(frozen=True)
class ObjectDescribe:
    """What the running user can see of one sObject. Fields hidden by field-level security are absent.

    `digest` is a stable hash of the describe as received; plan fingerprints use it.
    """

    name: str
    queryable: bool
    createable: bool
    updateable: bool
    fields: Mapping[str, FieldInfo]
    digest: str

    def field(self, name: str) -> FieldInfo | None:
        found = self.fields.get(name)
        if found is not None:
            return found
        lowered = name.lower()
        return next((f for n, f in self.fields.items() if n.lower() == lowered), None)


@dataclass(frozen=True)
class Identity:
    """Who sfsync is connected as, and where."""

    org_id: str
    user_id: str
    username: str
    instance_url: str
    api_version: str


@dataclass(frozen=True)
class Limits:
    """The daily API request budget as last reported by Salesforce."""

    used: int
    maximum: int

    @property
    def remaining(self) -> int:
        return max(self.maximum - self.used, 0)


@dataclass(frozen=True)
class DuplicateRuleAction:
    """An active duplicate rule of an object and what it does when a record it matches is created:
    `Block` refuses the create, `Allow` lets it through (after an alert, for a person). `matches`: per
    matching rule, the object it compares with and the fields it matches on (all of them equal: a match)."""

    name: str
    action_on_insert: str
    matches: tuple[tuple[str, tuple[str, ...]], ...] = ()


@dataclass(frozen=True)
class CallCounts:
    """API calls made through the port, per kind (`describe`, `query`, `collections`, `bulk`, …)."""

    by_kind: Mapping[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.by_kind.values())


class Reads(Protocol):
    """The reads apply's checks make: the port's own, or answers a write brought back (engine/applying/pipeline)."""

    def query(self, request: Query) -> Iterator[Record]: ...

    def retrieve(self, sobject: str, ids: Sequence[str], fields: Sequence[str]) -> list[Record | None]: ...


class SalesforcePort(Protocol):
    """Everything the engine may ask of Salesforce.

    Reads may be retried by the adapter; writes are never re-sent by it. Errors that stop the whole
    operation (authentication, API limit exhausted, a permission missing on the object) raise
    `sfsync.errors.RemoteError` carrying Salesforce's error code; per-row errors come back in
    `WriteResult.errors`.
    """

    def identity(self) -> Identity:
        """The connected org and user."""
        ...

    def describe(self, sobject: str, *, known: str | None = None) -> ObjectDescribe:
        """The object's describe as the running user sees it (cached; refreshed when it changed).

        `known`: the digest of a describe the caller already holds (apply: the plan's fingerprint). When
        the cached describe has that digest and Salesforce confirmed it recently, no call is made.
        """
        ...

    def query(self, request: Query) -> Iterator[Record]:
        """Stream every record the query reads through REST, page by page."""
        ...

    def bulk_query(self, request: Query) -> Iterator[Record]:
        """The same records through Bulk API 2.0 query jobs (values are strings or None)."""
        ...

    def retrieve(self, sobject: str, ids: Sequence[str], fields: Sequence[str]) -> list[Record | None]:
        """Current values of the given records, aligned with `ids` (None where not found)."""
        ...

    def insert(self, sobject: str, records: Sequence[Record], options: WriteOptions) -> list[WriteResult]:
        """Create records through sObject Collections (at most 200 per request, `allOrNone: false`)."""
        ...

    def update(self, sobject: str, updates: Sequence[Update], options: WriteOptions) -> list[WriteResult]:
        """Update records through sObject Collections."""
        ...

    def update_guarded(
        self, sobject: str, updates: Sequence[GuardedUpdate], options: WriteOptions
    ) -> list[WriteResult]:
        """Update records through sObject Rows PATCH subrequests of composite requests, each with
        `If-Unmodified-Since`; a record modified after its guard comes back `MODIFIED`, unwritten."""
        ...

    def upsert(
        self, sobject: str, external_id_field: str, records: Sequence[Record], options: WriteOptions
    ) -> list[WriteResult]:
        """Create or update by an external id field (each record carries that field)."""
        ...

    def send_write(self, write: Write, then: Sequence[Read] = ()) -> Written:
        """`write`, then the reads of `then` in the same request (one composite call), in order, as many
        as fit: Salesforce runs them after the write, so they see it. Without reads the write goes as
        `insert`, `upsert`, `update` or `update_guarded` sends it."""
        ...

    def bulk_write(
        self,
        sobject: str,
        operation: WriteOperation,
        records: Sequence[Record],
        external_id_field: str | None = None,
    ) -> list[WriteResult]:
        """The same writes through one Bulk API 2.0 ingest job; results aligned with `records`."""
        ...

    def duplicate_rule_actions(self, sobject: str) -> list[DuplicateRuleAction]:
        """The object's active duplicate rules and their action on create (UI API's duplicates configuration)."""
        ...

    def limits(self) -> Limits:
        """The API budget last reported (from `Sforce-Limit-Info`, or `/limits` when none seen yet)."""
        ...

    def call_counts(self) -> CallCounts:
        """API calls made so far by this port."""
        ...
