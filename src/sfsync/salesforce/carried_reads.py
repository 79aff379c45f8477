"""Reads carried after a write in the same composite request, and their answers.

Each read becomes subrequests placed after the write's: a retrieve one sObject Collections retrieve
(at most `RETRIEVE_SIZE` ids), a query one Query (or QueryAll) subrequest per SOQL text its compiler
makes. Salesforce takes at most `MAX_SUBREQUESTS` subrequests in a composite, at most
`MAX_COLLECTION_OR_QUERY` of them sObject Collections or queries: reads are taken in order while
they fit, and the first that does not fit ends the list (the caller reads it, and every later one,
itself, so their order is kept). The composite is sent with `collateSubrequests: false`, so Salesforce
runs its subrequests in order and the reads see the write.

A read is answered only when every one of its subrequests succeeded; a query page left unfinished is
followed with `query_more` calls, as a query of its own would be.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from sfsync.salesforce import reads, results
from sfsync.salesforce.api_calls import ApiCalls
from sfsync.salesforce.port import Record
from sfsync.salesforce.soql import name as api_name
from sfsync.salesforce.soql import soql_texts
from sfsync.salesforce.write_requests import Read, Retrieve

MAX_SUBREQUESTS = 25
MAX_COLLECTION_OR_QUERY = 5


@dataclass(frozen=True)
class Carried:
    """One read and the subrequests that ask it."""

    read: Read
    subrequests: tuple[dict[str, Any], ...]


def carried(api: ApiCalls, then: Sequence[Read], used: int, used_heavy: int) -> list[Carried]:
    """The reads of `then` that fit after a write of `used` subrequests, `used_heavy` of them sObject
    Collections or queries (every subrequest of a read is one of those)."""
    found: list[Carried] = []
    for index, read in enumerate(then):
        subrequests = _subrequests(api, read, f"read{index}")
        used, used_heavy = used + len(subrequests), used_heavy + len(subrequests)
        if not subrequests or used > MAX_SUBREQUESTS or used_heavy > MAX_COLLECTION_OR_QUERY:
            break
        found.append(Carried(read, subrequests))
    return found


def answers(api: ApiCalls, asked: Sequence[Carried], answer: Any) -> dict[Read, list[Record | None]]:
    """Each carried read's rows from the composite's answer (by reference), those that succeeded."""
    items = answer.get("compositeResponse") if isinstance(answer, Mapping) else None
    by_reference = {item.get("referenceId"): item for item in items or [] if isinstance(item, Mapping)}
    found: dict[Read, list[Record | None]] = {}
    for item in asked:
        subanswers = [by_reference.get(sub["referenceId"]) for sub in item.subrequests]
        if not all(sub is not None and 200 <= int(sub.get("httpStatusCode") or 0) < 300 for sub in subanswers):
            continue
        rows = _rows(api, item.read, [sub.get("body") for sub in subanswers if sub is not None])
        if rows is not None:
            found[item.read] = rows
    return found


def _subrequests(api: ApiCalls, read: Read, reference: str) -> tuple[dict[str, Any], ...]:
    base = f"/services/data/v{api.sf.sf_version}"
    if isinstance(read, Retrieve):
        if len(read.ids) > reads.RETRIEVE_SIZE or not read.ids:
            return ()
        body = {"ids": list(read.ids), "fields": [api_name(f) for f in read.fields]}
        url = f"{base}/composite/sobjects/{api_name(read.sobject)}"
        return ({"method": "POST", "url": url, "referenceId": reference, "body": body},)
    resource = "queryAll" if read.include_deleted else "query"
    return tuple(
        {"method": "GET", "url": f"{base}/{resource}?{urlencode({'q': soql})}", "referenceId": f"{reference}_{n}"}
        for n, soql in enumerate(soql_texts(read))
    )


def _rows(api: ApiCalls, read: Read, bodies: Sequence[Any]) -> list[Record | None] | None:
    if isinstance(read, Retrieve):
        (body,) = bodies
        if not isinstance(body, list) or len(body) != len(read.ids):
            return None
        return [results.plain(row) if isinstance(row, Mapping) else None for row in body]
    if not all(isinstance(body, Mapping) for body in bodies):
        return None
    texts = [str(n) for n in range(len(bodies))]  # how many texts the query went as: repeats are dropped
    return list(reads.once(read, texts, (row for body in bodies for row in reads.page_rows(api, body))))
