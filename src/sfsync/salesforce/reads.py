"""Reads through the connection: a typed query over REST (paged) or a Bulk API 2.0 query job, and retrieves.

A query is compiled here, and split where its SOQL would be too long (`soql.soql_texts`); a record
that several parts return comes back once. Bulk results are fetched in pages of `BULK_PAGE_RECORDS`
(`maxRecords`): one results call per page, so a large page keeps the calls for a big object few,
while a page held as CSV text stays well within the plan's memory.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from functools import partial
from typing import Any

from sfsync.salesforce import results
from sfsync.salesforce.api_calls import ApiCalls
from sfsync.salesforce.job_pacing import paced, query_pacing
from sfsync.salesforce.port import Record
from sfsync.salesforce.query import Query
from sfsync.salesforce.retry import is_retryable_read
from sfsync.salesforce.soql import name as api_name
from sfsync.salesforce.soql import soql_texts

RETRIEVE_SIZE = 2000
# Salesforce's own default page is far smaller for wide rows; asking for more is what `maxRecords` is for.
BULK_PAGE_RECORDS = 250_000


def query_rows(api: ApiCalls, request: Query) -> Iterator[Record]:
    """Every row of the query through REST, following `nextRecordsUrl` page by page."""
    texts = soql_texts(request)
    return once(request, texts, (row for soql in texts for row in _rest_pages(api, soql, request.include_deleted)))


def bulk_query_rows(api: ApiCalls, request: Query, wait: float, datetimes: Collection[str] = ()) -> Iterator[Record]:
    """The same rows through one Bulk API 2.0 query job per SOQL text, shaped as REST's (values are
    strings or None; the `datetimes` fields, lower-cased, in REST's form)."""
    texts = soql_texts(request)
    pages = (row for soql in texts for row in _bulk_pages(api, request, soql, wait, datetimes))
    return once(request, texts, pages)


def _rest_pages(api: ApiCalls, soql: str, include_deleted: bool) -> Iterator[Record]:
    page = api.call("query", lambda: api.sf.query(soql, include_deleted), retryable=is_retryable_read)
    return page_rows(api, page)


def page_rows(api: ApiCalls, page: Mapping[str, Any]) -> Iterator[Record]:
    """The rows of a query's first page, then of each next one (`nextRecordsUrl`, one call a page)."""
    while True:
        yield from (results.plain(r) for r in page.get("records") or ())
        if page.get("done", True) or not page.get("nextRecordsUrl"):
            return
        page = api.call(
            "query_more",
            partial(api.sf.query_more, str(page["nextRecordsUrl"]), True),
            retryable=is_retryable_read,
        )


def _bulk_pages(api: ApiCalls, request: Query, soql: str, wait: float, datetimes: Collection[str]) -> Iterator[Record]:
    handler = paced(getattr(api.sf.bulk2, api_name(request.sobject)), query_pacing(wait))
    method = handler.query_all if request.include_deleted else handler.query
    api.usage.count("bulk_query")
    pages = api.translated(lambda: method(soql, max_records=BULK_PAGE_RECORDS, wait=wait), "bulk_query")
    while True:
        text = api.translated(lambda: next(pages, None), "bulk_query")
        if text is None:
            return
        yield from results.csv_records(str(text), datetimes)


def once(request: Query, texts: Sequence[str], rows: Iterable[Record]) -> Iterator[Record]:
    """Rows without repeats by Id when the query went as several texts (an `Or` split may match a record twice)."""
    if len(texts) == 1 or "Id" not in request.fields:
        yield from rows
        return
    seen: set[str] = set()
    for row in rows:
        record_id = str(row.get("Id"))
        if record_id not in seen:
            seen.add(record_id)
            yield row


def retrieve(api: ApiCalls, sobject: str, ids: Sequence[str], fields: Sequence[str]) -> list[Record | None]:
    """Current values of the records, aligned with `ids` (None where not found), 2000 per call."""
    found: list[Record | None] = []
    path = f"composite/sobjects/{api_name(sobject)}"
    body_fields = [api_name(f) for f in fields]
    for start in range(0, len(ids), RETRIEVE_SIZE):
        chunk = list(ids[start : start + RETRIEVE_SIZE])
        send = partial(api.sf.restful, path, method="POST", json={"ids": chunk, "fields": body_fields})
        rows = api.call("retrieve", send, retryable=is_retryable_read)
        found.extend(results.plain(r) if isinstance(r, Mapping) else None for r in rows or [None] * len(chunk))
    return found
