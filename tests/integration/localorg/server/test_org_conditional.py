"""Conditional request headers on sObject Rows, directly and as composite subrequests' `httpHeaders`."""

from __future__ import annotations

import datetime as dt
from email.utils import format_datetime
from typing import Any

import pytest
import requests

from sfsync.localorg.testing import LocalOrgHandle

pytestmark = pytest.mark.org


def _call(sf: Any, method: str, path: str, headers: dict[str, str], json: Any = None) -> requests.Response:
    url = f"{sf.base_url}{path}"
    response: requests.Response = sf.session.request(method, url, headers={**sf.headers, **headers}, json=json)
    return response


def _lead(sf: Any) -> tuple[str, dt.datetime]:
    lead_id = sf.Lead.create({"LastName": "Noether", "Company": "Erlangen"})["id"]
    stamp = sf.Lead.get(lead_id)["LastModifiedDate"]
    return lead_id, dt.datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%S.000%z")


def _http(moment: dt.datetime) -> str:
    return format_datetime(moment.astimezone(dt.UTC), usegmt=True)


def test_patch_unmodified_since_the_records_stamp_is_applied(org: LocalOrgHandle) -> None:
    sf = org.simple_salesforce()
    lead_id, stamp = _lead(sf)
    answer = _call(sf, "PATCH", f"sobjects/Lead/{lead_id}", {"If-Unmodified-Since": _http(stamp)}, {"Title": "Dr"})
    assert answer.status_code == 204
    assert sf.Lead.get(lead_id)["Title"] == "Dr"


def test_patch_of_a_record_modified_after_the_date_is_412_and_writes_nothing(org: LocalOrgHandle) -> None:
    sf = org.simple_salesforce()
    lead_id, stamp = _lead(sf)
    before = _http(stamp - dt.timedelta(seconds=1))
    answer = _call(sf, "PATCH", f"sobjects/Lead/{lead_id}", {"If-Unmodified-Since": before}, {"Title": "Dr"})
    assert answer.status_code == 412
    assert answer.json()[0]["errorCode"] == "PRECONDITION_FAILED"
    assert sf.Lead.get(lead_id)["Title"] is None


def test_an_invalid_unmodified_since_on_patch_is_400(org: LocalOrgHandle) -> None:
    sf = org.simple_salesforce()
    lead_id, _stamp = _lead(sf)
    answer = _call(sf, "PATCH", f"sobjects/Lead/{lead_id}", {"If-Unmodified-Since": "yesterday"}, {"Title": "Dr"})
    assert answer.status_code == 400
    assert sf.Lead.get(lead_id)["Title"] is None


def test_get_if_modified_since_is_304_until_the_record_moves(org: LocalOrgHandle) -> None:
    sf = org.simple_salesforce()
    lead_id, stamp = _lead(sf)
    assert _call(sf, "GET", f"sobjects/Lead/{lead_id}", {"If-Modified-Since": _http(stamp)}).status_code == 304
    earlier = _http(stamp - dt.timedelta(seconds=1))
    again = _call(sf, "GET", f"sobjects/Lead/{lead_id}", {"If-Modified-Since": earlier})
    assert again.status_code == 200 and again.json()["Id"] == lead_id
    assert _call(sf, "GET", f"sobjects/Lead/{lead_id}", {"If-Modified-Since": "not a date"}).status_code == 400
    assert _call(sf, "GET", f"sobjects/Lead/{lead_id}", {"If-Unmodified-Since": earlier}).status_code == 412


def test_composite_subrequests_carry_their_own_conditional_headers(org: LocalOrgHandle) -> None:
    sf = org.simple_salesforce()
    (kept, kept_stamp), (moved, moved_stamp) = _lead(sf), _lead(sf)
    url = f"/services/data/v{sf.sf_version}/sobjects/Lead/"

    def patch(ref: str, lead_id: str, since: dt.datetime) -> dict[str, Any]:
        headers = {"If-Unmodified-Since": _http(since)}
        return {
            "method": "PATCH",
            "url": url + lead_id,
            "referenceId": ref,
            "body": {"Title": ref},
            "httpHeaders": headers,
        }

    body = {
        "allOrNone": False,
        "compositeRequest": [
            patch("ok", kept, kept_stamp),
            patch("late", moved, moved_stamp - dt.timedelta(seconds=1)),
        ],
    }
    answers = sf.restful("composite", method="POST", json=body)["compositeResponse"]
    assert [(a["referenceId"], a["httpStatusCode"]) for a in answers] == [("ok", 204), ("late", 412)]
    assert answers[1]["body"][0]["errorCode"] == "PRECONDITION_FAILED"
    assert (sf.Lead.get(kept)["Title"], sf.Lead.get(moved)["Title"]) == ("ok", None)


def test_composite_httpheaders_that_are_not_strings_are_refused(org: LocalOrgHandle) -> None:
    sf = org.simple_salesforce()
    lead_id, _stamp = _lead(sf)
    sub = {
        "method": "PATCH",
        "url": f"/services/data/v{sf.sf_version}/sobjects/Lead/{lead_id}",
        "referenceId": "r",
        "body": {"Title": "X"},
        "httpHeaders": {"If-Unmodified-Since": 5},
    }
    answers = sf.restful("composite", method="POST", json={"compositeRequest": [sub]})["compositeResponse"]
    assert answers[0]["httpStatusCode"] == 400
    assert sf.Lead.get(lead_id)["Title"] is None
