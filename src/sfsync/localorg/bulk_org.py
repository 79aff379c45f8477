"""What Bulk API 2.0 jobs need from the org: its catalog, database, DML and query services.

Bulk jobs never write records themselves: every row goes through the DML service, so validation,
duplicate rules, permissions and system fields behave exactly as on the REST paths.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Mapping
from contextlib import AbstractContextManager
from typing import Any, Protocol

from sfsync.localorg.catalog import Catalog
from sfsync.localorg.outcomes import DmlOptions, DmlResult
from sfsync.localorg.permissions import User, UserAccess


class DmlPort(Protocol):
    """The DML service (`sfsync.localorg.dml.Dml`) as Bulk jobs call it."""

    def create(self, user: User, sobject: str, values: Mapping[str, Any], *, options: DmlOptions) -> DmlResult: ...
    def update(
        self, user: User, sobject: str, record_id: str, values: Mapping[str, Any], *, options: DmlOptions
    ) -> DmlResult: ...
    def upsert(
        self,
        user: User,
        sobject: str,
        external_field: str,
        external_value: str,
        values: Mapping[str, Any],
        *,
        options: DmlOptions,
    ) -> DmlResult: ...
    def delete(self, user: User, sobject: str, record_id: str, *, options: DmlOptions) -> DmlResult: ...
    def transaction(self) -> AbstractContextManager[None]: ...


class QueryPort(Protocol):
    """The query service (`sfsync.localorg.soql.QueryService`) as query jobs call it."""

    def bulk_rows(
        self, soql: str, *, access: UserAccess, include_deleted: bool = False
    ) -> tuple[list[str], Iterator[list[str]]]: ...


class BulkOrg(Protocol):
    """The org a Bulk handler or worker runs against."""

    @property
    def catalog(self) -> Catalog: ...
    @property
    def dml(self) -> DmlPort: ...
    @property
    def queries(self) -> QueryPort: ...
    @property
    def write_lock(self) -> AbstractContextManager[Any]: ...
    def connect(self) -> sqlite3.Connection: ...
    def access_for(self, user: User) -> UserAccess: ...
