"""Canary secrets: distinctive values placed where secrets live, then searched for everywhere sfsync writes.

A canary is found in text, in a file under a directory, in a SQLite store's dump or in every row of a
PostgreSQL store, raw or URL-encoded.
"""

from __future__ import annotations

import csv
import gzip
import re
import secrets
import sqlite3
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import quote

import psycopg


def canary(kind: str) -> str:
    return f"CANARY-{kind}-{secrets.token_hex(8)}"


def forms(value: str) -> set[str]:
    return {value, quote(value, safe=""), value.lower()}


def found_in_text(text: str, values: Iterable[str]) -> list[str]:
    return sorted({value for value in values if any(form in text for form in forms(value))})


def found_in_files(directory: Path, values: Iterable[str], skip: re.Pattern[str] | None = None) -> list[str]:
    """`path: canary` for every file under `directory` holding a canary (binary files included).

    `skip`: files whose path relative to `directory` it matches are not searched (a value's own place)."""
    hits = []
    wanted = list(values)
    files = (p for p in directory.rglob("*") if p.is_file())
    for path in sorted(p for p in files if skip is None or not skip.match(p.relative_to(directory).as_posix())):
        data = path.read_bytes()
        if data[:2] == b"\x1f\x8b":  # gzip (a plan file): what it holds, not its compressed bytes
            data = gzip.decompress(data)
        text = data.decode("utf-8", errors="replace")
        hits += [f"{path.relative_to(directory)}: {value}" for value in found_in_text(text, wanted)]
    return hits


def sqlite_dump(path: Path) -> str:
    connection = sqlite3.connect(path)
    try:
        return "\n".join(connection.iterdump())
    finally:
        connection.close()


def postgres_dump(url: str) -> str:
    """Every row of every table of the `public` schema, as text."""
    lines = []
    with psycopg.connect(url) as connection:
        tables = connection.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
        ).fetchall()
        for (table,) in tables:
            rows = connection.execute(f'SELECT t::text FROM "{table}" t').fetchall()  # noqa: S608 - catalog names
            lines += [f"{table}: {row[0]}" for row in rows]
    return "\n".join(lines)


def with_canaries(source: Path, target: Path, column: str, *, first: str) -> list[str]:
    """`source` (a workspace CSV) copied to `target` with a canary in `column` of every row, the row whose
    `Email` is `first` moved first; returns the canaries in row order."""
    with source.open(encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file))
    rows.sort(key=lambda row: row["Email"] != first)  # stable: the others keep their order
    for row in rows:
        row[column] = canary(column.lower().replace(" ", "-"))
    with target.open("w", encoding="utf-8", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return [row[column] for row in rows]
