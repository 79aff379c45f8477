"""Writes through the connection: sObject Collections (200 rows a request) and Bulk API 2.0 ingest jobs.

A write is sent once unless the answer proves nothing was committed; a row whose fate is not known
comes back `UNKNOWN`, never re-sent here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from functools import partial
from typing import Any

from sfsync.errors import RemoteError
from sfsync.salesforce import results
from sfsync.salesforce.api_calls import ApiCalls
from sfsync.salesforce.errors import AuthenticationError, SalesforceRequestError, TransportError
from sfsync.salesforce.job_pacing import Pacing, paced
from sfsync.salesforce.port import ErrorDetail, Record, WriteOperation, WriteOptions, WriteResult
from sfsync.salesforce.retry import is_retryable_read, is_retryable_write
from sfsync.salesforce.soql import name as api_name

COLLECTION_SIZE = 200
BULK_ROWS_PER_POLL_SECOND = 5_000
BULK_MAX_POLL_SECONDS = 60.0


def poll_interval(bulk_wait: float, rows: int) -> float:
    """The longest wait between polls of an ingest job: longer for a bigger job (the first polls come
    sooner: salesforce/job_pacing).

    A job's time grows with its rows (Salesforce processes a few thousand a second), so a fixed interval
    makes the number of status calls grow with N; this keeps it about flat, at most one interval late.
    """
    return max(bulk_wait, min(BULK_MAX_POLL_SECONDS, rows / BULK_ROWS_PER_POLL_SECOND))


def collections(
    api: ApiCalls,
    kind: str,
    method: str,
    path: str,
    rows: list[dict[str, Any]],
    options: WriteOptions,
    *,
    retry: bool = True,
) -> list[WriteResult]:
    """`rows` in requests of `COLLECTION_SIZE` (`allOrNone: false`); results aligned with `rows`."""
    headers = {"Sforce-Duplicate-Rule-Header": "allowSave=true"} if options.allow_save else {}
    out: list[WriteResult] = []
    for start in range(0, len(rows), COLLECTION_SIZE):
        chunk = rows[start : start + COLLECTION_SIZE]
        body = {"allOrNone": False, "records": chunk}
        send = partial(api.sf.restful, path, method=method, json=body, headers=headers)
        out.extend(_send_chunk(api, kind, send, len(chunk), retry))
    return out


def _send_chunk(api: ApiCalls, kind: str, send: Callable[[], Any], size: int, retry: bool) -> list[WriteResult]:
    return send_once(api, kind, send, size, results.collection_results, retry=retry)


def send_once(
    api: ApiCalls,
    kind: str,
    send: Callable[[], Any],
    size: int,
    read: Callable[[Any, int], list[WriteResult]],
    *,
    retry: bool = False,
) -> list[WriteResult]:
    """One write request of `size` rows, `read` turning its answer into their results.

    A lost connection or a 5xx may have been committed: its rows are unknown, never re-sent here. A
    refusal of the whole request that a retry could lift (a lock, a limit) rejects every row.
    """
    try:
        answer = api.call(kind, send, retryable=is_retryable_write if retry else lambda _error: False)
    except TransportError:
        return results.unknown(size)
    except SalesforceRequestError as error:
        if is_retryable_write(error):
            return results.rejected(size, ErrorDetail(error.code, str(error)))
        if error.status >= 500:
            return results.unknown(size)
        raise
    return read(answer, size)


def bulk_write(
    api: ApiCalls,
    sobject: str,
    operation: WriteOperation,
    records: Sequence[Record],
    external_id_field: str | None,
    bulk_wait: float,
) -> list[WriteResult]:
    """One ingest job for `records`; results aligned with them (unknown where the job's fate is not known)."""
    if not records:
        return []
    rows = results.bulk_rows(records)
    wait = poll_interval(bulk_wait, len(rows))
    handler = paced(getattr(api.sf.bulk2, api_name(sobject)), Pacing(wait))
    extra = (
        {"external_id_field": api_name(external_id_field)}
        if operation is WriteOperation.UPSERT and external_id_field
        else {}
    )
    write = getattr(handler, str(operation))
    try:
        api.usage.count(f"bulk_{operation}")
        jobs = api.translated(lambda: write(records=rows, wait=wait, **extra), f"bulk_{operation}")
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
                bucket.append(api.call("bulk_results", partial(getter, job_id), retryable=is_retryable_read))
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
