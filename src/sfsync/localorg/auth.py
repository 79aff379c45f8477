"""Logins and sessions: SOAP partner login, the OAuth token endpoint, userinfo.

Both password logins (SOAP and the OAuth username-password flow) take the password with the security
token appended, unless the client's address is in the org's trusted IP ranges (`network`).

Access tokens are sessions with a lifetime (`org.session_lifetime`); an expired or unknown token
gives 401 INVALID_SESSION_ID as a JSON array, which is what makes clients log in again.
"""

from __future__ import annotations

import html
import re
import secrets
import threading
import time
from dataclasses import dataclass

import jwt
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import rsa
from werkzeug.wrappers import Request, Response

from sfsync.localorg.api import json_response
from sfsync.localorg.ids import ORG_ID, new_token, org_id18
from sfsync.localorg.network import trusted
from sfsync.localorg.org import Org
from sfsync.localorg.permissions import User

# Salesforce takes a JWT bearer assertion whose `exp` lies within 3 minutes of its clock, past as well
# as ahead: CumulusCI, for one, signs `exp` as the current second and logs in to real orgs so.
JWT_CLOCK_SKEW_SECONDS = 180
INVALID_LOGIN = "Invalid username, password, security token; or user locked out."


@dataclass(frozen=True)
class Session:
    user_id: str
    expires_at: float


class Sessions:
    """Access and refresh tokens. Thread-safe; tokens never leave this object except to their client."""

    def __init__(self, org: Org) -> None:
        self._org = org
        self._lock = threading.Lock()
        self._sessions: dict[str, Session] = {}
        self._refresh: dict[str, str] = {}

    def open(self, user: User) -> str:
        token = new_token()
        with self._lock:
            self._sessions[token] = Session(user.id, time.monotonic() + self._org.session_lifetime)
        return token

    def refresh_token(self, user: User) -> str:
        token = f"5Aep{secrets.token_urlsafe(48)}"
        with self._lock:
            self._refresh[token] = user.id
        return token

    def user_for_refresh(self, token: str) -> User | None:
        user_id = self._refresh.get(token)
        return self._org.user(user_id) if user_id else None

    def user(self, token: str) -> User | None:
        session = self._sessions.get(token)
        if session is None or session.expires_at <= time.monotonic():
            return None
        return self._org.user(session.user_id)

    def expire(self, token: str) -> None:
        with self._lock:
            self._sessions.pop(token, None)

    def expire_all(self) -> None:
        with self._lock:
            self._sessions.clear()


def bearer(request: Request) -> str:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() in ("bearer", "oauth") else ""


def check_password(org: Org, username: str, secret: str, *, remote_addr: str | None) -> User | None:
    """The user whose password (with the security token appended) `secret` is.

    As in Salesforce, the token may be left out only from an address in the org's trusted IP ranges;
    a user seeded without a token logs in with the password alone.
    """
    stored = org.passwords.get(username.lower())
    if stored is None:
        return None
    password, security_token = stored
    accepted = {password + security_token}
    if not security_token or trusted(org.trusted_ip_ranges, remote_addr):
        accepted.add(password)
    if not any(secrets.compare_digest(secret, a) for a in accepted):
        return None
    return org.user_named(username)


def instance_url(request: Request) -> str:
    return f"https://{request.host}"


def _soap_value(body: str, tag: str) -> str:
    match = re.search(rf"<(?:\w+:)?{tag}>(.*?)</(?:\w+:)?{tag}>", body, re.DOTALL)
    return html.unescape(match.group(1)) if match else ""


def soap_fault(code: str, message: str) -> Response:
    body = (
        '<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope '
        'xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:sf="urn:fault.partner.soap.sforce.com" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body><soapenv:Fault>'
        f"<faultcode>sf:{code}</faultcode><faultstring>{code}: {html.escape(message)}</faultstring><detail>"
        f'<sf:LoginFault xsi:type="sf:LoginFault"><sf:exceptionCode>{code}</sf:exceptionCode>'
        f"<sf:exceptionMessage>{html.escape(message)}</sf:exceptionMessage></sf:LoginFault></detail>"
        "</soapenv:Fault></soapenv:Body></soapenv:Envelope>"
    )
    return Response(body, status=500, content_type="text/xml;charset=UTF-8")


def soap_login(org: Org, sessions: Sessions, request: Request, version: str) -> Response:
    body = request.get_data(as_text=True)
    username, password = _soap_value(body, "username"), _soap_value(body, "password")
    user = check_password(org, username, password, remote_addr=request.remote_addr)
    if user is None:
        return soap_fault("INVALID_LOGIN", INVALID_LOGIN)
    if not user.api_enabled:
        return soap_fault("API_CURRENTLY_DISABLED", "API is disabled for this User")
    base = instance_url(request)
    org_id = ORG_ID
    result = (
        f"<metadataServerUrl>{base}/services/Soap/m/{version}/{org_id}</metadataServerUrl>"
        "<passwordExpired>false</passwordExpired><sandbox>false</sandbox>"
        f"<serverUrl>{base}/services/Soap/u/{version}/{org_id}</serverUrl>"
        f"<sessionId>{sessions.open(user)}</sessionId><userId>{user.id}</userId>"
        f"<userInfo><organizationId>{org_id18()}</organizationId><organizationName>"
        f"{html.escape(org.seed.organization_name)}</organizationName><userEmail>{html.escape(user.email)}"
        f"</userEmail><userFullName>{html.escape(user.name)}</userFullName><userId>{user.id}</userId>"
        f"<userName>{html.escape(user.username)}</userName></userInfo>"
    )
    envelope = (
        '<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope '
        'xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns="urn:partner.soap.sforce.com" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body><loginResponse><result>'
        f"{result}</result></loginResponse></soapenv:Body></soapenv:Envelope>"
    )
    return Response(envelope, content_type="text/xml;charset=UTF-8")


def oauth_error(error: str, description: str, status: int = 400) -> Response:
    return json_response({"error": error, "error_description": description}, status)


def token_body(org: Org, sessions: Sessions, request: Request, user: User, *, refresh: bool) -> dict[str, str]:
    base = instance_url(request)
    body = {
        "access_token": sessions.open(user),
        "instance_url": base,
        "id": f"{base}/id/{org_id18()}/{user.id}",
        "token_type": "Bearer",
        "issued_at": str(int(time.time() * 1000)),
        "signature": secrets.token_urlsafe(32),
        "scope": "web api refresh_token",
    }
    if refresh:
        body["refresh_token"] = sessions.refresh_token(user)
    return body


def oauth_token(org: Org, sessions: Sessions, request: Request) -> tuple[str, Response]:
    """The token endpoint; returns the grant's counter name and the response."""
    form = request.form
    grant = form.get("grant_type", "")
    if grant == "password":
        return "auth.oauth.password", _password_grant(org, sessions, request)
    if grant == "urn:ietf:params:oauth:grant-type:jwt-bearer":
        return "auth.oauth.jwt", _jwt_grant(org, sessions, request)
    if grant == "refresh_token":
        return "auth.oauth.refresh_token", _refresh_grant(org, sessions, request)
    return "auth.oauth.unsupported", oauth_error("unsupported_grant_type", "grant type not supported")


def _app_ok(org: Org, client_id: str, client_secret: str | None) -> bool:
    app = org.connected_apps.get(client_id)
    if app is None:
        return False
    return client_secret is None or secrets.compare_digest(client_secret, app.consumer_secret)


def _password_grant(org: Org, sessions: Sessions, request: Request) -> Response:
    form = request.form
    if not _app_ok(org, form.get("client_id", ""), form.get("client_secret", "")):
        return oauth_error("invalid_client_id", "client identifier invalid")
    user = check_password(org, form.get("username", ""), form.get("password", ""), remote_addr=request.remote_addr)
    if user is None:
        return oauth_error("invalid_grant", "authentication failure")
    if not user.api_enabled:
        return oauth_error("invalid_grant", "API is disabled for this User")
    return json_response(token_body(org, sessions, request, user, refresh=True))


def _jwt_grant(org: Org, sessions: Sessions, request: Request) -> Response:
    assertion = request.form.get("assertion", "")
    try:
        issuer = str(jwt.decode(assertion, options={"verify_signature": False}).get("iss", ""))
    except jwt.PyJWTError:
        return oauth_error("invalid_grant", "invalid assertion")
    app = org.connected_apps.get(issuer)
    if app is None:
        return oauth_error("invalid_client_id", "client identifier invalid")
    if not app.certificate:
        return oauth_error("invalid_client", "invalid client credentials")
    key = x509.load_pem_x509_certificate(app.certificate.encode()).public_key()
    if not isinstance(key, rsa.RSAPublicKey):
        return oauth_error("invalid_client", "invalid client credentials")
    try:
        claims = jwt.decode(
            assertion,
            key,
            algorithms=["RS256"],
            leeway=JWT_CLOCK_SKEW_SECONDS,
            options={"verify_aud": False, "require": ["exp"]},
        )
    except jwt.PyJWTError:
        return oauth_error("invalid_grant", "invalid assertion")
    user = org.user_named(str(claims.get("sub", "")))
    if user is None:
        return oauth_error("invalid_grant", "user hasn't approved this consumer")
    if not user.api_enabled:
        return oauth_error("invalid_grant", "API is disabled for this User")
    return json_response(token_body(org, sessions, request, user, refresh=False))


def _refresh_grant(org: Org, sessions: Sessions, request: Request) -> Response:
    form = request.form
    if not _app_ok(org, form.get("client_id", ""), form.get("client_secret")):
        return oauth_error("invalid_client_id", "client identifier invalid")
    user = sessions.user_for_refresh(form.get("refresh_token", ""))
    if user is None:
        return oauth_error("invalid_grant", "expired access/refresh token")
    return json_response(token_body(org, sessions, request, user, refresh=False))


def userinfo(org: Org, request: Request, user: User) -> Response:
    base = instance_url(request)
    return json_response(
        {
            "sub": f"{base}/id/{org_id18()}/{user.id}",
            "user_id": user.id,
            "organization_id": org_id18(),
            "preferred_username": user.username,
            "nickname": user.username.split("@")[0],
            "name": user.name,
            "email": user.email,
            "email_verified": True,
            "user_type": "STANDARD",
            "active": True,
            "urls": {
                "rest": f"{base}/services/data/v{{version}}/",
                "query": f"{base}/services/data/v{{version}}/query/",
            },
        }
    )
