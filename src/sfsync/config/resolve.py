"""Resolving `${VAR}` references and `*_file` secrets, only when a command connects.

Offline validation never calls this: pre-commit runs without secrets. Relative `*_file` and
`ca_bundle` paths are read relative to the config file's directory.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from sfsync.config.connection import AuthMethod, IntegrationUser
from sfsync.config.loading import LoadedConfig
from sfsync.errors import ConfigError, Diagnostic, Severity

REFERENCE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
SECRETS = ("password", "security_token", "client_secret", "private_key", "refresh_token", "access_token", "sfdx_url")


@dataclass(frozen=True)
class ResolvedConnection:
    """The connection with real values; secrets are left out of `repr` so they never reach a log."""

    instance_url: str
    api_version: str
    method: AuthMethod
    integration_user: IntegrationUser
    timeout_seconds: int
    domain: str | None = None
    ca_bundle: Path | None = None
    username: str | None = None
    client_id: str | None = None
    password: str | None = field(default=None, repr=False)
    security_token: str | None = field(default=None, repr=False)
    client_secret: str | None = field(default=None, repr=False)
    private_key: str | None = field(default=None, repr=False)
    refresh_token: str | None = field(default=None, repr=False)
    access_token: str | None = field(default=None, repr=False)
    sfdx_url: str | None = field(default=None, repr=False)


class _Resolver:
    def __init__(self, loaded: LoadedConfig, environ: Mapping[str, str]) -> None:
        self.loaded = loaded
        self.environ = environ
        self.problems: list[Diagnostic] = []

    def text(self, value: str | None, path: tuple[str, ...], *, encode: bool = False) -> str | None:
        """`value` with its references replaced; with `encode`, each replacement inside a longer text is
        percent-encoded (a password holding `@` or `/` stays one part of a URL)."""
        if value is None:
            return None
        missing = [name for name in REFERENCE.findall(value) if name not in self.environ]
        for name in missing:
            self.fail(f"environment variable {name} is not set", path, f"export {name}=… before running sfsync")
        if missing:
            return None
        whole = REFERENCE.fullmatch(value) is not None  # `store: ${DATABASE_URL}` is a URL already
        encoded = encode and not whole
        return REFERENCE.sub(lambda m: _substituted(self.environ[m.group(1)], encoded), value)

    def file(self, value: str | None, path: tuple[str, ...]) -> str | None:
        location = self.path(value, path)
        if location is None:
            return None
        try:
            return location.read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError):
            self.fail(f"cannot read {path[-1]} {location}", path, "the file must exist and hold UTF-8 text")
            return None

    def path(self, value: str | None, path: tuple[str, ...]) -> Path | None:
        text = self.text(value, path)
        if not text:
            return None
        return (self.loaded.path.parent / text).resolve() if not Path(text).is_absolute() else Path(text)

    def fail(self, summary: str, path: tuple[str, ...], hint: str) -> None:
        position = self.loaded.position(path)
        self.problems.append(Diagnostic(Severity.ERROR, summary, position=position, path=path, hint=hint))

    def secret(self, name: str) -> str | None:
        auth = self.loaded.config.connection.auth
        base = ("connection", "auth")
        direct = self.text(getattr(auth, name, None), (*base, name))
        from_file = self.file(getattr(auth, f"{name}_file", None), (*base, f"{name}_file"))
        return direct if direct is not None else from_file


def resolve_connection(loaded: LoadedConfig, environ: Mapping[str, str]) -> ResolvedConnection:
    """The connection with every reference resolved; unset variables raise `ConfigError` at their line."""
    resolver = _Resolver(loaded, environ)
    connection = loaded.config.connection
    auth = connection.auth
    resolved = ResolvedConnection(
        instance_url=resolver.text(connection.instance_url, ("connection", "instance_url")) or "",
        api_version=connection.api_version,
        method=auth.method,
        integration_user=connection.integration_user,
        timeout_seconds=connection.timeout_seconds,
        domain=resolver.text(connection.domain, ("connection", "domain")) or None,
        ca_bundle=resolver.path(connection.ca_bundle, ("connection", "ca_bundle")),
        username=resolver.text(getattr(auth, "username", None), ("connection", "auth", "username")),
        client_id=resolver.text(getattr(auth, "client_id", None), ("connection", "auth", "client_id")),
        **{name: resolver.secret(name) for name in SECRETS},
    )
    if resolver.problems:
        raise ConfigError(resolver.problems)
    return resolved


def _substituted(value: str, encoded: bool) -> str:
    return quote(value, safe="") if encoded else value


def resolve_store_url(loaded: LoadedConfig, environ: Mapping[str, str]) -> str:
    """The store URL with its `${VAR}` references resolved, each percent-encoded inside the URL."""
    resolver = _Resolver(loaded, environ)
    url = resolver.text(loaded.config.store, ("store",), encode=True)
    if resolver.problems or url is None:
        raise ConfigError(resolver.problems)
    return url


def resolve_source_url(loaded: LoadedConfig, name: str, environ: Mapping[str, str]) -> str:
    """A SQL source's URL with its `${VAR}` references resolved (percent-encoded inside the URL), as the
    store's is; an unset variable is a `ConfigError` at the URL's line."""
    sql = loaded.config.sources[name].sql
    resolver = _Resolver(loaded, environ)
    url = resolver.text(sql.url if sql else None, ("sources", name, "sql", "url"), encode=True)
    if resolver.problems or url is None:
        raise ConfigError(resolver.problems)
    return url


def referenced_values(text: str, environ: Mapping[str, str]) -> list[str]:
    """The values of the variables `text` references (to keep them out of any message), longest first."""
    values = {environ[name] for name in REFERENCE.findall(text) if environ.get(name)}
    return sorted(values, key=len, reverse=True)
