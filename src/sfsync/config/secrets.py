"""Secrets in the file: only `${VAR}` references and `*_file` paths are allowed, never the secret itself."""

from __future__ import annotations

import re

from sfsync.config.source import SourceMap
from sfsync.errors import Diagnostic, Severity

SECRET_KEYS = frozenset(
    {
        "password",
        "secret",
        "token",
        "private_key",
        "security_token",
        "client_secret",
        "refresh_token",
        "access_token",
        "sfdx_url",
    }
)
# A whole value that is exactly one reference, e.g. `${SF_PASSWORD}`.
REFERENCE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
# Anything that starts like a reference, to catch malformed ones such as `${SF PASSWORD}`.
REFERENCE_START = re.compile(r"\$\{[^}]*\}?")


def is_secret_key(key: str) -> bool:
    """`password`, `client_secret`, `api_token`…: keys whose values must never be literal."""
    lowered = key.lower()
    return lowered in SECRET_KEYS or any(lowered.endswith(f"_{name}") for name in SECRET_KEYS)


def is_reference(value: str) -> bool:
    return REFERENCE.fullmatch(value.strip()) is not None


def secret_problems(document: object, source: SourceMap) -> list[Diagnostic]:
    """Literal secrets and malformed `${VAR}` references in `connection`, `store` and the SQL sources' URLs."""
    if not isinstance(document, dict):
        return []
    found = _walk(document.get("connection"), ("connection",), source)
    found.extend(_database_url(document.get("store"), ("store",), source, "the store URL"))
    for name, url in _source_urls(document.get("sources")):
        where = ("sources", name, "sql", "url")
        found.extend(_database_url(url, where, source, f"source {name}'s URL"))
    url = document.get("connection", {}).get("instance_url") if isinstance(document.get("connection"), dict) else None
    if isinstance(url, str) and re.match(r"[a-z][a-z0-9+.-]*://[^/?#]*@", url, re.IGNORECASE):
        hint = "instance_url is the org's address only, e.g. https://acme.my.salesforce.com; log in with `auth`"
        summary = "instance_url holds credentials (user or password before `@`)"
        found.append(
            Diagnostic(Severity.ERROR, summary, position=source.position(("connection", "instance_url")), hint=hint)
        )
    return found


def _database_url(url: object, path: tuple[str | int, ...], source: SourceMap, what: str) -> list[Diagnostic]:
    """A malformed reference, or a password written in the URL itself (in the user part or the query)."""
    if not isinstance(url, str):
        return []
    found = _malformed(url, path, source)
    if re.search(r"://[^/@:]+:(?!\$\{)[^@/]+@", url) or _literal_query_secret(url):
        found.append(_literal(path, source, f"{what} holds a literal password"))
    return found


def _source_urls(sources: object) -> list[tuple[str, object]]:
    """(name, sql.url) of each SQL source, as far as the document is shaped like one."""
    if not isinstance(sources, dict):
        return []
    sql = {name: entry.get("sql") for name, entry in sources.items() if isinstance(entry, dict)}
    return [(str(name), query.get("url")) for name, query in sql.items() if isinstance(query, dict)]


# Query parameters that carry a credential in a database URL (libpq reads `password` from the query).
_QUERY_SECRETS = re.compile(r"[?&](password|passwd|pwd|sslpassword)=(?!\$\{)[^&#]+", re.IGNORECASE)


def _literal_query_secret(url: str) -> bool:
    return _QUERY_SECRETS.search(url) is not None


def _walk(node: object, path: tuple[str | int, ...], source: SourceMap) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    if isinstance(node, dict):
        for key, value in node.items():
            child = (*path, key)
            if is_secret_key(key) and _is_literal(value):
                found.append(_literal(child, source, f"{key} is written in the file as a literal value"))
            else:
                found.extend(_walk(value, child, source))
    elif isinstance(node, list):
        for index, item in enumerate(node):
            found.extend(_walk(item, (*path, index), source))
    elif isinstance(node, str):
        found.extend(_malformed(node, path, source))
    return found


def _is_literal(value: object) -> bool:
    if isinstance(value, str):
        return bool(value.strip()) and not is_reference(value)
    return isinstance(value, int | float)  # a bare number is a literal too (bool is an int)


def _literal(path: tuple[str | int, ...], source: SourceMap, summary: str) -> Diagnostic:
    name = str(path[-1]).upper()
    hint = f"secrets come from the environment or a file: write ${{SF_{name}}} or use {path[-1]}_file"
    if path[-1] == "url":
        hint = "write the password as ${VAR} inside the URL, e.g. postgresql://reader:${CRM_PASSWORD}@db/crm"
    if path == ("store",):
        hint = "write the password as ${VAR} inside the URL, e.g. postgresql://sfsync:${PGPASSWORD}@db/sfsync"
    return Diagnostic(Severity.ERROR, summary, position=source.position(path), path=path, hint=hint)


def _malformed(value: str, path: tuple[str | int, ...], source: SourceMap) -> list[Diagnostic]:
    bad = [m.group(0) for m in REFERENCE_START.finditer(value) if not REFERENCE.fullmatch(m.group(0))]
    if not bad:
        return []
    summary = f"malformed environment reference {bad[0]!r}"
    hint = "a reference is ${NAME}: letters, digits and underscores, not starting with a digit"
    return [Diagnostic(Severity.ERROR, summary, position=source.position(path), path=path, hint=hint)]
