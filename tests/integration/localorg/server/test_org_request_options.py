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


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_an_option_is_served_or_refused_as_salesforce_would(org: LocalOrgHandle, case: dict[str, Any]) -> None:
    answer = _send(org, case)

    assert answer.status_code == case["status"], answer.text
    if "code" in case:
        [error] = answer.json()
        assert error["errorCode"] == case["code"] and error["message"]
    if "records" in case:
        assert len(answer.json()["records"]) == case["records"]
    if case.get("pretty"):
        assert answer.text.startswith("{\n    ") and json.loads(answer.text)
