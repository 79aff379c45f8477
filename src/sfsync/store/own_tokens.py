"""The tokens a record's derivation reads of itself, matched to the record from the change log, never kept.

Every derivation reads its own row (`w|KIND|id|ID`), its play membership (`p|KIND|ID`) and its links
(`l|KIND|ID`): three of a person's ten or so tokens, three of a company's four or five, and the
record's key names them all. So the cache keeps no input row for them: a moved token of one of
these shapes names its record outright (`moved_own`, one set-based select per shape). A record
derived with a company (its cluster) reads that company's row and links, and that company, dirty,
derives again with its whole cluster anyway: the record keeps no row for the company's own tokens
either, and is dirty with its company (`moved_with_cluster`): it is derived again with it all the same.

The shapes are the change triggers' (`change_triggers.py`), written for a kind and an id.
"""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import CTE, Select, Subquery, func, literal, select, union_all

from sfsync.catalogue import Kind
from sfsync.store.derivation_schema import CacheTables

COMPANY = str(Kind.COMPANY)
SHAPES = ("w|{kind}|id|", "p|{kind}|", "l|{kind}|")  # each followed by the record's workspace id
KINDS = tuple(str(kind) for kind in Kind)
_PREFIXES = {kind: tuple(shape.format(kind=kind) for shape in SHAPES) for kind in KINDS}


def own_tokens(kind: str, workspace_id: str) -> tuple[str, ...]:
    """The tokens every derivation of this record reads of itself."""
    return tuple(prefix + workspace_id for prefix in _PREFIXES[kind])


def kept_tokens(kind: str, workspace_id: str, cluster: str | None, tokens: Collection[str]) -> list[str]:
    """The tokens a cache keeps as input rows: all but the record's own and its cluster's company's."""
    implied = {*own_tokens(kind, workspace_id), *(own_tokens(COMPANY, cluster) if cluster else ())}
    return [token for token in tokens if token not in implied]


def input_rows(
    kind: str, workspace_id: str, cluster: str | None, tokens: Collection[str]
) -> list[tuple[str, str, str]]:
    """A record's rows in a cache's input table: (kind, workspace id, token) for each token kept."""
    return [(kind, workspace_id, token) for token in kept_tokens(kind, workspace_id, cluster, tokens)]


def owners(moved: CTE, kinds: Collection[str] = KINDS) -> Subquery:
    """(kind, workspace_id) named by each moved token of an own shape (`moved`: the distinct tokens
    logged, a CTE, so the log is read once for every shape)."""
    parts = []
    for kind in kinds:
        for shape in SHAPES:
            prefix = shape.format(kind=kind)
            named = func.substr(moved.c.token, len(prefix) + 1)
            part = select(literal(kind).label("kind"), named.label("workspace_id"))
            parts.append(part.where(func.substr(moved.c.token, 1, len(prefix)) == prefix))
    return union_all(*parts).subquery("owners")


def moved_own(tables: CacheTables, moved: CTE) -> Select[tuple[str, str]]:
    """Cached records one of whose own tokens moved."""
    table, named = tables.derivation, owners(moved)
    joined = table.join(named, (table.c.kind == named.c.kind) & (table.c.workspace_id == named.c.workspace_id))
    return select(table.c.kind, table.c.workspace_id).select_from(joined)


def moved_with_cluster(tables: CacheTables, moved: CTE) -> Select[tuple[str, str]]:
    """Cached records derived with a company one of whose own tokens moved (the company's included)."""
    table, named = tables.derivation, owners(moved, (COMPANY,))
    joined = table.join(named, table.c.cluster == named.c.workspace_id)
    return select(table.c.kind, table.c.workspace_id).select_from(joined)
