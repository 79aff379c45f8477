"""Reading YAML with positions: the plain document, a source map, and every YAML-level problem.

ruamel.yaml's round-trip loader keeps the line and column of every key and value; this module turns
them into a `SourceMap` (document path → `Position`) so later checks can point at the exact spot.
"""

from __future__ import annotations

import datetime as dt
import re
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import MappingNode, Node, SequenceNode
from ruamel.yaml.reader import ReaderError

from sfsync.errors import Diagnostic, Position, Severity

Path = tuple[str | int, ...]
# Model attribute names that differ from their YAML keys.
ALIASES = {"from_": "from", "not_": "not"}
MAX_DEPTH = 64
# Values an alias may repeat, in all: enough to share a few blocks of mappings, far too few for an alias
# bomb (nine aliases of nine aliases... expands to hundreds of millions of values from a few lines).
ALIAS_BUDGET = 10_000
COMPLEX_KEY = "a key must be plain text, not a YAML mapping or list (a `?` complex key)"
MERGE_TAG = "tag:yaml.org,2002:merge"
_REFERENCE = re.compile(r"\$\{[A-Za-z_][A-Za-z0-9_]*\}")


@dataclass(frozen=True)
class SourceMap:
    """Where each key and value of one YAML document sits in its file."""

    file: str
    text: str
    keys: Mapping[Path, Position] = field(default_factory=dict)
    values: Mapping[Path, Position] = field(default_factory=dict)

    def position(self, path: tuple[str | int, ...], *, key: bool = False) -> Position | None:
        """The position of the value (or key) at `path`; the nearest enclosing one if it is absent."""
        path = tuple(ALIASES.get(p, p) if isinstance(p, str) else p for p in path)
        if key and path in self.keys:
            return self.keys[path]
        while path not in self.values and path:
            path = path[:-1]
        return self.values.get(path)

    def has(self, path: Path) -> bool:
        return path in self.values


class AliasBomb(Exception):
    """Aliases repeat more than `ALIAS_BUDGET` values; carries where the walk stopped."""

    def __init__(self, position: Position) -> None:
        super().__init__(position)
        self.position = position


@dataclass
class _Walk:
    """One pass over the loaded document: plain values, their positions, and the problems met.

    ruamel shares one object for an anchor and each of its aliases; the walk copies it at every use, so
    the values it makes through a reused object are counted against `ALIAS_BUDGET`.
    """

    file: str
    keys: dict[Path, Position] = field(default_factory=dict)
    values: dict[Path, Position] = field(default_factory=dict)
    problems: list[Diagnostic] = field(default_factory=list)
    expanded: set[int] = field(default_factory=set)
    repeated: int = 0

    def at(self, line: int, column: int) -> Position:
        return Position(self.file, line + 1, column + 1)

    def plain(self, value: Any, path: Path, active: frozenset[int], aliased: Position | None = None) -> object:
        """`value` as plain data; `aliased` is where the alias being copied is used, if it is one."""
        container = isinstance(value, CommentedMap | CommentedSeq)
        if aliased is None and container and id(value) in self.expanded:
            aliased = self.values[path]
        if aliased is not None:
            self.repeated += 1
            if self.repeated > ALIAS_BUDGET:
                raise AliasBomb(aliased)
        if container:
            if id(value) in active or len(path) > MAX_DEPTH:
                self.problems.append(_error("document nests too deeply (or refers to itself)", self.values[path]))
                return None
            self.expanded.add(id(value))
            active = active | {id(value)}
            if isinstance(value, CommentedMap):
                return self.mapping(value, path, active, aliased)
            return self.sequence(value, path, active, aliased)
        return _scalar(value)

    def mapping(
        self, node: CommentedMap, path: Path, active: frozenset[int], aliased: Position | None
    ) -> dict[str, object]:
        result: dict[str, object] = {}
        for raw_key in node:
            if isinstance(raw_key, tuple | Mapping):  # `? [..]` or `? {..}`: never echoed, it may hold a secret
                where = self._lc(node.lc.key, raw_key, path)
                self.problems.append(_error(COMPLEX_KEY, where, "write the key as plain text: `name: value`"))
                continue
            key = _key_text(raw_key)
            child = (*path, key)
            self.keys[child] = self._lc(node.lc.key, raw_key, path)
            self.values[child] = self._lc(node.lc.value, raw_key, path)
            result[key] = self.plain(node[raw_key], child, active, aliased)
        return result

    def sequence(
        self, node: CommentedSeq, path: Path, active: frozenset[int], aliased: Position | None
    ) -> list[object]:
        result: list[object] = []
        for index, item in enumerate(node):
            child = (*path, index)
            self.values[child] = self._lc(node.lc.item, index, path)
            result.append(self.plain(item, child, active, aliased))
        return result

    def _lc(self, lookup: Any, key: object, parent: Path) -> Position:
        try:
            line, column = lookup(key)
        except (KeyError, IndexError, TypeError):  # merged keys have no position of their own
            return self.values[parent]
        return self.at(line, column)


def _key_text(key: object) -> str:
    return key if isinstance(key, str) else str(_scalar(key))


def _scalar(value: object) -> object:
    if value is None or type(value) in (str, int, float, bool):
        return value
    if isinstance(value, bool) or type(value).__name__ == "ScalarBoolean":
        return bool(value)
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()  # dates stay text: sfsync compares them as Salesforce returns them
    for kind in (bool, int, float, str):
        if isinstance(value, kind):
            return kind(value)
    return str(value)


def _error(summary: str, position: Position, hint: str = "") -> Diagnostic:
    return Diagnostic(Severity.ERROR, summary, position=position, hint=hint)


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.allow_duplicate_keys = True  # reported, with both places, by `_duplicate_keys`
    return yaml


@dataclass(frozen=True)
class Document:
    """A parsed YAML file: its plain value (None when unreadable), its source map, its YAML problems."""

    value: object
    source: SourceMap
    problems: tuple[Diagnostic, ...]


def parse(text: str, file: str) -> Document:
    """Parse `text`; never raises for bad input, every problem becomes a positioned diagnostic."""
    walk = _Walk(file)
    root = Position(file, 1, 1)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # ruamel warns about reused anchors; harmless for a config
            loaded, duplicates = _load(text, walk)
    except Exception as error:  # any parser failure is a diagnostic, never a crash
        problem = _syntax_error(error, text, file)
        return Document(None, SourceMap(file, text, {}, {(): problem.position or root}), (problem,))
    walk.values[()] = walk.at(loaded.lc.line, loaded.lc.col) if isinstance(loaded, CommentedMap) else root
    try:
        value = walk.plain(loaded, (), frozenset())
    except AliasBomb as bomb:
        summary = f"aliases of this anchored block repeat more than {ALIAS_BUDGET:,} values in all"
        hint = "a config needs only a few aliases; write the repeated parts out, or remove aliases of aliases"
        problem = _error(summary, bomb.position, hint)
        return Document(None, SourceMap(file, text, {}, {(): bomb.position}), (problem,))
    source = SourceMap(file, text, MappingProxyType(walk.keys), MappingProxyType(walk.values))
    return Document(value, source, (*duplicates, *walk.problems))


def _load(text: str, walk: _Walk) -> tuple[object, list[Diagnostic]]:
    """The round-trip document and its duplicate keys, from one parse: the node tree composed once is
    both searched for duplicates and constructed (what `YAML.load` does after composing)."""
    yaml = _yaml()
    node = yaml.compose(text)
    duplicates = _duplicate_keys(node, walk)
    return (None if node is None else yaml.constructor.construct_document(node)), duplicates


def _duplicate_keys(node: Node | None, walk: _Walk) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    stack, seen_nodes = [node], set()
    while stack:
        current = stack.pop()
        if current is None or id(current) in seen_nodes:
            continue
        seen_nodes.add(id(current))
        if isinstance(current, MappingNode):
            found.extend(_duplicates_in(current, walk))
            stack.extend(value for pair in current.value for value in pair)
        elif isinstance(current, SequenceNode):
            stack.extend(current.value)
    return sorted(found, key=lambda d: d.position or Position("", 0, 0))


def _duplicates_in(node: MappingNode, walk: _Walk) -> list[Diagnostic]:
    first: dict[tuple[str, str], Position] = {}
    found: list[Diagnostic] = []
    for key, _ in node.value:
        if key.tag == MERGE_TAG or not isinstance(key.value, str):
            continue
        here = walk.at(key.start_mark.line, key.start_mark.column)
        earlier = first.setdefault((str(key.tag), key.value), here)
        if earlier is not here:
            summary = f'duplicate key "{key.value}"'
            hint = f"first defined on line {earlier.line}; a key may appear only once in a mapping"
            found.append(_error(summary, here, hint))
    return found


def _syntax_error(error: Exception, text: str, file: str) -> Diagnostic:
    if isinstance(error, MarkedYAMLError) and error.problem_mark is not None:
        problem = error.problem or error.context or "invalid YAML"
        position = _clamp(error.problem_mark.line, error.problem_mark.column, text, file)
        hint = _unquoted_reference(text, error.problem_mark.index) or _syntax_hint(error)
        return _error(f"YAML syntax error: {problem}", position, hint)
    if isinstance(error, ReaderError):
        line = text.count("\n", 0, error.position) + 1
        column = error.position - (text.rfind("\n", 0, error.position) + 1) + 1
        return _error("YAML syntax error: the file holds a character YAML does not allow", Position(file, line, column))
    reason = "nests too deeply" if isinstance(error, RecursionError) else "cannot be read as YAML"
    summary = f"YAML syntax error: the document {reason}" if isinstance(error, YAMLError | RecursionError) else ""
    return _error(summary or f"YAML syntax error: {reason}", Position(file, 1, 1))


def _clamp(line: int, column: int, text: str, file: str) -> Position:
    """A mark at the end of the stream points past the last line; show the last line instead."""
    lines = text.splitlines()
    if line < len(lines) or not lines:
        return Position(file, line + 1, column + 1)
    last = max((i for i, content in enumerate(lines) if content.strip()), default=0)
    return Position(file, last + 1, len(lines[last]) + 1)


def _unquoted_reference(text: str, index: int) -> str:
    """The hint for `${VAR}` unquoted in flow style, where YAML reads its `{` as a nested mapping; else "".

    Only the reference is repeated, never the text around it: the value may hold a literal secret."""
    if not (0 < index < len(text) and text[index] == "{" and text[index - 1] == "$"):
        return ""
    reference = _REFERENCE.match(text, index - 1)
    example = f'"{reference.group(0)}"' if reference else '"${VAR}"'
    return f"in flow style ({{...}} or [...]) quote a value that holds a ${{VAR}} reference: {example}"


def _syntax_hint(error: MarkedYAMLError) -> str:
    words = f"{error.problem} {error.context}"
    if "tab" in words:
        return "indent with spaces; YAML does not allow tabs for indentation"
    if "single document" in words or "another document" in words:
        return "an sfsync config is one YAML document: remove the extra `---`"
    mark = error.context_mark
    if error.context and mark is not None and mark.line != getattr(error.problem_mark, "line", None):
        return f"{error.context}, which starts on line {mark.line + 1}"
    return ""
