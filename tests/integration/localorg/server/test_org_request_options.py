"""Every request option a client may send is served or refused, never silently ignored (cases in
tests/cases/localorg/request-options.yaml), over HTTPS with plain `requests`."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import pytest
import requests
import yaml

from sfsync.localorg.testing import LocalOrgHandle

pytestmark = pytest.mark.org

CASES = yaml.safe_load(
    (Path(__file__).parents[3] / "cases" / "localorg" / "request-options.yaml").read_text(encoding="utf-8")
)


def _send(org: LocalOrgHandle, case: dict[str, Any]) -> requests.Response:
    session = requests.Session()
    session.verify, session.trust_env = org.ca_file, False
    headers = {"Authorization": f"Bearer {org.access_token}", **case.get("headers", {})}
    data = None
    if "body" in case:
        data = json.dumps(case["body"]).encode()
        data = gzip.compress(data) if case.get("gzip") else data
        headers["Content-Type"] = "application/json"
    url = f"{org.instance_url}/services/data/v59.0/{case['path']}"
    return session.request(case["method"], url, headers=headers, data=data, timeout=30)


def _leads_named(org: LocalOrgHandle, case: dict[str, Any]) -> int:
    """How many Leads have the LastName of the case's first subrequest body."""
    name = case["body"]["compositeRequest"][0]["body"]
    name = name.get("LastName") or name["records"][0]["LastName"]
    soql = f"SELECT COUNT() FROM Lead WHERE LastName = '{name}'"  # noqa: S608 - a case's own literal
    return int(org.simple_salesforce().query(soql)["totalSize"])


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_an_option_is_served_or_refused_as_salesforce_would(org: LocalOrgHandle, case: dict[str, Any]) -> None:
    before = _leads_named(org, case) if "created" in case else 0
    answer = _send(org, case)

    assert answer.status_code == case["status"], answer.text
    if "code" in case:
        [error] = answer.json()
        assert error["errorCode"] == case["code"] and error["message"]
    if "records" in case:
        assert len(answer.json()["records"]) == case["records"]
    if "sub_status" in case:
        [sub] = answer.json()["compositeResponse"]
        assert sub["httpStatusCode"] == case["sub_status"], sub
        if "sub_code" in case:
            [error] = sub["body"]
            assert error["errorCode"] == case["sub_code"] and error["message"]
    if "created" in case:
        assert _leads_named(org, case) - before == case["created"]
    if case.get("pretty"):
        assert answer.text.startswith("{\n    ") and json.loads(answer.text)
