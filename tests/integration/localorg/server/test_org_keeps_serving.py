"""The local org keeps serving whatever one client does: a silent connection, a query or a body nested too deep."""

from __future__ import annotations

import socket
from typing import Any

import pytest
import requests

from sfsync.localorg.testing import LocalOrgHandle

pytestmark = pytest.mark.org


def _api(org: LocalOrgHandle) -> tuple[requests.Session, str]:
    session = org.session()
    session.headers["Authorization"] = f"Bearer {org.access_token}"
    return session, f"{org.instance_url}/services/data/v{org.api_version}"


def test_a_connection_that_never_says_hello_stalls_no_one_else(org: LocalOrgHandle) -> None:
    host, port = org.host.split(":")
    with socket.create_connection((host, int(port))) as silent:  # connected, no TLS ClientHello ever sent
        silent.settimeout(10)
        session, base = _api(org)
        response = session.get(f"{base}/limits", timeout=10)
        assert response.status_code == 200 and "DailyApiRequests" in response.json()


@pytest.mark.parametrize(
    "where",
    [
        "(" * 3000 + "Name = 'x'" + ")" * 3000,
        "NOT " * 3000 + "Name = 'x'",
        "NOT " * 60 + "Name = 'x'",
    ],
    ids=["parentheses", "nots", "sixty-nots"],
)
def test_a_query_nested_too_deep_is_malformed_not_a_server_error(org: LocalOrgHandle, where: str) -> None:
    session, base = _api(org)
    for resource in ("query", "queryAll"):
        response = session.get(f"{base}/{resource}", params={"q": f"SELECT Id FROM Account WHERE {where}"})  # noqa: S608 - SOQL sent to the org
        assert response.status_code == 400
        assert response.json()[0]["errorCode"] == "MALFORMED_QUERY"
    assert session.get(f"{base}/query", params={"q": "SELECT Id FROM Account LIMIT 1"}).status_code == 200


@pytest.mark.parametrize("resource", ["sobjects/Account", "composite/sobjects"])
def test_a_body_nested_too_deep_is_a_json_parser_error(org: LocalOrgHandle, resource: str) -> None:
    session, base = _api(org)
    body = '{"Name": ' + "[" * 50_000 + "]" * 50_000 + "}"
    response = session.post(f"{base}/{resource}", data=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    assert response.json()[0]["errorCode"] == "JSON_PARSER_ERROR"


@pytest.mark.parametrize("value", [{"first": "A"}, ["A"], [], {}])
def test_objects_and_lists_for_a_text_field_are_refused(org: LocalOrgHandle, value: Any) -> None:
    session, base = _api(org)
    response = session.post(f"{base}/sobjects/Account", json={"Name": "Kept", "Description": value})
    assert response.status_code == 400 and response.json()[0]["errorCode"] == "JSON_PARSER_ERROR"
    records = {"allOrNone": False, "records": [{"attributes": {"type": "Account"}, "Name": value}]}
    [result] = session.post(f"{base}/composite/sobjects", json=records).json()
    assert result["success"] is False and result["errors"][0]["statusCode"] == "JSON_PARSER_ERROR"
