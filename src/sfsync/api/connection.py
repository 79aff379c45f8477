"""From a loaded config to a connected port: resolve secrets, build the credentials, check the key, log in."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sfsync.config import LoadedConfig, ResolvedConnection, resolve_connection
from sfsync.errors import ConfigError, Diagnostic, Severity
from sfsync.salesforce.adapter import SalesforceAdapter
from sfsync.salesforce.auth import Credentials
from sfsync.salesforce.connect import connect
from sfsync.salesforce.describe_cache import DescribeCache
from sfsync.salesforce.private_key import WHAT_IS_NEEDED, private_key_problem

_CREDENTIAL_FIELDS = (
    "instance_url",
    "username",
    "client_id",
    "private_key",
    "password",
    "security_token",
    "client_secret",
    "refresh_token",
    "access_token",
    "sfdx_url",
)


def credentials_from(resolved: ResolvedConnection) -> Credentials:
    values: dict[str, Any] = {name: getattr(resolved, name) or "" for name in _CREDENTIAL_FIELDS}
    return Credentials(
        method=str(resolved.method),
        api_version=resolved.api_version,
        domain=resolved.domain or "",
        ca_bundle=str(resolved.ca_bundle) if resolved.ca_bundle else None,
        timeout_seconds=float(resolved.timeout_seconds),
        **values,
    )


def connect_config(
    loaded: LoadedConfig,
    environ: Mapping[str, str],
    *,
    cached_describes: bool = True,
    describe_cache: DescribeCache | None = None,
) -> SalesforceAdapter:
    """Log in with the config's connection; describes are cached under `.sfsync/describe/` unless told not to."""
    credentials = credentials_from(resolve_connection(loaded, environ))
    _check_private_key(loaded, credentials)
    return connect(credentials, cached_describes=cached_describes, describe_cache=describe_cache)


def _check_private_key(loaded: LoadedConfig, credentials: Credentials) -> None:
    """A JWT key that cannot sign is the config's problem: said at the line that names the key."""
    problem = private_key_problem(credentials.private_key) if credentials.method == "jwt" else None
    if problem is None:
        return
    auth = loaded.config.connection.auth
    key = "private_key_file" if getattr(auth, "private_key_file", None) is not None else "private_key"
    path = ("connection", "auth", key)
    diagnostic = Diagnostic(Severity.ERROR, problem, position=loaded.position(path), path=path, hint=WHAT_IS_NEEDED)
    raise ConfigError([diagnostic])
