"""Where derived shares go: straight on to the plan and a spooled cache, or kept for assembly.

A derivation of every record (`Streaming`) holds nothing per record: each share goes to the plan's
output as it comes, and (unless the plan is rolled back) to `CacheSpool`, written to the store's
cache once the visits are over (the store is being read while they run). A derivation of some
records (`Collected`) keeps their shares, to be assembled in visit order with the cached ones: it
holds what it derived again, which is what changed since the last plan.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from pathlib import Path

from sfsync.catalogue import Kind
from sfsync.engine.planning.derived_form import Derived, Encoded, from_json, to_json_text
from sfsync.engine.planning.deriving import Key
from sfsync.engine.planning.plan_output import PlanOutput, drops
from sfsync.engine.plans.sections import Spool
from sfsync.store.derivations import Derived as CacheRow
from sfsync.store.derivations import output_text, output_value

COMPANY = str(Kind.COMPANY)
_HEAD = json.JSONEncoder(separators=(",", ":")).encode  # ASCII: no raw tab or newline


def without_account_skips(derived: Derived, company_id: str) -> Derived:
    derived.skips = [s for s in derived.skips if not drops(s, company_id)]
    return derived


def without_skips_of(company_id: str, output: str | None) -> str | None:
    """A company's cached output (`output_text`) without the Account skips a later visit dropped."""
    if output is None:
        return None
    return output_text(to_json_text(without_account_skips(from_json(output_value(output)), company_id)))


def cache_line(
    key: Key, derived: Derived, tokens: frozenset[str], cluster: str | None, encoded: Encoded | None = None
) -> bytes:
    """A record's cache row as `CacheSpool` spools it (`encoded`: its parts as the plan's output encoded them)."""
    head = _HEAD([key[0], key[1], cluster, list(tokens)])
    return f"{head}\t{output_text(to_json_text(derived, encoded)) or ''}\n".encode()


class CacheSpool:
    """Every visited record's cache row, spooled compressed; a held record's cluster is not kept
    (held is this plan's only), and a dropped Account skip is left out of its company's row.

    A line is the row's key, cluster and tokens as JSON, a tab, and its output's JSON text as the store
    writes it (empty: nothing derived): the output is encoded once, and read back as the text the store
    takes (JSON text holds no raw tab or newline)."""

    def __init__(self, held: Mapping[Key, str], directory: Path | None = None) -> None:
        self._held = held
        self._spool = Spool("derived", directory, level=1)  # read back once, soon: speed over size
        self._unkept: set[str] = set()  # the clusters of held records
        self._dropped: set[str] = set()
        self.scratch: list[Path] = []

    def add(
        self, key: Key, derived: Derived, tokens: frozenset[str], cluster: str | None, encoded: Encoded | None
    ) -> None:
        """Spool a record's row (`encoded`: its parts as the plan's output encoded them, if it did)."""
        if key in self._held and cluster:
            self._unkept.add(cluster)
        self._spool.add_line(cache_line(key, derived, tokens, cluster, encoded))

    def take_scratch(self, path: Path) -> None:
        """Rows derived elsewhere (a share of a split derivation), in a scratch file the cache takes as it is
        (`derivation_scratch.py`): held records' clusters and dropped Account skips are left out already."""
        self.scratch.append(path)

    def drop_account_skips(self, company_id: str) -> None:
        self._dropped.add(company_id)

    def rows(self) -> Iterator[CacheRow]:
        """The rows to keep, read back once."""
        try:
            for line in self._spool.close().lines():
                head, _tab, body = line.partition(b"\t")
                kind, workspace_id, cluster, tokens = json.loads(head)
                if (kind, workspace_id) in self._held or cluster in self._unkept:
                    continue
                output = body.decode() or None
                if kind == COMPANY and workspace_id in self._dropped:
                    output = without_skips_of(workspace_id, output)
                yield CacheRow(kind, workspace_id, cluster, output, tokens)
        finally:
            self._spool.discard()


class Streaming:
    """Each share to the plan's output (none when only the cache is wanted), and to the cache's spool
    when there is one."""

    def __init__(self, output: PlanOutput | None, cache: CacheSpool | None) -> None:
        self.output, self.cache = output, cache

    def add(self, key: Key, derived: Derived, tokens: frozenset[str], cluster: str | None) -> None:
        encoded = self.output.add(derived) if self.output is not None else None
        if self.cache is not None:
            self.cache.add(key, derived, tokens, cluster, encoded)

    def drop_account_skips(self, company_id: str) -> None:
        if self.output is not None:
            self.output.drop_account_skips(company_id)
        if self.cache is not None:
            self.cache.drop_account_skips(company_id)


class Collected:
    """Each share kept by record, with the tokens its visit read and its cluster."""

    def __init__(self) -> None:
        self.derived: dict[Key, Derived] = {}
        self.tokens: dict[Key, frozenset[str]] = {}
        self.clusters: dict[Key, str | None] = {}

    def add(self, key: Key, derived: Derived, tokens: frozenset[str], cluster: str | None) -> None:
        self.derived[key], self.tokens[key], self.clusters[key] = derived, tokens, cluster

    def drop_account_skips(self, company_id: str) -> None:
        found = self.derived.get((COMPANY, company_id))
        if found is not None:
            without_account_skips(found, company_id)

    def rows(self, keep: list[Key]) -> Iterator[CacheRow]:
        for key in keep:
            yield CacheRow(
                key[0], key[1], self.clusters[key], output_text(to_json_text(self.derived[key])), self.tokens[key]
            )
