"""Canary secrets: distinctive values placed where secrets live, then searched for everywhere sfsync writes.

A canary is found in text, in a file under a directory, in a SQLite store's dump or in every row of a
PostgreSQL store, raw or URL-encoded.
"""

from __future__ import annotations

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


def found_in_files(directory: Path, values: Iterable[str]) -> list[str]:
    """`path: canary` for every file under `directory` holding a canary (binary files included)."""
    hits = []
    wanted = list(values)
    for path in sorted(p for p in directory.rglob("*") if p.is_file()):
        text = path.read_bytes().decode("utf-8", errors="replace")
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
