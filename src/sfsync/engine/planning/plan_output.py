"""The write set's output, handed on one record's share at a time, in visit order: never held whole.

Changes go to `OrderedChanges` (plan order); skips and play entries are spooled compressed in visit
order (the plan's order for them); template failures become diagnostics, the first per config place.
A person's visit may find that its company's Account is written after all, and so drop the company's
Account skip added earlier: the company is noted, and its Account skips are left out on reading.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from sfsync.config import LoadedConfig
from sfsync.engine.planning.change_order import TAG, OrderedChanges, OrderedLine
from sfsync.engine.planning.derived_form import Derived, Encoded, Failure
from sfsync.engine.planning.template_diagnostics import template_diagnostic
from sfsync.engine.plans.codec import decode, encoded_line
from sfsync.engine.plans.plan import PlanDiagnostic, PlayEntry, RecordChange, Skip
from sfsync.engine.plans.sections import Spool, line_value
from sfsync.engine.values import TemplateFailure

ACCOUNT = "Account"
SKIP, PLAY_ENTRY = "skip", "play_entry"  # the tags of their lines


def drops(skip: Skip, company_id: str) -> bool:
    """Whether `skip` is the company's Account skip that its Account being written after all drops."""
    return skip.sobject == ACCOUNT and skip.workspace.id == company_id


class PlanOutput:
    """Changes, skips, play entries and diagnostics as the records are visited; each list read once."""

    def __init__(self, loaded: LoadedConfig, directory: Path | None = None) -> None:
        self.loaded = loaded
        self.changes = OrderedChanges(directory)
        self._skips = Spool(SKIP, directory)
        self._entries = Spool(PLAY_ENTRY, directory)
        self.diagnostics: dict[tuple[str | int, ...], PlanDiagnostic] = {}
        self._dropped: set[str] = set()  # companies whose Account skips a later visit dropped

    def add(self, derived: Derived) -> Encoded:
        """Take a record's share; its parts as encoded for the plan (the cache reuses them)."""
        changes = [line_value(TAG, self.changes.add(change)) for change in derived.changes]
        skips = [self._spooled(self._skips, skip) for skip in derived.skips]
        entries = [self._spooled(self._entries, entry) for entry in derived.entries]
        for failure in derived.failures:
            self._failed(failure)
        return Encoded(changes, skips, entries)

    def add_cached(self, body: Mapping[str, Any]) -> None:
        """Take a record's share as the derivation cache keeps it (`derived_form.to_json`): its parts'
        JSON forms, put on as the lines they encode to, never built as values again."""
        for change in body.get("changes", ()):
            self.changes.add_form(change)
        for spool, values in ((self._skips, body.get("skips", ())), (self._entries, body.get("entries", ()))):
            for value in values:
                spool.add(value)
        for path, message in body.get("failures", ()):
            self._failed((tuple(path), message))

    def add_line(self, tag: str, line: bytes) -> None:
        """Take a skip or play entry (`tag`) as encoded elsewhere (`record_line`, newline included)."""
        (self._skips if tag == SKIP else self._entries).add_line(line)

    def add_failure(self, failure: Failure) -> None:
        self._failed(failure)

    def _failed(self, failure: Failure) -> None:
        path, message = failure
        if path not in self.diagnostics:  # the first failure at a place names it, as in one pass
            self.diagnostics[path] = template_diagnostic(self.loaded, TemplateFailure(path, message))

    @staticmethod
    def _spooled(spool: Spool, part: Skip | PlayEntry) -> bytes:
        """Spool the part's line; its value's JSON text."""
        line = encoded_line(spool.tag, part)[1]
        spool.add_line(line)
        return line_value(spool.tag, line)

    def drop_account_skips(self, company_id: str) -> None:
        self._dropped.add(company_id)

    def ordered_changes(self) -> Iterator[RecordChange]:
        return iter(self.changes)

    def ordered_lines(self) -> Iterator[OrderedLine]:
        return self.changes.lines()

    def skips(self) -> Iterator[Skip]:
        for value, _line in self.skip_lines():
            yield decode(Skip, value)

    def skip_lines(self) -> Iterator[tuple[dict[str, Any], bytes]]:
        """Each skip's JSON form and its line as encoded (`sections.record_line`, newline included)."""
        tag = self._skips.tag
        for line in self._skips.close().lines():
            value = json.loads(line)[tag]
            if not (value["sobject"] == ACCOUNT and value["workspace"]["id"] in self._dropped):
                yield value, line + b"\n"

    def entries(self) -> Iterator[PlayEntry]:
        for value in self._entries.close().values():
            yield decode(PlayEntry, value)

    def entry_lines(self) -> Iterator[bytes]:
        """The play entries as they were encoded (`sections.record_line`, newline included)."""
        for line in self._entries.close().lines():
            yield line + b"\n"

    def discard(self) -> None:
        self.changes.discard()
        self._skips.discard()
        self._entries.discard()
