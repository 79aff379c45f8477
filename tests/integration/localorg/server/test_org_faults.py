"""Fault plans: deterministic from their seed, each action as a client sees it."""

from __future__ import annotations

import time
from typing import Any

import pytest
import requests
from simple_salesforce.exceptions import SalesforceError

from sfsync.localorg.testing import LocalOrgHandle

pytestmark = pytest.mark.org


def _outcomes(org: LocalOrgHandle, plan: list[dict[str, Any]], calls: int) -> list[int]:
    org.control("faults", "PUT", plan)
    sf = org.simple_salesforce()
    statuses = []
    for _ in range(calls):
        try:
            sf.query("SELECT COUNT() FROM Lead")
            statuses.append(200)
        except SalesforceError as error:
            statuses.append(error.status)
    return statuses


def test_a_probability_plan_is_reproducible_from_its_seed(org: LocalOrgHandle) -> None:
    plan = [{"match": {"endpoint": "rest.query"}, "action": "http_503", "probability": 0.5, "seed": 7}]
    first = _outcomes(org, plan, 20)
    second = _outcomes(org, plan, 20)
    assert first == second
    assert 200 in first and 503 in first
    other = _outcomes(org, [dict(plan[0], seed=8)], 20)
    assert other != first


def test_every_nth_and_matching_by_object(org: LocalOrgHandle) -> None:
    org.control(
        "faults",
        "PUT",
        [{"match": {"object": "Lead", "method": "POST"}, "action": "unable_to_lock_row", "every_nth": 2}],
    )
    sf = org.simple_salesforce()
    sf.Lead.create({"LastName": "A", "Company": "C"})
    with pytest.raises(SalesforceError) as caught:
        sf.Lead.create({"LastName": "B", "Company": "C"})
    assert (caught.value.status, caught.value.content[0]["errorCode"]) == (400, "UNABLE_TO_LOCK_ROW")
    sf.Account.create({"Name": "Unaffected"})
    assert org.control("faults")["faults"][0]["fired"] == 1


def test_http_500_and_request_limit_faults(org: LocalOrgHandle) -> None:
    org.control(
        "faults",
        "PUT",
        [
            {"match": {"operation": "create"}, "action": "http_500"},
            {"match": {"endpoint": "rest\\.query"}, "action": "request_limit_exceeded"},
        ],
    )
    sf = org.simple_salesforce()
    with pytest.raises(SalesforceError) as caught:
        sf.Account.create({"Name": "X"})
    assert caught.value.status == 500
    with pytest.raises(SalesforceError) as caught:
        sf.query("SELECT Id FROM Account")
    assert (caught.value.status, caught.value.content[0]["errorCode"]) == (403, "REQUEST_LIMIT_EXCEEDED")


def test_commit_then_drop_commits_and_resets_the_connection(org: LocalOrgHandle) -> None:
    org.control("faults", "PUT", [{"match": {"endpoint": "rest.sobject.create"}, "action": "commit_then_drop"}])
    sf = org.simple_salesforce()
    with pytest.raises(requests.exceptions.ConnectionError):
        sf.Account.create({"Name": "Committed"})
    org.control("faults", "DELETE")
    assert sf.query("SELECT COUNT() FROM Account WHERE Name = 'Committed'")["totalSize"] == 1


def test_expire_session_fault_makes_the_client_log_in_again(org: LocalOrgHandle) -> None:
    org.control("faults", "PUT", [{"match": {"endpoint": "rest.query"}, "action": "expire_session", "every_nth": 2}])
    sf = org.simple_salesforce("soap")
    first = sf.session_id
    assert sf.query("SELECT COUNT() FROM Lead")["totalSize"] == 3
    assert sf.query("SELECT COUNT() FROM Lead")["totalSize"] == 3
    assert sf.session_id != first


def test_latency_fault_delays(org: LocalOrgHandle) -> None:
    org.control("faults", "PUT", [{"match": {"endpoint": "rest.limits"}, "action": "latency_ms:300"}])
    started = time.monotonic()
    response = org.simple_salesforce().restful("limits")
    assert time.monotonic() - started >= 0.3
    assert response["DailyApiRequests"]["Max"] > 0
    assert org.control("faults")["faults"][0]["fired"] == 1


def test_unknown_fault_action_is_refused(org: LocalOrgHandle) -> None:
    with pytest.raises(requests.HTTPError) as caught:
        org.control("faults", "PUT", [{"action": "explode"}])
    assert caught.value.response.status_code == 400
