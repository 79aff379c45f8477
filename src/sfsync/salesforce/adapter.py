"""The Salesforce adapter: `SalesforcePort` over simple-salesforce, which nothing outside `salesforce/` imports.

By concern: `api_calls` (login; every call counted, translated, retried), `reads` (typed queries
compiled by `soql`, REST or Bulk; retrieves), `writes` (Collections and Bulk ingest). This module
holds what the port answers about the org itself: identity, describes (cached), limits and counts;
`write_then_read` and `composite_writes` send a write with the reads that follow it in one request.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator, Mapping, Sequence
from email.utils import format_datetime
from typing import Any

from simple_salesforce import exceptions as sfe

from sfsync.salesforce import composite_writes, reads, results, write_then_read, writes
from sfsync.salesforce.api_calls import ApiCalls
from sfsync.salesforce.auth import Credentials
from sfsync.salesforce.describe import object_describe
from sfsync.salesforce.describe_cache import CachedDescribe, DescribeCache, NoDescribeCache
from sfsync.salesforce.port import (
    CallCounts,
    DuplicateRuleAction,
    GuardedUpdate,
    Identity,
    Limits,
    ObjectDescribe,
    Record,
    Update,
    WriteOperation,
    WriteOptions,
    WriteResult,
)
from sfsync.salesforce.query import Query
from sfsync.salesforce.retry import RetryPolicy, is_retryable_read
from sfsync.salesforce.soql import name as api_name
from sfsync.salesforce.write_requests import Read, Write, Written

_NOT_MODIFIED = 304
# How long a describe Salesforce confirmed stays good for a caller that holds its digest (apply, from the
# plan's fingerprint): about the time a large plan and its apply take one after the other.
DESCRIBE_REUSE_SECONDS = 3600.0


class SalesforceAdapter:
    """`SalesforcePort` over a logged-in `simple_salesforce.Salesforce`.

    Reads are retried per `retry`; writes are sent once unless the answer proves nothing was
    committed. `bulk_wait` is the pause before polling a Bulk API 2.0 job (small in tests).
    """

    def __init__(
        self,
        credentials: Credentials,
        *,
        retry: RetryPolicy | None = None,
        bulk_wait: float = 1.0,
        describe_cache: DescribeCache | None = None,
    ) -> None:
        self.credentials = credentials
        self.bulk_wait = bulk_wait
        self.cache: DescribeCache = describe_cache or NoDescribeCache()
        self.api = ApiCalls(credentials, retry or RetryPolicy())
        self.session = self.api.session
        self.usage = self.api.usage
        self._identity: Identity | None = None
        self._datetimes: dict[str, frozenset[str]] = {}  # by lower-cased object: its datetime fields, lower-cased

    # -- the org ----------------------------------------------------------------------------

    def identity(self) -> Identity:
        if self._identity is None:
            info = self.api.call("identity", lambda: self.api.sf.oauth2("userinfo"), retryable=is_retryable_read)
            info = info or {}
            self._identity = Identity(
                org_id=str(info.get("organization_id", "")),
                user_id=str(info.get("user_id", "")),
                username=str(info.get("preferred_username", "")),
                instance_url=f"https://{self.api.sf.sf_instance}",
                api_version=str(self.api.sf.sf_version),
            )
        return self._identity

    def describe(self, sobject: str, *, known: str | None = None) -> ObjectDescribe:
        found = self._describe(sobject, known)
        datetimes = frozenset(name.lower() for name, info in found.fields.items() if info.type == "datetime")
        self._datetimes[found.name.lower()] = datetimes
        return found

    def _describe(self, sobject: str, known: str | None) -> ObjectDescribe:
        who = self.identity() if not isinstance(self.cache, NoDescribeCache) else None
        cached = self.cache.load(who.org_id, who.user_id, sobject) if who else None
        if cached is not None and known is not None and time.time() - cached.checked_at < DESCRIBE_REUSE_SECONDS:
            reused = object_describe(cached.raw)
            if reused.digest == known:  # the caller's describe, confirmed a moment ago: not asked again
                return reused

        def fetch() -> Any:
            headers = {"If-Modified-Since": cached.last_modified} if cached else {}
            try:
                return self.api.sf.restful(f"sobjects/{api_name(sobject)}/describe", headers=headers)
            except sfe.SalesforceGeneralError as error:
                if cached is not None and error.status == _NOT_MODIFIED:
                    return None
                raise

        raw = self.api.call("describe", fetch, retryable=is_retryable_read)
        if raw is None and cached is not None:
            if who is not None:  # confirmed unchanged: as good as fetched now
                confirmed = CachedDescribe(cached.raw, cached.last_modified, time.time())
                self.cache.save(who.org_id, who.user_id, sobject, confirmed)
            return object_describe(cached.raw)
        if who is not None and isinstance(raw, Mapping):
            seen = self.usage.last_headers
            stamp = seen.get("Last-Modified") or seen.get("Date") or format_datetime(dt.datetime.now(dt.UTC), True)
            self.cache.save(who.org_id, who.user_id, sobject, CachedDescribe(raw, stamp, time.time()))
        return object_describe(raw)

    def limits(self) -> Limits:
        if self.usage.limits is None:
            body = self.api.call("limits", lambda: self.api.sf.limits(), retryable=is_retryable_read)
            daily = body.get("DailyApiRequests") or {}
            maximum = int(daily.get("Max", 0))
            self.usage.limits = Limits(used=maximum - int(daily.get("Remaining", maximum)), maximum=maximum)
        return self.usage.limits

    def call_counts(self) -> CallCounts:
        return self.usage.call_counts()

    def duplicate_rule_actions(self, sobject: str) -> list[DuplicateRuleAction]:
        path = f"ui-api/duplicates/{api_name(sobject)}"
        body = self.api.call("ui-api", lambda: self.api.sf.restful(path), retryable=is_retryable_read) or {}
        rules = body.get("duplicateRules") or []
        return [
            DuplicateRuleAction(str(rule.get("name") or ""), str(rule.get("actionOnInsert") or ""), _matches(rule))
            for rule in rules
            if isinstance(rule, Mapping) and rule.get("active", True)
        ]

    # -- reads ------------------------------------------------------------------------------

    def query(self, request: Query) -> Iterator[Record]:
        return reads.query_rows(self.api, request)

    def bulk_query(self, request: Query) -> Iterator[Record]:
        """Rows as `query` gives them: Bulk's datetimes in REST's form, by the object's describe (asked
        here only when this adapter has not described the object yet)."""
        datetimes = self._datetimes.get(api_name(request.sobject).lower())
        if datetimes is None:
            self.describe(request.sobject)
            datetimes = self._datetimes.get(api_name(request.sobject).lower(), frozenset())
        return reads.bulk_query_rows(self.api, request, self.bulk_wait, datetimes)

    def retrieve(self, sobject: str, ids: Sequence[str], fields: Sequence[str]) -> list[Record | None]:
        return reads.retrieve(self.api, sobject, ids, fields)

    # -- writes -----------------------------------------------------------------------------

    def insert(self, sobject: str, records: Sequence[Record], options: WriteOptions) -> list[WriteResult]:
        return self.send_write(Write(sobject, WriteOperation.INSERT, tuple(records), options=options)).results

    def update(self, sobject: str, updates: Sequence[Update], options: WriteOptions) -> list[WriteResult]:
        return self.send_write(Write(sobject, WriteOperation.UPDATE, updates=tuple(updates), options=options)).results

    def update_guarded(
        self, sobject: str, updates: Sequence[GuardedUpdate], options: WriteOptions
    ) -> list[WriteResult]:
        return self.send_write(Write(sobject, WriteOperation.UPDATE, updates=tuple(updates), options=options)).results

    def upsert(
        self, sobject: str, external_id_field: str, records: Sequence[Record], options: WriteOptions
    ) -> list[WriteResult]:
        write = Write(
            sobject, WriteOperation.UPSERT, tuple(records), external_id_field=external_id_field, options=options
        )
        return self.send_write(write).results

    def send_write(self, write: Write, then: Sequence[Read] = ()) -> Written:
        sobject, options = write.sobject, write.options
        guarded = [u for u in write.updates if isinstance(u, GuardedUpdate)]
        if guarded:
            # The subrequest's url names the object: the body's `attributes` would be refused there.
            bodies = [
                (u, {k: v for k, v in results.typed_row(sobject, u.values).items() if k != "attributes"})
                for u in guarded
            ]
            return composite_writes.guarded_updates(self.api, sobject, bodies, options, then)
        if write.operation is WriteOperation.UPDATE:
            rows = [{**results.typed_row(sobject, u.values), "id": u.id} for u in write.updates]
            # Never re-sent after a backoff: the engine re-checked these values just before this call, and a
            # person may change them while we wait. A refusal comes back as rejected; the next run re-checks it.
            return write_then_read.collections_then_reads(
                self.api, "collections_update", "PATCH", "composite/sobjects", rows, options, then, retry=False
            )
        rows = [results.typed_row(sobject, r) for r in write.records]
        if write.operation is WriteOperation.UPSERT and write.external_id_field:
            path = f"composite/sobjects/{api_name(sobject)}/{api_name(write.external_id_field)}"
            return write_then_read.collections_then_reads(
                self.api, "collections_upsert", "PATCH", path, rows, options, then, retry=True
            )
        return write_then_read.collections_then_reads(
            self.api, "collections_insert", "POST", "composite/sobjects", rows, options, then, retry=True
        )

    def bulk_write(
        self,
        sobject: str,
        operation: WriteOperation,
        records: Sequence[Record],
        external_id_field: str | None = None,
    ) -> list[WriteResult]:
        return writes.bulk_write(self.api, sobject, operation, records, external_id_field, self.bulk_wait)


def _matches(rule: Mapping[str, Any]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """A duplicate rule's matching rules: the object each compares with, and its fields."""
    found = []
    for match in rule.get("matchRules") or []:
        if isinstance(match, Mapping):
            fields = tuple(str(name) for name in match.get("matchFields") or [])
            found.append((str(match.get("objectApiName") or ""), fields))
    return tuple(found)
