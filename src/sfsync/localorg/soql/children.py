"""Child subqueries (`SELECT Id, (SELECT Id FROM Contacts) FROM Account`), read one page at a time.

For each page of parents, one query per subquery reads the children of all of them
(`WHERE <foreign key> IN (…)`) and the rows are attached to their parents.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sfsync.localorg.soql.errors import unknown_child_relationship
from sfsync.localorg.soql.records import Children, Shape, build
from sfsync.localorg.soql.scope import Scope
from sfsync.localorg.soql.selection import Columns, RecordSelection
from sfsync.localorg.soql.syntax import Query

if TYPE_CHECKING:
    from sfsync.localorg.soql.plan import Compiler

_CHUNK = 500  # parent ids per statement, well under SQLite's parameter limit


@dataclass(frozen=True)
class ChildPlan:
    key: str
    sql: str  # contains `{parents}` where the parent-id placeholders go
    params: tuple[Any, ...]
    parent_index: int
    shape: Shape
    limit: int | None


def compile_child(compiler: Compiler, query: Query, parent: Scope, parent_shape: Shape) -> ChildPlan:
    relationship = next(
        (r for r in parent.spec.describe.get("childRelationships", [])
         if str(r.get("relationshipName") or "").lower() == query.sobject.lower()),
        None,
    )  # fmt: skip
    child = compiler.catalog.get(str(relationship["childSObject"])) if relationship else None
    if relationship is None or child is None or not compiler.access.can_read_object(child.name):
        raise unknown_child_relationship(compiler.soql, query.sobject_pos, query.sobject)
    scope = Scope(compiler.soql, compiler.catalog, compiler.access, child, parent.counter, query.alias)
    columns = Columns()
    selection = RecordSelection(scope, columns)
    selection.add_items(query.select)
    foreign_key = f'{scope.alias}."{relationship["field"]}"'
    parent_index = columns.add(foreign_key)
    where_sql, params = compiler.where(query, scope)
    order = [*compiler.order_sql(query.order_by, scope), f'{scope.alias}."Id" ASC']
    # Identifiers from the catalog only; values travel as parameters.
    select = f"SELECT {columns.sql} FROM {scope.from_sql}"  # noqa: S608
    sql = f"{select} WHERE {foreign_key} IN ({{parents}}) AND {where_sql} ORDER BY {', '.join(order)}"
    key = str(relationship["relationshipName"])
    parent_shape.entries.append(Children(key))
    return ChildPlan(key, sql, tuple(params), parent_index, selection.shape, query.limit)


def attach_children(
    connection: sqlite3.Connection,
    plans: Sequence[ChildPlan],
    parents: Sequence[tuple[str, dict[str, Any]]],
    api_version: str,
) -> None:
    """Sets each subquery's key on each `(parent id, record)`: a nested result, or None when empty."""
    ids = [parent_id for parent_id, _ in parents]
    for plan in plans:
        grouped = _read(connection, plan, ids, api_version)
        for parent_id, record in parents:
            rows = grouped.get(parent_id, [])
            record[plan.key] = {"totalSize": len(rows), "done": True, "records": rows} if rows else None


def _read(connection: sqlite3.Connection, plan: ChildPlan, ids: list[str], api_version: str) -> dict[str, list[Any]]:
    grouped: dict[str, list[Any]] = defaultdict(list)
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        sql = plan.sql.replace("{parents}", ", ".join("?" for _ in chunk))
        for row in connection.execute(sql, (*chunk, *plan.params)):
            siblings = grouped[row[plan.parent_index]]
            if plan.limit is None or len(siblings) < plan.limit:
                siblings.append(build(plan.shape, row, api_version))
    return grouped
