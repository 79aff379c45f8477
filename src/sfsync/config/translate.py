"""Pydantic validation errors → positioned, plain-spoken diagnostics."""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from sfsync.config.connection import AUTH_TAGS, AuthMethod
from sfsync.config.filters import FILTER_TAGS
from sfsync.config.source import SourceMap
from sfsync.errors import Diagnostic, Position, Severity

Path = tuple[str | int, ...]
TAGS = AUTH_TAGS | FILTER_TAGS

EXPECTED = {
    "string_type": "text",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "float_type": "a number",
    "float_parsing": "a number",
    "bool_type": "true/false",
    "bool_parsing": "true/false",
    "dict_type": "a mapping",
    "model_type": "a mapping",
    "model_attributes_type": "a mapping",
    "list_type": "a list",
    "none_required": "nothing (null)",
}


def dotted(path: Path) -> str:
    """`exclusions[0].where.field`: a document path as people read it."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "the document"


def describe(value: object) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return "nothing (null)" if value is None else type(value).__name__


@dataclass(frozen=True)
class _Located:
    path: Path  # the part of the error's location that exists in the document
    rest: tuple[str | int, ...]  # the part that does not (a missing key, a union member's name)


def _locate(loc: Sequence[str | int], document: object) -> _Located:
    node: object = document
    path: list[str | int] = []
    rest: list[str | int] = []
    for part in loc:
        if part in TAGS:
            continue
        if not rest and isinstance(node, dict) and str(part) in node:
            node = node[str(part)]
            path.append(str(part))
        elif not rest and isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
            path.append(part)
        else:
            rest.append(part)
    return _Located(tuple(path), tuple(rest))


def translate(error: ValidationError, document: object, source: SourceMap) -> list[Diagnostic]:
    """One diagnostic per problem; a value that fits none of a union's types is reported once."""
    found: list[Diagnostic] = []
    wrong_types: dict[Path, list[str]] = {}
    for details in error.errors(include_url=False):
        located = _locate(details["loc"], document)
        expected = EXPECTED.get(details["type"])
        if expected is not None and located.path not in wrong_types:
            wrong_types[located.path] = [expected]
        elif expected is not None:
            wrong_types[located.path].append(expected)
        else:
            found.append(_diagnostic(details, located, document, source))
    for path, expectations in wrong_types.items():
        found.append(_wrong_type(path, expectations, document, source))
    return found


def _value_at(document: object, path: Path) -> object:
    node = document
    for part in path:
        in_mapping = isinstance(node, dict) and part in node
        in_list = isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
        if not (in_mapping or in_list):
            return None
        node = node[part]  # type: ignore[index]
    return node


def _wrong_type(path: Path, expectations: list[str], document: object, source: SourceMap) -> Diagnostic:
    unique = list(dict.fromkeys(expectations))
    options = unique[0] if len(unique) == 1 else ", ".join(unique[:-1]) + " or " + unique[-1]
    got = describe(_value_at(document, path))
    return _make(f"{dotted(path)} must be {options}, not {got}", source.position(path))


def _make(summary: str, position: Position | None, path: Path = (), hint: str = "") -> Diagnostic:
    return Diagnostic(Severity.ERROR, summary, position=position, path=path, hint=hint)


def _diagnostic(details: ErrorDetails, located: _Located, document: object, source: SourceMap) -> Diagnostic:
    kind, path, rest = details["type"], located.path, located.rest
    ctx: dict[str, Any] = dict(details.get("ctx") or {})
    if kind == "extra_forbidden":
        return _unknown_key(details["loc"], path, source)
    if kind == "missing":
        name = rest[0] if rest else path[-1] if path else "?"
        parent = path if rest else path[:-1]
        where = f" in {dotted(parent)}" if parent else ""
        return _make(f'missing required key "{name}"{where}', source.position(path, key=True), path)
    if kind == "sfsync_auth_method":
        method_path = (*path, "method")
        got = _value_at(document, method_path)
        summary = f'unknown auth method "{got}"' if got is not None else 'missing required key "method" in auth'
        hint = "method is one of " + ", ".join(AuthMethod)
        return _make(summary, source.position(method_path), path, hint)
    if kind in ("enum", "literal_error"):
        got = _value_at(document, path)
        hint = f"expected {ctx.get('expected', '')}".replace("'", "")
        return _make(f'invalid value "{got}" for {dotted(path)}', source.position(path), path, hint)
    if kind == "sfsync_config":
        target = (*path, ctx["at"]) if ctx.get("at") and source.has((*path, ctx["at"])) else path
        on_key = "[key]" in details["loc"]  # a mapping's key refused (a source's name): point at the key
        where = dotted(path[:-1]) if on_key else dotted(path)
        return _make(f"{where}: {details['msg']}", source.position(target, key=on_key), target)
    message = details["msg"].removeprefix("Value error, ")
    return _make(f"{dotted(path)}: {message[:1].lower()}{message[1:]}", source.position(path), path)


def _unknown_key(loc: Sequence[str | int], path: Path, source: SourceMap) -> Diagnostic:
    name = str(path[-1]) if path else "?"
    allowed = allowed_keys(loc[:-1])
    close = difflib.get_close_matches(name, allowed, n=1)
    hint = "allowed keys here: " + ", ".join(allowed) if allowed else ""
    hint = f'did you mean "{close[0]}"?' if close else hint
    where = f" in {dotted(path[:-1])}" if path[:-1] else ""
    return _make(f'unknown key "{name}"{where}', source.position(path, key=True), path, hint)


def allowed_keys(loc: Sequence[str | int]) -> list[str]:
    """The keys the schema allows at a validation location (tags pick the union member)."""
    node: dict[str, Any] | None = _resolve(_schema(), _schema())
    for part in loc:
        if node is None:
            return []
        node = _step(node, part)
    return list(node.get("properties", {})) if node else []


def _step(node: dict[str, Any], part: str | int) -> dict[str, Any] | None:
    schema = _schema()
    if isinstance(part, str) and part in TAGS:
        for member in node.get("oneOf", []) + node.get("anyOf", []):
            if member.get("$ref", "").endswith(f"/{part}"):
                return _resolve(member, schema)
        return None
    if isinstance(part, int):
        return _resolve(node.get("items"), schema)
    if part in node.get("properties", {}):
        return _resolve(node["properties"][part], schema)
    extra = node.get("additionalProperties")
    return _resolve(extra, schema) if isinstance(extra, dict) else None


def _resolve(node: object, schema: dict[str, Any]) -> dict[str, Any] | None:
    if not isinstance(node, dict):
        return None
    if "$ref" in node:
        return _resolve(schema["$defs"][node["$ref"].rsplit("/", 1)[-1]], schema)
    for member in node.get("anyOf", []):
        if member.get("type") == "object" or "$ref" in member or "oneOf" in member:
            return _resolve(member, schema)
    return node


@lru_cache(maxsize=1)
def _schema() -> dict[str, Any]:
    from sfsync.config.models import Config

    return Config.model_json_schema(by_alias=True)
