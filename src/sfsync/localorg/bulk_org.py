"""What Bulk API 2.0 jobs need from the org: its catalog, database, DML and query services.

Bulk jobs never write records themselves: every row goes through the DML service, so validation,
duplicate rules, permissions and system fields behave exactly as on the REST paths.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager
from typing import Any, Protocol

from sfsync.localorg.catalog import Catalog
from sfsync.localorg.dml import Dml
from sfsync.localorg.permissions import User, UserAccess


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
    def dml(self) -> Dml: ...
    @property
    def queries(self) -> QueryPort: ...
    @property
    def write_lock(self) -> AbstractContextManager[Any]: ...
    def connect(self) -> sqlite3.Connection: ...
    def access_for(self, user: User) -> UserAccess: ...
    def note(self, kind: str, user: str, sobject: str, ids: Iterable[str], fields: Iterable[str] = ()) -> None: ...
