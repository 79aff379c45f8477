from __future__ import annotations

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from sfsync.errors import UsageError
from sfsync.salesforce.auth import Credentials, login_arguments, login_domain, refresh_grant


def test_salesforce_hosts_log_in_through_login_or_the_given_domain() -> None:
    prod = Credentials("password", instance_url="https://acme.my.salesforce.com")
    assert login_domain(prod, "services/Soap/u/59.0") == "login"
    assert login_domain(Credentials("password", domain="test"), "x") == "test"
    assert login_domain(Credentials("password", domain="acme.my.salesforce.com"), "x") == "acme.my"


def test_other_hosts_use_the_fragment_so_the_salesforce_suffix_is_never_sent() -> None:
    local = Credentials("password", instance_url="https://127.0.0.1:8443", api_version="59.0")
    assert login_arguments(local)["domain"] == "127.0.0.1:8443/services/Soap/u/59.0#"
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    explicit = Credentials("jwt", domain="localhost:9443", username="u", client_id="k", private_key=pem.decode())
    assert login_arguments(explicit)["domain"] == "localhost:9443/services/oauth2/token#"
    with pytest.raises(UsageError, match="not in PEM form"):
        login_arguments(Credentials("jwt", domain="localhost:9443", username="u", client_id="k", private_key="PEM"))


def test_password_with_client_uses_the_oauth_flow() -> None:
    creds = Credentials(
        "password", username="u", password="p", security_token="T", client_id="k", client_secret="s", domain="login"
    )
    arguments = login_arguments(creds)
    assert arguments["consumer_key"] == "k" and "security_token" not in arguments
    assert arguments["password"] == "pT"  # the flow has no token parameter: it goes after the password


def test_session_needs_instance_and_token() -> None:
    with pytest.raises(UsageError):
        login_arguments(Credentials("session", access_token="00Dx!tok"))
    assert login_arguments(Credentials("session", instance_url="https://a", access_token="t"))["session_id"] == "t"


def test_sfdx_url_and_refresh_token_grants() -> None:
    grant = refresh_grant(Credentials("sfdx_url", sfdx_url="force://PlatformCLI::5Aep861abc:def@127.0.0.1:8443"))
    assert (grant.token_url, grant.client_id, grant.client_secret) == (
        "https://127.0.0.1:8443/services/oauth2/token",
        "PlatformCLI",
        "",
    )
    assert grant.refresh_token == "5Aep861abc:def"
    refresh = refresh_grant(Credentials("refresh_token", domain="test", client_id="k", refresh_token="r"))
    assert refresh.token_url == "https://test.salesforce.com/services/oauth2/token"
    with pytest.raises(UsageError):
        refresh_grant(Credentials("sfdx_url", sfdx_url="https://nope"))


def test_secrets_stay_out_of_repr() -> None:
    creds = Credentials("password", username="u", password="hunter2", security_token="TOKEN123")
    assert "hunter2" not in repr(creds) and "TOKEN123" not in repr(creds)
