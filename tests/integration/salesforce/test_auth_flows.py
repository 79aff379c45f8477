"""Every auth method of `connection.auth`, through the real simple-salesforce over HTTPS."""

from __future__ import annotations

from pathlib import Path

import pytest
from sf_org import RunningOrg

from sfsync.localorg.permissions import User
from sfsync.localorg.seed import ConnectedApp
from sfsync.localorg.tls import signing_key
from sfsync.salesforce.adapter import SalesforceAdapter
from sfsync.salesforce.errors import AuthenticationError
from sfsync.salesforce.query import Query

LEADS = Query("Lead", ("Id",))

KEY, SECRET = "sfsync-local-consumer-key", "sfsync-local-consumer-secret"


def integration_user(org: RunningOrg) -> User:
    user = org.app.org.user_named("integration@acme.local")
    assert user is not None
    return user


def assert_connected(port: SalesforceAdapter) -> None:
    assert port.identity().username == "integration@acme.local"
    assert next(iter(port.query(Query("Account", ("Id",)))))["Id"].startswith("001")


def test_password_soap(org: RunningOrg) -> None:
    port = org.adapter()
    assert_connected(port)
    assert port.identity().org_id.startswith("00D") and port.call_counts().by_kind["login"] == 1


def test_password_oauth_flow(org: RunningOrg) -> None:
    assert_connected(org.adapter(client_id=KEY, client_secret=SECRET))  # the token goes after the password


def test_password_oauth_flow_without_the_token_is_refused_outside_trusted_ranges(org: RunningOrg) -> None:
    with pytest.raises(AuthenticationError) as caught:
        org.adapter(client_id=KEY, client_secret=SECRET, security_token="")
    assert caught.value.code == "invalid_grant" and "connection.auth.security_token" in str(caught.value)
    org.handle.control("trusted-ip-ranges", "PUT", [{"start": "127.0.0.1"}])
    assert_connected(org.adapter(client_id=KEY, client_secret=SECRET, security_token=""))


def test_jwt_bearer(org: RunningOrg) -> None:
    private, pem = signing_key("sfsync-test")
    org.app.org.connected_apps["jwt-app"] = ConnectedApp("jwt", "jwt-app", "", pem)
    assert_connected(org.adapter(method="jwt", client_id="jwt-app", private_key=private.decode(), password=""))


def test_jwt_bearer_with_the_key_the_local_org_writes(org: RunningOrg) -> None:
    """The seed's connected app has no certificate: the org makes one, and the key file signs logins."""
    key_file = Path(org.handle.private_key_file)
    assert key_file.parent == org.handle.data_dir / "jwt" and key_file.stat().st_mode & 0o077 == 0
    private = key_file.read_text(encoding="utf-8")
    assert_connected(org.adapter(method="jwt", client_id=KEY, private_key=private, password=""))


def test_refresh_token(org: RunningOrg) -> None:
    refresh = org.app.sessions.refresh_token(integration_user(org))
    port = org.adapter(method="refresh_token", client_id=KEY, client_secret=SECRET, refresh_token=refresh)
    assert_connected(port)


def test_sfdx_url(org: RunningOrg) -> None:
    refresh = org.app.sessions.refresh_token(integration_user(org))
    host = org.instance_url.removeprefix("https://")
    assert_connected(org.adapter(method="sfdx_url", sfdx_url=f"force://{KEY}:{SECRET}:{refresh}@{host}"))


def test_session_token_and_its_expiry(org: RunningOrg) -> None:
    token = org.app.sessions.open(integration_user(org))
    port = org.adapter(method="session", access_token=token)
    assert_connected(port)
    org.app.sessions.expire(token)
    with pytest.raises(AuthenticationError) as caught:
        list(port.query(LEADS))
    assert caught.value.code == "INVALID_SESSION_ID" and "fresh" in str(caught.value)


def test_expired_session_logs_in_again(org: RunningOrg) -> None:
    port = org.adapter()
    assert_connected(port)
    org.app.sessions.expire_all()
    assert len(list(port.query(LEADS))) >= 1
    refreshed = org.adapter(
        method="refresh_token",
        client_id=KEY,
        client_secret=SECRET,
        refresh_token=org.app.sessions.refresh_token(integration_user(org)),
    )
    org.app.sessions.expire_all()
    assert len(list(refreshed.query(LEADS))) >= 1
    assert refreshed.call_counts().by_kind["login"] == 2


def test_wrong_password_and_no_api_user(org: RunningOrg) -> None:
    with pytest.raises(AuthenticationError) as caught:
        org.adapter(password="nope")
    assert caught.value.code == "INVALID_LOGIN" and "nope" not in str(caught.value)
    with pytest.raises(AuthenticationError) as caught:
        org.adapter("noapi")
    assert caught.value.code == "API_CURRENTLY_DISABLED"
