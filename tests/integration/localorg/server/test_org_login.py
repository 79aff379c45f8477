"""Every login flow of the real simple-salesforce against the local org, over HTTPS."""

from __future__ import annotations

import datetime as dt

import jwt
import pytest
import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from simple_salesforce.exceptions import SalesforceAuthenticationFailed, SalesforceExpiredSession

from sfsync.localorg.testing import LocalOrgHandle

pytestmark = pytest.mark.org


def test_soap_login_gives_a_working_session(org: LocalOrgHandle) -> None:
    sf = org.simple_salesforce("soap")
    assert sf.sf_instance == org.host
    assert sf.session_id.startswith("00D")
    assert sf.query("SELECT Id FROM Lead")["totalSize"] == 3


def test_soap_login_with_a_wrong_password_is_the_real_fault(org: LocalOrgHandle) -> None:
    with pytest.raises(SalesforceAuthenticationFailed) as caught:
        org.simple_salesforce("soap", password="wrong")
    assert caught.value.code == "INVALID_LOGIN"
    assert "Invalid username, password, security token" in str(caught.value)


def test_soap_login_of_a_user_without_api_enabled_is_refused(org: LocalOrgHandle) -> None:
    with pytest.raises(SalesforceAuthenticationFailed) as caught:
        org.simple_salesforce("soap", username="noapi@acme.local", password="noapi-pass", security_token="")
    assert caught.value.code == "API_CURRENTLY_DISABLED"


def test_oauth_password_grant(org: LocalOrgHandle) -> None:
    sf = org.simple_salesforce("password")
    assert sf.Lead.describe()["name"] == "Lead"


def test_oauth_password_grant_with_bad_credentials_is_invalid_grant(org: LocalOrgHandle) -> None:
    with pytest.raises(SalesforceAuthenticationFailed) as caught:
        org.simple_salesforce("password", password="nope")
    assert caught.value.code == "invalid_grant"
    assert "authentication failure" in str(caught.value)


def _key_and_certificate() -> tuple[bytes, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "jwt app")])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    pem_key = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return pem_key, certificate.public_bytes(serialization.Encoding.PEM).decode()


def test_jwt_bearer_with_the_registered_certificate(org: LocalOrgHandle) -> None:
    key, certificate = _key_and_certificate()
    org.control("connected-apps", "POST", {"name": "jwt", "consumer_key": "jwt-key", "certificate": certificate})
    sf = org.simple_salesforce(
        "jwt",
        username=org.username,
        consumer_key="jwt-key",
        privatekey=key.decode(),
        domain=f"{org.host}/services/oauth2/token#",
    )
    assert sf.query("SELECT COUNT() FROM Account")["totalSize"] == 2


def test_jwt_signed_by_another_key_is_refused(org: LocalOrgHandle) -> None:
    _, certificate = _key_and_certificate()
    other_key, _ = _key_and_certificate()
    org.control("connected-apps", "POST", {"name": "jwt", "consumer_key": "jwt-key2", "certificate": certificate})
    with pytest.raises(SalesforceAuthenticationFailed) as caught:
        org.simple_salesforce(
            "jwt",
            username=org.username,
            consumer_key="jwt-key2",
            privatekey=other_key.decode(),
            domain=f"{org.host}/services/oauth2/token#",
        )
    assert caught.value.code == "invalid_grant"


def test_refresh_token_grant(org: LocalOrgHandle) -> None:
    session = org.session()
    token_url = f"{org.instance_url}/services/oauth2/token"
    first = session.post(
        token_url,
        data={
            "grant_type": "password",
            "client_id": org.consumer_key,
            "client_secret": org.consumer_secret,
            "username": org.username,
            "password": org.password,
        },
    ).json()
    refreshed = session.post(
        token_url,
        data={
            "grant_type": "refresh_token",
            "client_id": org.consumer_key,
            "client_secret": org.consumer_secret,
            "refresh_token": first["refresh_token"],
        },
    )
    assert refreshed.status_code == 200
    sf = org.simple_salesforce(session_id=refreshed.json()["access_token"])
    assert sf.query("SELECT COUNT() FROM Lead")["totalSize"] == 3
    bad = session.post(
        token_url, data={"grant_type": "refresh_token", "client_id": org.consumer_key, "refresh_token": "x"}
    )
    assert (bad.status_code, bad.json()["error"]) == (400, "invalid_grant")


def test_userinfo_names_the_user(org: LocalOrgHandle) -> None:
    response = org.session().get(
        f"{org.instance_url}/services/oauth2/userinfo", headers={"Authorization": f"Bearer {org.access_token}"}
    )
    body = response.json()
    assert body["preferred_username"] == org.username
    assert body["organization_id"].startswith("00D")


def test_a_request_without_a_valid_token_is_refused(org: LocalOrgHandle) -> None:
    for token in ("", "00Dbogus!AQxyz", org.admin_token):
        response = org.session().get(
            f"{org.instance_url}/services/data/v59.0/sobjects", headers={"Authorization": f"Bearer {token}"}
        )
        assert response.status_code == 401
        assert response.json() == [{"message": "Session expired or invalid", "errorCode": "INVALID_SESSION_ID"}]


def test_the_control_api_refuses_a_session(org: LocalOrgHandle) -> None:
    response = org.session().post(
        f"{org.instance_url}/_localorg/reset", headers={"Authorization": f"Bearer {org.access_token}"}
    )
    assert response.status_code == 401


def test_an_expired_session_makes_simple_salesforce_log_in_again(org: LocalOrgHandle) -> None:
    sf = org.simple_salesforce("soap")
    first = sf.session_id
    org.control("sessions", "DELETE", {"access_token": first})
    assert sf.query("SELECT COUNT() FROM Lead")["totalSize"] == 3
    assert sf.session_id != first


def test_a_session_past_its_lifetime_expires(org: LocalOrgHandle) -> None:
    org.control("session-lifetime", "PUT", {"seconds": 0})
    try:
        token = org.control("sessions", "POST", {"as": org.username})["access_token"]
        sf = org.simple_salesforce(session_id=token)
        with pytest.raises(SalesforceExpiredSession):
            sf.query("SELECT Id FROM Lead")
    finally:
        org.control("session-lifetime", "PUT", {"seconds": 7200})


def test_jwt_claims_are_checked_for_expiry(org: LocalOrgHandle) -> None:
    key, certificate = _key_and_certificate()
    org.control("connected-apps", "POST", {"name": "jwt", "consumer_key": "jwt-key3", "certificate": certificate})
    expired = jwt.encode({"iss": "jwt-key3", "sub": org.username, "exp": 1}, key, algorithm="RS256")
    response = org.session().post(
        f"{org.instance_url}/services/oauth2/token",
        data={"grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer", "assertion": expired},
    )
    assert (response.status_code, response.json()["error"]) == (400, "invalid_grant")
    assert isinstance(response, requests.Response)


def test_soap_login_scoped_to_the_org_needs_no_token(org: LocalOrgHandle) -> None:
    org_id = org.simple_salesforce().query("SELECT Id FROM Organization")["records"][0]["Id"]
    sf = org.simple_salesforce(
        "soap", security_token=None, organizationId=org_id[:15], domain=f"{org.host}/services/Soap/u/59.0#"
    )
    assert sf.query("SELECT COUNT() FROM Lead")["totalSize"] == 3
