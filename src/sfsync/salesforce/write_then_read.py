"""An sObject Collections write and the reads after it in one composite request (`SalesforcePort.send_write`).

The write is the composite's first subrequest (`allOrNone` off, as a Collections request of its own);
the reads follow (carried_reads). Its results are read as a lone Collections request's would be: a
refusal of the whole write that a retry could lift rejects every row, any other refusal stops as it
would, and a lost or failed request leaves every row unknown and no read answered. Without reads,
or when none fits, the write goes as a Collections request of its own.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import partial
from typing import Any

from sfsync.salesforce import carried_reads, results, writes
from sfsync.salesforce.api_calls import ApiCalls
from sfsync.salesforce.errors import request_error
from sfsync.salesforce.port import ErrorDetail, WriteOptions, WriteResult
from sfsync.salesforce.retry import is_retryable_write
from sfsync.salesforce.write_requests import Read, Written

_WRITE = "write"
_DUPLICATE_HEADER = "Sforce-Duplicate-Rule-Header"


def collections_then_reads(
    api: ApiCalls,
    kind: str,
    method: str,
    path: str,
    rows: list[dict[str, Any]],
    options: WriteOptions,
    then: Sequence[Read],
    *,
    retry: bool,
) -> Written:
    """`rows` as `writes.collections` sends them, the last request of them carrying `then`'s reads."""
    last = len(rows) - (len(rows) - 1) % writes.COLLECTION_SIZE - 1 if rows else 0
    asked = carried_reads.carried(api, then, 1, 1) if rows else []
    if not asked:
        return Written(writes.collections(api, kind, method, path, rows, options, retry=retry))
    earlier = writes.collections(api, kind, method, path, rows[:last], options, retry=retry) if last else []
    chunk = rows[last:]
    write: dict[str, Any] = {
        "method": method,
        "url": f"/services/data/v{api.sf.sf_version}/{path}",
        "referenceId": _WRITE,
        "body": {"allOrNone": False, "records": chunk},
    }
    if options.allow_save:
        write["httpHeaders"] = {_DUPLICATE_HEADER: "allowSave=true"}
    subrequests = [write, *(sub for item in asked for sub in item.subrequests)]
    body = {"allOrNone": False, "collateSubrequests": False, "compositeRequest": subrequests}
    send = partial(api.sf.restful, "composite", method="POST", json=body)
    seen: list[Any] = []

    def read(answer: Any, size: int) -> list[WriteResult]:
        found = _write_results(answer, size, kind)
        seen.append(answer)  # only once the write's own answer was read: a refused write answers no read
        return found

    found = writes.send_once(api, f"composite_{kind}", send, len(chunk), read, retry=retry)
    return Written([*earlier, *found], carried_reads.answers(api, asked, seen[0]) if seen else {})


def _write_results(answer: Any, size: int, kind: str) -> list[WriteResult]:
    items = answer.get("compositeResponse") if isinstance(answer, Mapping) else None
    item = next((i for i in items or [] if isinstance(i, Mapping) and i.get("referenceId") == _WRITE), None)
    status = int(item.get("httpStatusCode") or 0) if item is not None else 0
    body: Any = item.get("body") if item is not None else None
    if 200 <= status < 300:
        return results.collection_results(body, size)
    if status >= 500 or status == 0:
        return results.unknown(size)
    error = request_error(status, body, kind)
    if is_retryable_write(error):
        return results.rejected(size, ErrorDetail(error.code, str(error)))
    raise error
