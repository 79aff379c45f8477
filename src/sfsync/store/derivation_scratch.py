"""Cache rows in a scratch SQLite file, and the cache taking them whole.

Each process of a split derivation (`engine/planning/split_derivation.py`) writes the rows it derived
to a scratch file of its own: the cache's two tables' columns, nothing more (no index until its end,
no log, no journal: a file for one plan, thrown away). So each row's tokens kept (`own_tokens.input_rows`) and
its bind values are worked out in the process that derived it, all processes at once, and the cache
copies the files' rows as the driver reads them (`take`), without a value decoded or encoded again.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Collection, Iterator
from pathlib import Path

from sqlalchemy import Connection

from sfsync.store.bulk import insert_values
from sfsync.store.derivation_schema import CacheTables
from sfsync.store.own_tokens import input_rows

ROW = ("kind", "workspace_id", "cluster", "output")
INPUT = ("kind", "workspace_id", "token")
_BATCH = 2000
_OUTPUT = "SELECT output FROM derivation WHERE kind = ? AND workspace_id = ?"
_REWRITE = "UPDATE derivation SET output = ? WHERE kind = ? AND workspace_id = ?"
_UNKEEP = (
    "DELETE FROM derivation_input WHERE (kind, workspace_id) IN "
    "(SELECT kind, workspace_id FROM derivation WHERE cluster = ?)",
    "DELETE FROM derivation WHERE cluster = ?",
)
_READS = (
    "SELECT kind, workspace_id, cluster, output FROM derivation",
    "SELECT kind, workspace_id, token FROM derivation_input",
)
Rewrite = Callable[[str, str | None], str | None]  # a record's id and output: the output it keeps
_TABLES = (
    "CREATE TABLE derivation (kind TEXT, workspace_id TEXT, cluster TEXT, output TEXT)",
    "CREATE TABLE derivation_input (kind TEXT, workspace_id TEXT, token TEXT)",
)


class ScratchRows:
    """A share's cache rows, written to `path` as they come (`add`), amended at its end (`finish`)."""

    def __init__(self, path: Path) -> None:
        self._conn = sqlite3.connect(path, isolation_level=None)
        for statement in ("PRAGMA journal_mode = OFF", "PRAGMA synchronous = OFF", *_TABLES, "BEGIN"):
            self._conn.execute(statement)
        self._rows: list[tuple[str, str, str | None, str | None]] = []
        self._inputs: list[tuple[str, str, str]] = []

    def add(self, key: tuple[str, str], cluster: str | None, output: str | None, tokens: Collection[str]) -> None:
        """A record's row: its (kind, workspace id), cluster, `output_text` and every token it read."""
        kind, workspace_id = key
        self._rows.append((kind, workspace_id, cluster, output))
        self._inputs.extend(input_rows(kind, workspace_id, cluster, tokens))
        if len(self._rows) >= _BATCH:
            self._flush()

    def finish(self, rewrite: Rewrite, kind: str, ids: Collection[str], unkept: Collection[str]) -> None:
        """Rewrite the outputs of the records `ids` of `kind` (`rewrite(id, output)`), drop the rows of
        the clusters `unkept`, and close the file."""
        self._flush()
        self._conn.execute("CREATE INDEX scratch_key ON derivation (kind, workspace_id)")
        for workspace_id in ids:
            key = (kind, workspace_id)
            found = self._conn.execute(_OUTPUT, key).fetchone()
            if found is not None:
                self._conn.execute(_REWRITE, (rewrite(workspace_id, found[0]), *key))
        for cluster in unkept:
            for statement in _UNKEEP:
                self._conn.execute(statement, (cluster,))
        self._conn.execute("COMMIT")
        self._conn.close()

    def _flush(self) -> None:
        self._conn.executemany("INSERT INTO derivation VALUES (?, ?, ?, ?)", self._rows)
        self._conn.executemany("INSERT INTO derivation_input VALUES (?, ?, ?)", self._inputs)
        self._rows, self._inputs = [], []


def take(conn: Connection, tables: CacheTables, path: Path) -> None:
    """Insert a scratch file's rows into the cache `tables`, a batch at a time, as the driver reads them."""
    scratch = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        for table, names, read in ((tables.derivation, ROW, _READS[0]), (tables.derivation_input, INPUT, _READS[1])):
            for batch in _batches(scratch.execute(read)):
                insert_values(conn, table, names, batch)
    finally:
        scratch.close()


def _batches(cursor: sqlite3.Cursor) -> Iterator[list[tuple[object, ...]]]:
    while batch := cursor.fetchmany(_BATCH * 5):
        yield batch
