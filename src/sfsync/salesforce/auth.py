"""How sfsync logs in: the credentials of each `connection.auth.method`, and the login parameters.

simple-salesforce builds its login URLs as `https://{domain}.salesforce.com/...`. For an org that is
not on a salesforce.com host (the local org, a proxy), `domain` carries `host:port/<login path>#`:
requests never sends a URL fragment, so the `.salesforce.com/...` tail is dropped and the request
reaches `https://host:port/<login path>`. `connection.domain` accepts `login`, `test`, a My Domain
(`acme.my` or `acme.my.salesforce.com`) or `host:port`; without it, the domain is derived from
`instance_url`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlparse

import requests

from sfsync.errors import UsageError
from sfsync.salesforce.errors import AuthenticationError
from sfsync.salesforce.private_key import WHAT_IS_NEEDED, private_key_problem

METHODS = ("jwt", "password", "refresh_token", "session", "sfdx_url")
DEFAULT_API_VERSION = "59.0"
_SALESFORCE_HOSTS = (".salesforce.com", ".force.com", ".salesforce.mil", ".cloudforce.com")
_SFDX_URL = re.compile(r"^force://(?P<client_id>[^:]*):(?P<client_secret>[^:]*):(?P<refresh_token>.+)@(?P<host>[^@]+)$")


@dataclass(frozen=True)
class Credentials:
    """Resolved connection settings; secret values never appear in `repr`."""

    method: str
    instance_url: str = ""
    api_version: str = DEFAULT_API_VERSION
    domain: str = ""
    ca_bundle: str | None = None
    timeout_seconds: float = 60.0
    username: str = ""
    client_id: str = ""
    private_key: str = field(default="", repr=False)  # the PEM text
    password: str = field(default="", repr=False)
    security_token: str = field(default="", repr=False)
    client_secret: str = field(default="", repr=False)
    refresh_token: str = field(default="", repr=False)
    access_token: str = field(default="", repr=False)
    sfdx_url: str = field(default="", repr=False)

    @property
    def can_log_in_again(self) -> bool:
        """Whether an expired session can be replaced without asking the user."""
        return self.method != "session"


def is_salesforce_host(host: str) -> bool:
    return any(host.lower().endswith(suffix) for suffix in _SALESFORCE_HOSTS)


def host_port(url: str) -> str:
    """`host[:port]` of a URL (or of a bare `host:port`), without the default HTTPS port."""
    parsed = urlparse(url if "://" in url else f"https://{url}")
    host = parsed.hostname or ""
    return host if parsed.port in (None, 443) else f"{host}:{parsed.port}"


def login_domain(credentials: Credentials, login_path: str) -> str:
    """The `domain` argument simple-salesforce needs to reach `login_path` on the right host."""
    domain = credentials.domain.strip()
    if domain and ":" not in domain and "/" not in domain:
        return domain.removesuffix(".salesforce.com")
    if not domain:
        host = host_port(credentials.instance_url)
        if not host or is_salesforce_host(host):
            return "login"
        domain = host
    return f"{host_port(domain)}/{login_path.lstrip('/')}#"


def soap_path(api_version: str) -> str:
    return f"services/Soap/u/{api_version}"


TOKEN_PATH = "services/oauth2/token"  # noqa: S105 - a URL path, not a secret


def login_arguments(credentials: Credentials) -> dict[str, Any]:
    """Keyword arguments for `simple_salesforce.Salesforce` (besides `session` and `version`)."""
    c = credentials
    if c.method == "password" and c.client_id and c.client_secret:
        # The OAuth username-password flow has no token parameter: Salesforce wants the token appended to
        # the password, as SOAP login does (simple-salesforce appends it there, but not here).
        return {
            "username": c.username,
            "password": c.password + c.security_token,
            "consumer_key": c.client_id,
            "consumer_secret": c.client_secret,
            "domain": login_domain(c, TOKEN_PATH),
        }
    if c.method == "password":
        return {
            "username": c.username,
            "password": c.password,
            "security_token": c.security_token,
            "domain": login_domain(c, soap_path(c.api_version)),
        }
    if c.method == "jwt":
        problem = private_key_problem(c.private_key)
        if problem is not None:
            raise UsageError(f"auth method jwt: {problem}; {WHAT_IS_NEEDED}")
        return {
            "username": c.username,
            "consumer_key": c.client_id,
            "privatekey": c.private_key,
            "domain": login_domain(c, TOKEN_PATH),
        }
    if c.method == "session":
        if not c.instance_url or not c.access_token:
            raise UsageError("auth method `session` needs connection.instance_url and auth.access_token")
        return {"session_id": c.access_token, "instance_url": c.instance_url}
    raise UsageError(f"auth method {c.method!r} does not log in through username or session")


REFUSED_PASSWORD = frozenset({"INVALID_LOGIN", "invalid_grant"})


def login_refused(credentials: Credentials, code: str, message: str) -> str:
    """The sentence for a refused login: Salesforce's code and message, and what to try where the cause is
    likely (a password login without the security token, which Salesforce refuses outside trusted IP ranges)."""
    said = f"login failed ({credentials.method}): {code}: {message}"
    if credentials.method == "password" and code in REFUSED_PASSWORD and not credentials.security_token:
        said += (
            "; outside the org's trusted IP ranges Salesforce wants the user's security token after the "
            "password: set connection.auth.security_token (e.g. ${SF_SECURITY_TOKEN})"
        )
    return said


@dataclass(frozen=True)
class RefreshGrant:
    """An OAuth refresh-token grant: where to send it and what to send."""

    token_url: str
    client_id: str
    client_secret: str = field(repr=False)
    refresh_token: str = field(repr=False)


def refresh_grant(credentials: Credentials) -> RefreshGrant:
    """The grant of a `refresh_token` or `sfdx_url` connection."""
    c = credentials
    if c.method == "sfdx_url":
        match = _SFDX_URL.match(c.sfdx_url.strip())
        if match is None:
            raise UsageError("auth.sfdx_url is not a `force://CLIENT_ID:SECRET:REFRESH_TOKEN@HOST` URL")
        url = f"https://{host_port(match['host'])}/{TOKEN_PATH}"
        return RefreshGrant(url, match["client_id"], match["client_secret"], match["refresh_token"])
    domain = login_domain(c, TOKEN_PATH)
    url = f"https://{domain}" if domain.endswith("#") else f"https://{domain}.salesforce.com/{TOKEN_PATH}"
    return RefreshGrant(url.removesuffix("#"), c.client_id, c.client_secret, c.refresh_token)


def refresh_access_token(session: requests.Session, grant: RefreshGrant, timeout: float) -> tuple[str, str]:
    """(access token, instance URL) from the OAuth token endpoint."""
    data = {"grant_type": "refresh_token", "client_id": grant.client_id, "refresh_token": grant.refresh_token}
    if grant.client_secret:
        data["client_secret"] = grant.client_secret
    try:
        response = session.post(grant.token_url, data=data, timeout=timeout)
        body = response.json()
    except (requests.RequestException, ValueError) as error:
        raise AuthenticationError(f"could not refresh the access token: {type(error).__name__}") from error
    if response.status_code != 200 or not isinstance(body, dict) or "access_token" not in body:
        code = str(body.get("error", f"HTTP_{response.status_code}")) if isinstance(body, dict) else "INVALID_GRANT"
        message = str(body.get("error_description", "")) if isinstance(body, dict) else ""
        raise AuthenticationError(f"the refresh token was refused: {code} {message}".strip(), code=code)
    return str(body["access_token"]), str(body.get("instance_url") or grant.token_url.rsplit("/services/", 1)[0])
