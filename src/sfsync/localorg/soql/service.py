"""The query service behind `/query`, `/queryAll` and Bulk query jobs."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sfsync.localorg.catalog import Catalog
from sfsync.localorg.soql.children import attach_children
from sfsync.localorg.soql.columns import column_metadata
from sfsync.localorg.soql.cursors import Cursor, CursorStore, locator_text
from sfsync.localorg.soql.dates import utc_now
from sfsync.localorg.soql.depth import bounded_depth
from sfsync.localorg.soql.errors import SoqlError
from sfsync.localorg.soql.parser import parse
from sfsync.localorg.soql.plan import Compiler, Plan
from sfsync.localorg.soql.records import build, csv_value
from sfsync.localorg.soql.scope import Access

DEFAULT_BATCH_SIZE = 2000
MIN_BATCH_SIZE = 200
BULK_CHUNK = 10_000


@dataclass(frozen=True)
class QueryPage:
    """One page of a query result; `total_size` counts the whole result."""

    total_size: int
    done: bool
    next_records_url: str | None
    records: list[dict[str, Any]]

    def to_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {"totalSize": self.total_size, "done": self.done}
        if self.next_records_url is not None:
            body["nextRecordsUrl"] = self.next_records_url
        body["records"] = self.records
        return body


class QueryService:
    """Runs SOQL against the org's SQLite database (see `catalog.py` for the storage contract)."""

    def __init__(
        self,
        connect: Callable[[], sqlite3.Connection],
        catalog: Catalog,
        *,
        now: Callable[[], datetime] = utc_now,
        cursor_capacity: int = 1000,
    ) -> None:
        self._connect = connect
        self._catalog = catalog
        self._now = now
        self._cursors = CursorStore(cursor_capacity)

    def query(
        self,
        soql: str,
        *,
        access: Access,
        api_version: str,
        include_deleted: bool = False,
        batch_size: int = DEFAULT_BATCH_SIZE,
    ) -> QueryPage:
        with bounded_depth():
            plan = self._plan(soql, access, include_deleted)
            connection = self._connect()
            total = _total(plan, connection)
            if plan.count_only:
                return QueryPage(total, True, None, [])
            size = max(MIN_BATCH_SIZE, min(DEFAULT_BATCH_SIZE, batch_size))
            return self._page(connection, Cursor(plan, total, size), None, 0, api_version)

    def query_more(self, locator: str, *, access: Access, api_version: str) -> QueryPage:
        cursor, offset = self._cursors.find(locator)
        locator_id = locator.rpartition("-")[0]
        return self._page(self._connect(), cursor, locator_id, offset, api_version)

    def columns(self, soql: str, *, access: Access) -> dict[str, Any]:
        """The query's column metadata (`columns=true`), without running it."""
        with bounded_depth():
            query = parse(soql)
            plan = Compiler(soql, self._catalog, access, self._now().date(), False).compile(query)
        return column_metadata(plan, query, self._catalog)

    def explain(self, soql: str, *, access: Access) -> dict[str, Any]:
        """The query plan (`explain=`): one table scan of the FROM object, costed by its size."""
        with bounded_depth():
            plan = self._plan(soql, access, False)
            cardinality = _total(plan, self._connect())
        table = f'"{plan.sobject}"'  # a catalog name, never query text
        size = int(self._connect().execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])  # noqa: S608
        note = {"description": "Not considering filter for optimization because unindexed", "fields": ["IsDeleted"]}
        return {
            "plans": [{
                "cardinality": cardinality, "fields": [], "leadingOperationType": "TableScan",
                "notes": [note | {"tableEnumOrId": plan.sobject}], "relativeCost": round(size / 1000 + 0.1, 4),
                "sobjectCardinality": size, "sobjectType": plan.sobject,
            }],
            "sourceQuery": soql,
        }  # fmt: skip

    def bulk_rows(
        self, soql: str, *, access: Access, include_deleted: bool = False
    ) -> tuple[list[str], Iterator[list[str]]]:
        """The CSV header (`Account.Name` for parent fields) and every row as Bulk 2.0 CSV values."""
        plan = self._plan(soql, access, include_deleted)
        if plan.aggregate:
            raise SoqlError("INVALIDENTITY", "Aggregate queries are not supported in Bulk API 2.0 query")
        if plan.children:
            raise SoqlError("INVALIDENTITY", "Nested queries are not supported in Bulk API 2.0 query")
        if plan.has_compound:
            raise SoqlError("INVALIDENTITY", "Selecting compound data not supported in Bulk Query")
        return [column.label for column in plan.csv], self._csv_rows(plan)

    def _plan(self, soql: str, access: Access, include_deleted: bool) -> Plan:
        with bounded_depth():
            query = parse(soql)
            compiler = Compiler(soql, self._catalog, access, self._now().date(), include_deleted)
            return compiler.compile(query)

    def _page(
        self, connection: sqlite3.Connection, cursor: Cursor, locator_id: str | None, position: int, api_version: str
    ) -> QueryPage:
        plan = cursor.plan
        size = min(cursor.batch_size, cursor.total - position)
        rows = _rows(connection, cursor, position, size) if size > 0 else []
        records = [build(plan.shape, row, api_version) or {} for row in rows]
        if plan.children:
            parents = [(str(row[plan.shape.id_index or 0]), record) for row, record in zip(rows, records, strict=True)]
            attach_children(connection, plan.children, parents, api_version)
        following = position + len(rows)
        if following >= cursor.total:
            return QueryPage(cursor.total, True, None, records)
        if plan.keyset_sql is not None:
            cursor.bookmark(following, tuple(rows[-1][index] for index in plan.key_indexes))
        if locator_id is None:
            locator_id = self._cursors.open(cursor)
        url = f"/services/data/v{api_version}/query/{locator_text(locator_id, following)}"
        return QueryPage(cursor.total, False, url, records)

    def _csv_rows(self, plan: Plan) -> Iterator[list[str]]:
        """Rows read in chunks, each statement finished before its rows are handed out.

        So the caller may write to the database between rows, and no read snapshot is held open
        for the whole export.
        """
        connection = self._connect()
        cursor = Cursor(plan, _total(plan, connection), BULK_CHUNK)
        position = 0
        while position < cursor.total:
            rows = _rows(connection, cursor, position, min(BULK_CHUNK, cursor.total - position))
            if not rows:
                return
            position += len(rows)
            if plan.keyset_sql is not None:
                cursor.bookmark(position, tuple(rows[-1][index] for index in plan.key_indexes))
            for row in rows:
                yield [csv_value(row[column.index], column.type) for column in plan.csv]


def _total(plan: Plan, connection: sqlite3.Connection) -> int:
    count = int(connection.execute(plan.count_sql, plan.params).fetchone()[0])
    available = max(0, count - plan.offset)
    return available if plan.limit is None else min(available, plan.limit)


def _rows(connection: sqlite3.Connection, cursor: Cursor, position: int, size: int) -> list[Any]:
    """The rows from `position`: after the bookmarked key when there is one, else by OFFSET."""
    plan = cursor.plan
    key = cursor.bookmarks.get(position)
    if plan.keyset_sql is not None and key is not None:
        return connection.execute(f"{plan.keyset_sql} LIMIT ?", (*plan.params, *key, size)).fetchall()
    return connection.execute(f"{plan.sql} LIMIT ? OFFSET ?", (*plan.params, size, plan.offset + position)).fetchall()
