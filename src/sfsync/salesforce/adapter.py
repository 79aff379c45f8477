"""The Salesforce adapter: `SalesforcePort` over simple-salesforce. The only module that imports it."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from email.utils import format_datetime
from functools import partial
from typing import Any, TypeVar

import requests
from simple_salesforce import exceptions as sfe
from simple_salesforce.api import Salesforce

from sfsync.errors import RemoteError
from sfsync.salesforce import results
from sfsync.salesforce.auth import Credentials, login_arguments, login_refused, refresh_access_token, refresh_grant
from sfsync.salesforce.describe import object_describe
from sfsync.salesforce.describe_cache import CachedDescribe, DescribeCache, NoDescribeCache
from sfsync.salesforce.errors import (
    AuthenticationError,
    SalesforceRequestError,
    TransportError,
    request_error,
    transport_error,
)
from sfsync.salesforce.port import (
    CallCounts,
    ErrorDetail,
    Identity,
    Limits,
    ObjectDescribe,
    Record,
    Update,
    WriteOperation,
    WriteOptions,
    WriteResult,
)
from sfsync.salesforce.retry import RetryPolicy, is_retryable_read, is_retryable_write, with_retries
from sfsync.salesforce.soql import name as api_name
from sfsync.salesforce.transport import UsageTracker, build_session

T = TypeVar("T")
COLLECTION_SIZE = 200
RETRIEVE_SIZE = 2000
BULK_ROWS_PER_POLL_SECOND = 5_000
BULK_MAX_POLL_SECONDS = 60.0
_FROM = re.compile(r"\bFROM\s+([A-Za-z][A-Za-z0-9_]*)", re.IGNORECASE)
_NOT_MODIFIED = 304


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
        self.retry = retry or RetryPolicy()
        self.bulk_wait = bulk_wait
        self.cache: DescribeCache = describe_cache or NoDescribeCache()
        self.usage = UsageTracker()
        self.session = build_session(credentials.ca_bundle, credentials.timeout_seconds)
        self.usage.attach(self.session)
        self._identity: Identity | None = None
        self.sf = self._login()

    def _poll_interval(self, rows: int) -> float:
        """How long to wait between polls of an ingest job: longer for a bigger job.

        A job's time grows with its rows (Salesforce processes a few thousand a second), so a fixed interval
        makes the number of status calls grow with N; this keeps it about flat, at most one interval late.
        """
        return max(self.bulk_wait, min(BULK_MAX_POLL_SECONDS, rows / BULK_ROWS_PER_POLL_SECOND))

    # -- connection -------------------------------------------------------------------------

    def _login(self) -> Salesforce:
        c = self.credentials
        self.usage.count("login")
        try:
            if c.method in ("refresh_token", "sfdx_url"):
                token, instance_url = refresh_access_token(self.session, refresh_grant(c), c.timeout_seconds)
                arguments: dict[str, Any] = {"session_id": token, "instance_url": instance_url}
            else:
                arguments = login_arguments(c)
            return Salesforce(session=self.session, version=c.api_version, **arguments)
        except sfe.SalesforceAuthenticationFailed as error:
            code = str(error.code or "INVALID_LOGIN")
            raise AuthenticationError(login_refused(c, code, str(error.auth_message)), code=code) from error
        except requests.RequestException as error:
            raise transport_error(error, "login") from error

    def _call(self, kind: str, call: Callable[[], T], *, retryable: Callable[[BaseException], bool]) -> T:
        """One API call: counted, translated to our errors, retried while `retryable` says so."""

        def attempt() -> T:
            self.usage.count(kind)
            return self._translated(call, kind)

        return with_retries(attempt, self.retry, retryable)

    def _translated(self, call: Callable[[], T], kind: str) -> T:
        try:
            return call()
        except sfe.SalesforceExpiredSession as error:
            if not self.credentials.can_log_in_again:
                raise AuthenticationError(
                    "Salesforce refused the access token (expired or revoked): set a fresh auth.access_token",
                    code="INVALID_SESSION_ID",
                ) from error
            if self.credentials.method in ("refresh_token", "sfdx_url"):
                self.sf = self._login()  # simple-salesforce re-logs in itself only for its own login flows
                return self._translated(call, kind)
            raise request_error(error.status, error.content, kind) from error
        except sfe.SalesforceError as error:
            raise request_error(error.status, error.content, error.resource_name or kind) from error
        except sfe.SalesforceOperationError as error:
            raise RemoteError(f"{kind}: {error}", code="BULK_JOB_FAILED") from error
        except requests.RequestException as error:
            raise transport_error(error, kind) from error

    # -- reads ------------------------------------------------------------------------------

    def identity(self) -> Identity:
        if self._identity is None:
            info = self._call("identity", lambda: self.sf.oauth2("userinfo"), retryable=is_retryable_read) or {}
            instance_url = f"https://{self.sf.sf_instance}"
            self._identity = Identity(
                org_id=str(info.get("organization_id", "")),
                user_id=str(info.get("user_id", "")),
                username=str(info.get("preferred_username", "")),
                instance_url=instance_url,
                api_version=str(self.sf.sf_version),
            )
        return self._identity

    def describe(self, sobject: str) -> ObjectDescribe:
        who = self.identity() if not isinstance(self.cache, NoDescribeCache) else None
        cached = self.cache.load(who.org_id, who.user_id, sobject) if who else None

        def fetch() -> Any:
            headers = {"If-Modified-Since": cached.last_modified} if cached else {}
            try:
                return self.sf.restful(f"sobjects/{api_name(sobject)}/describe", headers=headers)
            except sfe.SalesforceGeneralError as error:
                if cached is not None and error.status == _NOT_MODIFIED:
                    return None
                raise

        raw = self._call("describe", fetch, retryable=is_retryable_read)
        if raw is None and cached is not None:
            return object_describe(cached.raw)
        if who is not None and isinstance(raw, Mapping):
            seen = self.usage.last_headers
            stamp = seen.get("Last-Modified") or seen.get("Date") or format_datetime(dt.datetime.now(dt.UTC), True)
            self.cache.save(who.org_id, who.user_id, sobject, CachedDescribe(raw, stamp))
        return object_describe(raw)

    def query(self, soql: str, *, include_deleted: bool = False) -> Iterator[Record]:
        page = self._call("query", lambda: self.sf.query(soql, include_deleted), retryable=is_retryable_read)
        while True:
            yield from (results.plain(r) for r in page.get("records") or ())
            if page.get("done", True) or not page.get("nextRecordsUrl"):
                return
            page = self._call(
                "query_more",
                partial(self.sf.query_more, str(page["nextRecordsUrl"]), True),
                retryable=is_retryable_read,
            )

    def bulk_query(self, soql: str, *, include_deleted: bool = False) -> Iterator[Record]:
        found = _FROM.search(soql)
        if found is None:
            raise RemoteError("bulk query: no FROM object in the SOQL", code="MALFORMED_QUERY")
        handler = getattr(self.sf.bulk2, found.group(1))
        method = handler.query_all if include_deleted else handler.query
        self.usage.count("bulk_query")
        pages = self._translated(lambda: method(soql, wait=self.bulk_wait), "bulk_query")
        while True:
            text = self._translated(lambda: next(pages, None), "bulk_query")
            if text is None:
                return
            yield from results.csv_records(str(text))

    def retrieve(self, sobject: str, ids: Sequence[str], fields: Sequence[str]) -> list[Record | None]:
        found: list[Record | None] = []
        path = f"composite/sobjects/{api_name(sobject)}"
        body_fields = [api_name(f) for f in fields]
        for start in range(0, len(ids), RETRIEVE_SIZE):
            chunk = list(ids[start : start + RETRIEVE_SIZE])
            send = partial(self.sf.restful, path, method="POST", json={"ids": chunk, "fields": body_fields})
            rows = self._call("retrieve", send, retryable=is_retryable_read)
            found.extend(results.plain(r) if isinstance(r, Mapping) else None for r in rows or [None] * len(chunk))
        return found

    def limits(self) -> Limits:
        if self.usage.limits is None:
            body = self._call("limits", lambda: self.sf.limits(), retryable=is_retryable_read)
            daily = body.get("DailyApiRequests") or {}
            maximum = int(daily.get("Max", 0))
            self.usage.limits = Limits(used=maximum - int(daily.get("Remaining", maximum)), maximum=maximum)
        return self.usage.limits

    def call_counts(self) -> CallCounts:
        return self.usage.call_counts()

    # -- writes -----------------------------------------------------------------------------

    def insert(self, sobject: str, records: Sequence[Record], options: WriteOptions) -> list[WriteResult]:
        rows = [results.typed_row(sobject, r) for r in records]
        return self._collections("collections_insert", "POST", "composite/sobjects", rows, options)

    def update(self, sobject: str, updates: Sequence[Update], options: WriteOptions) -> list[WriteResult]:
        rows = [{**results.typed_row(sobject, u.values), "id": u.id} for u in updates]
        # Never re-sent after a backoff: the engine re-checked these values just before this call, and a
        # person may change them while we wait. A refusal comes back as rejected; the next run re-checks.
        return self._collections("collections_update", "PATCH", "composite/sobjects", rows, options, retry=False)

    def upsert(
        self, sobject: str, external_id_field: str, records: Sequence[Record], options: WriteOptions
    ) -> list[WriteResult]:
        rows = [results.typed_row(sobject, r) for r in records]
        path = f"composite/sobjects/{api_name(sobject)}/{api_name(external_id_field)}"
        return self._collections("collections_upsert", "PATCH", path, rows, options)

    def _collections(
        self,
        kind: str,
        method: str,
        path: str,
        rows: list[dict[str, Any]],
        options: WriteOptions,
        *,
        retry: bool = True,
    ) -> list[WriteResult]:
        headers = {"Sforce-Duplicate-Rule-Header": "allowSave=true"} if options.allow_save else {}
        out: list[WriteResult] = []
        for start in range(0, len(rows), COLLECTION_SIZE):
            chunk = rows[start : start + COLLECTION_SIZE]
            body = {"allOrNone": False, "records": chunk}
            out.extend(
                self._send_chunk(
                    kind, partial(self.sf.restful, path, method=method, json=body, headers=headers), len(chunk), retry
                )
            )
        return out

    def _send_chunk(self, kind: str, send: Callable[[], Any], size: int, retry: bool = True) -> list[WriteResult]:
        try:
            answer = self._call(kind, send, retryable=is_retryable_write if retry else lambda _error: False)
        except TransportError:
            return results.unknown(size)  # it may have been committed: never re-sent
        except SalesforceRequestError as error:
            if is_retryable_write(error):
                return results.rejected(size, ErrorDetail(error.code, str(error)))
            if error.status >= 500:
                return results.unknown(size)
            raise
        return results.collection_results(answer, size)

    def bulk_write(
        self,
        sobject: str,
        operation: WriteOperation,
        records: Sequence[Record],
        external_id_field: str | None = None,
    ) -> list[WriteResult]:
        if not records:
            return []
        rows = results.bulk_rows(records)
        handler = getattr(self.sf.bulk2, api_name(sobject))
        extra = (
            {"external_id_field": api_name(external_id_field)}
            if operation is WriteOperation.UPSERT and external_id_field
            else {}
        )
        write = getattr(handler, str(operation))
        try:
            self.usage.count(f"bulk_{operation}")
            wait = self._poll_interval(len(rows))
            jobs = self._translated(lambda: write(records=rows, wait=wait, **extra), f"bulk_{operation}")
        except (AuthenticationError, SalesforceRequestError) as error:
            if isinstance(error, SalesforceRequestError) and error.status >= 500:
                return results.unknown(len(rows))
            raise
        except RemoteError as error:  # dropped connection or failed job: some rows may be committed
            if error.code == "SSL_ERROR":
                raise
            return results.unknown(len(rows))
        texts: list[list[str]] = [[], [], []]
        for job in jobs:
            job_id = str(job["job_id"])
            getters = (handler.get_successful_records, handler.get_failed_records, handler.get_unprocessed_records)
            for bucket, getter, count in zip(texts, getters, _result_counts(job), strict=True):
                if count:  # a finished job's counts are final: an empty result file is not worth a call
                    bucket.append(self._call("bulk_results", partial(getter, job_id), retryable=is_retryable_read))
        return results.map_bulk_results(rows, *texts)


def _result_counts(job: Mapping[str, Any]) -> tuple[int, int, int]:
    """Rows per result file of a finished ingest job: successful, failed, unprocessed (unknown counts: all)."""
    try:
        total, processed, failed = (
            int(job[k]) for k in ("numberRecordsTotal", "numberRecordsProcessed", "numberRecordsFailed")
        )
    except (KeyError, TypeError, ValueError):
        return (1, 1, 1)
    return (processed - failed, failed, total - processed)
