"""The write requests of apply's REST path, and the reads a write may carry after it in the same request.

A check's reads (a retrieve of update targets by Id, a query of create keys) may ride with the write
before it in one composite request (`SalesforcePort.send_write`): one API call instead of two.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from sfsync.salesforce.query import Query
from sfsync.salesforce.write_values import GuardedUpdate, Record, Update, WriteOperation, WriteOptions, WriteResult


@dataclass(frozen=True)
class Retrieve:
    """Records by Id with `fields` (an sObject Collections retrieve): a read a write may carry after it."""

    sobject: str
    ids: tuple[str, ...]
    fields: tuple[str, ...]


Read = Query | Retrieve


@dataclass(frozen=True)
class Write:
    """One write of apply's REST path: `records` to insert, or to upsert on `external_id_field`; or
    `updates`, every one of them a `GuardedUpdate` (sent with `If-Unmodified-Since`) or none."""

    sobject: str
    operation: WriteOperation
    records: tuple[Record, ...] = ()
    updates: tuple[Update | GuardedUpdate, ...] = ()
    external_id_field: str | None = None
    options: WriteOptions = field(default_factory=WriteOptions)


@dataclass(frozen=True)
class Written:
    """A write's results (aligned with its rows) and the answers of the reads sent right after it.

    `answers` holds each read Salesforce answered: a query's rows in full, a retrieve's aligned with its
    ids (None where not found). A read missing from it was not sent (it did not fit the request) or its
    answer is not known (the request failed): the caller reads it again itself.
    """

    results: list[WriteResult]
    answers: Mapping[Read, list[Record | None]] = field(default_factory=dict)
