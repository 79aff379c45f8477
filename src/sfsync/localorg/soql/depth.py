"""Queries nested deeper than the engine can follow are refused as Salesforce refuses a bad query.

Thousands of parentheses or NOTs overflow Python's recursion or SQLite's parser; either way the
client gets `400 MALFORMED_QUERY`, never a 500, and the org goes on serving.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

from sfsync.localorg.soql.errors import SoqlError

TOO_DEEP = "The query is nested too deeply: simplify its parentheses and NOT operators"
# SQLite's own words when an expression outgrows its parser stack or its expression depth limit.
_SQLITE_DEPTH = ("parser stack overflow", "Expression tree is too large")


@contextmanager
def bounded_depth() -> Iterator[None]:
    try:
        yield
    except RecursionError as error:
        raise SoqlError("MALFORMED_QUERY", TOO_DEEP) from error
    except sqlite3.OperationalError as error:
        if not any(text in str(error) for text in _SQLITE_DEPTH):
            raise
        raise SoqlError("MALFORMED_QUERY", TOO_DEEP) from error
