"""The tables behind incremental planning: the store-wide change log and the derivation caches.

`change_log` is written only by triggers (`change_triggers.py`) on the tables a derivation reads, so
every write path (a load, the read pass, apply, a rekey, a hand edit) is seen, and a write that changes
nothing but a timestamp is not. Each row is one *input token*: a string naming what moved (a workspace
row by id or key, mirror rows on a key column, a record's links, ledger entries, play membership).
`seq` only grows (SQLite AUTOINCREMENT, a PostgreSQL identity), so "changed since" is `seq > n`.

A cache is three tables. `derivation` holds, per workspace record, what planning derived for it (its
changes, skips, play entries and template failures as JSON; NULL when it derived nothing) and the
cluster it was derived with (a company and its people are derived together: a person's Contact may
create its company's Account). `derivation_input` lists the tokens each record's derivation read,
but those it read of itself and of that company (`own_tokens.py`).
`derivation_state` says which change the cache is current to and the digest of the config parts and
describes it was made with.

There are two caches of that shape: `MAIN`, the applied config's (or, before any apply, the latest
plan's), and `ASIDE`, kept by a plan of a config not applied yet whose read was recorded, for the
apply that makes that config the applied one to adopt (docs/store.md, incremental plans).
"""

from __future__ import annotations

from typing import NamedTuple

from sqlalchemy import BigInteger, CheckConstraint, Column, Index, Integer, String, Table

from sfsync.store.schema import JSONValue, metadata

TOKEN = String(700)  # an object, a column and a key (emails and domains are at most 320 and 253)

change_log = Table(
    "change_log",
    metadata,
    Column("seq", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    Column("token", TOKEN, nullable=False),
    Index("ix_change_log_token", "token"),
    sqlite_autoincrement=True,  # never reuse a pruned sequence number
)


class CacheTables(NamedTuple):
    """One derivation cache: each record's output, the tokens it read, and what the cache is current to."""

    derivation: Table
    derivation_input: Table
    derivation_state: Table


def _cache(name: str) -> CacheTables:
    output = Table(
        name,
        metadata,
        Column("kind", String(16), primary_key=True),
        Column("workspace_id", String(64), primary_key=True),
        Column("cluster", String(64)),  # the company id it was derived with; NULL: on its own
        Column("output", JSONValue),  # NULL: derived nothing (no change, skip, play entry or failure)
        Index(f"ix_{name}_cluster", "cluster"),
    )
    inputs = Table(
        f"{name}_input",
        metadata,
        Column("kind", String(16), primary_key=True),
        Column("workspace_id", String(64), primary_key=True),
        Column("token", TOKEN, primary_key=True),
        Index(f"ix_{name}_input_token", "token"),
    )
    state = Table(
        f"{name}_state",
        metadata,
        Column("id", Integer, primary_key=True, autoincrement=False),
        Column("seq", BigInteger, nullable=False),  # the last change the cache has taken into account
        Column("digest", String(71), nullable=False),  # the config parts, describes and version derived with
        CheckConstraint("id = 1", name=f"ck_{name}_state_single_row"),
    )
    return CacheTables(output, inputs, state)


MAIN = _cache("derivation")
ASIDE = _cache("derivation_aside")
derivation, derivation_input, derivation_state = MAIN
CACHES = (MAIN, ASIDE)

DERIVATION_TABLES = (change_log, derivation, derivation_input, derivation_state)
ASIDE_TABLES = tuple(ASIDE)
