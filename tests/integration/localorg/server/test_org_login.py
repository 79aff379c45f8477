"""Every login flow of the real simple-salesforce against the local org, over HTTPS."""

from __future__ import annotations

import time
from pathlib import Path

import jwt
import pytest
import requests
from simple_salesforce.exceptions import SalesforceAuthenticationFailed, SalesforceExpiredSession

from sfsync.errors import UsageError
from sfsync.localorg.network import IpRange
from sfsync.localorg.seed import load_seed, parse_seed
from sfsync.localorg.testing import LocalOrgHandle
from sfsync.localorg.tls import signing_key

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
    sf = org.simple_salesforce("password", password=org.password + org.security_token)
    assert sf.Lead.describe()["name"] == "Lead"


def test_oauth_password_grant_with_bad_credentials_is_invalid_grant(org: LocalOrgHandle) -> None:
    with pytest.raises(SalesforceAuthenticationFailed) as caught:
        org.simple_salesforce("password", password="nope")
    assert caught.value.code == "invalid_grant"
    assert "authentication failure" in str(caught.value)


def test_jwt_bearer_with_the_registered_certificate(org: LocalOrgHandle) -> None:
    key, certificate = signing_key("jwt app")
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
    _, certificate = signing_key("jwt app")
    other_key, _ = signing_key("jwt app")
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
            "password": org.password + org.security_token,
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
    key, certificate = signing_key("jwt app")
    org.control("connected-apps", "POST", {"name": "jwt", "consumer_key": "jwt-key3", "certificate": certificate})
    expired = jwt.encode({"iss": "jwt-key3", "sub": org.username, "exp": 1}, key, algorithm="RS256")
    response = org.session().post(
        f"{org.instance_url}/services/oauth2/token",
        data={"grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer", "assertion": expired},
    )
    assert (response.status_code, response.json()["error"]) == (400, "invalid_grant")
    assert isinstance(response, requests.Response)


def test_jwt_expiring_this_second_is_taken_within_the_clock_skew(org: LocalOrgHandle) -> None:
    # CumulusCI signs `exp` as the current second; Salesforce takes it (3 minutes of skew), not 10 minutes late.
    key, certificate = signing_key("jwt app")
    org.control("connected-apps", "POST", {"name": "jwt", "consumer_key": "jwt-key4", "certificate": certificate})
    now = int(time.time())

    def grant(exp: int) -> requests.Response:
        assertion = jwt.encode({"iss": "jwt-key4", "sub": org.username, "exp": exp}, key, algorithm="RS256")
        return org.session().post(
            f"{org.instance_url}/services/oauth2/token",
            data={"grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer", "assertion": assertion},
        )

    taken = grant(now - 1)
    assert taken.status_code == 200 and "/id/00D" in taken.json()["id"]  # CumulusCI reads the org id from it
    assert (
        org.session()
        .get(
            f"{org.instance_url}/services/oauth2/userinfo",
            headers={"Authorization": f"Bearer {taken.json()['access_token']}"},
        )
        .json()["preferred_username"]
        == org.username
    )
    late = grant(now - 600)
    assert (late.status_code, late.json()["error"]) == (400, "invalid_grant")


def test_soap_login_without_the_security_token_is_refused_even_scoped_to_the_org(org: LocalOrgHandle) -> None:
    # A LoginScopeHeader only names the org of Self-Service users; it never waives the security token.
    org_id = org.simple_salesforce().query("SELECT Id FROM Organization")["records"][0]["Id"]
    for login in ({"security_token": ""}, {"security_token": None, "organizationId": org_id[:15]}):
        with pytest.raises(SalesforceAuthenticationFailed) as caught:
            org.simple_salesforce("soap", **login)
        assert caught.value.code == "INVALID_LOGIN"


def test_oauth_password_grant_needs_the_security_token_appended(org: LocalOrgHandle) -> None:
    with pytest.raises(SalesforceAuthenticationFailed) as caught:
        org.simple_salesforce("password")  # the bare password, as from outside the trusted IP ranges
    assert (caught.value.code, "authentication failure" in str(caught.value)) == ("invalid_grant", True)
    sf = org.simple_salesforce("password", password=org.password + org.security_token)
    assert sf.query("SELECT COUNT() FROM Lead")["totalSize"] == 3


def test_a_trusted_ip_range_waives_the_security_token(org: LocalOrgHandle) -> None:
    assert org.control("trusted-ip-ranges") == []  # as in a new org: nothing is trusted
    org.control("trusted-ip-ranges", "PUT", [{"start": "10.0.0.1", "end": "10.0.0.255"}])
    with pytest.raises(SalesforceAuthenticationFailed):
        org.simple_salesforce("password")  # another network is trusted, not this one
    org.control("trusted-ip-ranges", "PUT", [{"start": "127.0.0.1"}])
    assert org.simple_salesforce("password").query("SELECT COUNT() FROM Lead")["totalSize"] == 3
    sf = org.simple_salesforce("soap", security_token="")
    assert sf.query("SELECT COUNT() FROM Lead")["totalSize"] == 3
    assert org.simple_salesforce("soap").session_id  # the token appended is still accepted
    org.reset()
    assert org.control("trusted-ip-ranges") == []  # reset restores the seed's ranges


def test_a_malformed_trusted_ip_range_is_refused(org: LocalOrgHandle) -> None:
    for body in ([{"start": "10.0.0.9", "end": "10.0.0.1"}], [{"start": "not-an-address"}], {"start": "10.0.0.1"}):
        response = org.session().put(
            f"{org.instance_url}/_localorg/trusted-ip-ranges",
            json=body,
            headers={"Authorization": f"Bearer {org.admin_token}"},
        )
        assert response.status_code == 400, body


def test_the_seed_may_trust_ip_ranges(tmp_path: Path) -> None:
    seed = parse_seed({"organization": {"trusted_ip_ranges": [{"start": "127.0.0.1"}]}}, tmp_path)
    assert seed.trusted_ip_ranges == (IpRange("127.0.0.1", "127.0.0.1"),)
    assert parse_seed({}, tmp_path).trusted_ip_ranges == ()  # as a new org: none
    with pytest.raises(UsageError):
        (tmp_path / "seed.yaml").write_text("organization: {trusted_ip_ranges: [{start: 10.0.0.300}]}\n")
        load_seed(tmp_path / "seed.yaml")
