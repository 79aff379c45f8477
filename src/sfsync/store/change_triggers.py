"""Triggers that stamp every change to what a derivation reads into `change_log`, on both backends.

Triggers rather than calls in each write path: the store has many writers (loads, the read pass,
follow-ups of merges, apply, rekeys, `workspace remove`), and a writer added later is covered without
remembering to. An update that changes only bookkeeping columns (`updated_at`, `refreshed_at`,
`linked_at`, `written_at`, `run_id`, `loaded_at`) logs nothing: re-reading a record unchanged, or
loading the same file again, leaves the derivation cache current. Nothing is logged while there is no cache
(`derivation_state` and `derivation_aside_state` empty): everything is derived then anyway.

A token names what a derivation may have read; an update logs the tokens of the row before and after
(a Contact whose email moved concerns both emails' people). `derivation_reads.py` names the same
tokens on the reading side (emails' tokens, `w|email|person_id|…`, have no reader until emails are
planned: logging them now means a store never misses an email loaded before that).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Connection, text

from sfsync.store import schema

# A change is logged while either cache (the applied config's, or the one kept aside) is kept.
CACHED = "EXISTS (SELECT 1 FROM derivation_state) OR EXISTS (SELECT 1 FROM derivation_aside_state)"
IGNORED = frozenset({"updated_at", "refreshed_at", "linked_at", "written_at", "run_id", "loaded_at"})


@dataclass(frozen=True)
class Tracked:
    """A table and its token expressions, written with `{row}` for OLD or NEW."""

    table: str
    tokens: tuple[str, ...]


def _mirror_key(column: str) -> str:
    return f"'m|' || {{row}}.object || '|{column}|' || {{row}}.{column}"


TRACKED: tuple[Tracked, ...] = (
    Tracked("person", ("'w|person|id|' || {row}.id",)),
    Tracked(
        "company",
        (
            "'w|company|id|' || {row}.id",
            "'w|company|domain_norm|' || {row}.domain_norm",
            "'w|company|domain_reg|' || {row}.domain_reg",
        ),
    ),
    Tracked(
        "mirror", tuple(_mirror_key(c) for c in ("sf_id", "email_norm", "domain_norm", "domain_reg", "account_id"))
    ),
    Tracked("link", ("'l|' || {row}.kind || '|' || {row}.workspace_id", "'ls|' || {row}.object || '|' || {row}.sf_id")),
    Tracked("ledger", ("'g|' || {row}.object || '|' || {row}.sf_id",)),
    Tracked("play_member", ("'p|' || {row}.kind || '|' || {row}.workspace_id",)),
    # an email concerns its person's derivation (written once that person is linked)
    Tracked("email_message", ("'w|email|person_id|' || {row}.person_id",)),
)


def create_triggers(conn: Connection) -> None:
    """(Re)create the change triggers for the connection's backend."""
    for tracked in TRACKED:
        statements = _postgres(tracked) if conn.dialect.name == "postgresql" else _sqlite(tracked)
        for statement in statements:
            conn.execute(text(statement))


def drop_triggers(conn: Connection) -> None:
    """Drop the change triggers (an earlier migration step may alter the columns they name)."""
    for tracked in TRACKED:
        name = tracked.table
        if conn.dialect.name == "postgresql":
            for trigger in (f"track_{name}_write", f"track_{name}_update"):
                conn.execute(text(f'DROP TRIGGER IF EXISTS {trigger} ON "{name}"'))
        else:
            for operation in ("insert", "update", "delete"):
                conn.execute(text(f"DROP TRIGGER IF EXISTS track_{name}_{operation}"))


def _compared(table: str) -> list[str]:
    return [c.name for c in schema.metadata.tables[table].columns if c.name not in IGNORED]


def _values(tracked: Tracked, row: str) -> list[str]:
    return [token.format(row=row) for token in tracked.tokens]


# --- SQLite ---------------------------------------------------------------------------------------------
def _sqlite(tracked: Tracked) -> list[str]:
    name, cached = tracked.table, f"({CACHED})"
    changed = " OR ".join(f'OLD."{c}" IS NOT NEW."{c}"' for c in _compared(name))
    cases = {
        "INSERT": (cached, _values(tracked, "NEW")),
        "DELETE": (cached, _values(tracked, "OLD")),
        "UPDATE": (f"{cached} AND ({changed})", [*_values(tracked, "OLD"), *_values(tracked, "NEW")]),
    }
    statements = []
    for operation, (when, tokens) in cases.items():
        trigger = f"track_{name}_{operation.lower()}"
        statements.append(f"DROP TRIGGER IF EXISTS {trigger}")
        statements.append(
            f'CREATE TRIGGER {trigger} AFTER {operation} ON "{name}" FOR EACH ROW WHEN {when} BEGIN '
            f"{_sqlite_insert(tokens)}; END"
        )
    return statements


def _sqlite_insert(tokens: Sequence[str]) -> str:
    union = " UNION ".join(f"SELECT {token} AS token" for token in tokens)
    return f"INSERT INTO change_log (token) SELECT token FROM ({union}) WHERE token IS NOT NULL"  # noqa: S608 - fixed DDL


# --- PostgreSQL -----------------------------------------------------------------------------------------
def _postgres(tracked: Tracked) -> list[str]:
    name = tracked.table
    function = f"sfsync_track_{name}"
    old = ", ".join(f'OLD."{c}"' for c in _compared(name))
    new = ", ".join(f'NEW."{c}"' for c in _compared(name))
    guard = f"IF NOT ({CACHED}) THEN RETURN NULL; END IF;"
    before = f"IF TG_OP <> 'INSERT' THEN {_postgres_insert(_values(tracked, 'OLD'))}; END IF;"
    after = f"IF TG_OP <> 'DELETE' THEN {_postgres_insert(_values(tracked, 'NEW'))}; END IF;"
    body = f"BEGIN {guard} {before} {after} RETURN NULL; END"
    return [
        f"CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$ {body} $$",
        f'DROP TRIGGER IF EXISTS track_{name}_write ON "{name}"',
        f'CREATE TRIGGER track_{name}_write AFTER INSERT OR DELETE ON "{name}" '
        f"FOR EACH ROW EXECUTE FUNCTION {function}()",
        f'DROP TRIGGER IF EXISTS track_{name}_update ON "{name}"',
        f'CREATE TRIGGER track_{name}_update AFTER UPDATE ON "{name}" '
        f"FOR EACH ROW WHEN (ROW({old}) IS DISTINCT FROM ROW({new})) EXECUTE FUNCTION {function}()",
    ]


def _postgres_insert(tokens: Sequence[str]) -> str:
    rows = ", ".join(f"({token})" for token in tokens)
    return f"INSERT INTO change_log (token) SELECT DISTINCT t FROM (VALUES {rows}) AS v(t) WHERE t IS NOT NULL"  # noqa: S608
