"""Conditional request headers on sObject Rows, directly and in composite subrequests' own httpHeaders."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import requests
from werkzeug.http import http_date

from sfsync.localorg.testing import LocalOrgHandle

pytestmark = pytest.mark.org


def _api(org: LocalOrgHandle) -> tuple[requests.Session, str]:
    session = org.session()
    session.headers["Authorization"] = f"Bearer {org.access_token}"
    return session, f"{org.instance_url}/services/data/v{org.api_version}"


def _account(session: requests.Session, base: str) -> tuple[str, datetime]:
    created = session.post(f"{base}/sobjects/Account", json={"Name": "Conditional Co"}).json()
    record = session.get(f"{base}/sobjects/Account/{created['id']}").json()
    stamp = datetime.strptime(record["LastModifiedDate"], "%Y-%m-%dT%H:%M:%S.%f%z")
    return created["id"], stamp


def test_if_modified_since_answers_304_until_the_record_changes(org: LocalOrgHandle) -> None:
    session, base = _api(org)
    record_id, modified = _account(session, base)
    url = f"{base}/sobjects/Account/{record_id}"
    not_modified = session.get(url, headers={"If-Modified-Since": http_date(modified)})
    assert (not_modified.status_code, not_modified.content) == (304, b"")
    earlier = session.get(url, headers={"If-Modified-Since": http_date(modified - timedelta(seconds=1))})
    assert earlier.status_code == 200 and earlier.json()["Id"] == record_id


def test_if_unmodified_since_refuses_a_stale_update_with_412(org: LocalOrgHandle) -> None:
    session, base = _api(org)
    record_id, modified = _account(session, base)
    url = f"{base}/sobjects/Account/{record_id}"
    stale = session.patch(
        url, json={"Name": "Stale"}, headers={"If-Unmodified-Since": http_date(modified - timedelta(seconds=1))}
    )
    assert stale.status_code == 412 and stale.json()[0]["errorCode"] == "PRECONDITION_FAILED"
    assert session.get(url).json()["Name"] == "Conditional Co"
    fresh = session.patch(url, json={"Name": "Fresh"}, headers={"If-Unmodified-Since": http_date(modified)})
    assert fresh.status_code == 204 and session.get(url).json()["Name"] == "Fresh"


@pytest.mark.parametrize("header", ["If-Modified-Since", "If-Unmodified-Since", "If-Match", "If-None-Match"])
def test_an_invalid_precondition_is_400(org: LocalOrgHandle, header: str) -> None:
    session, base = _api(org)
    record_id, _ = _account(session, base)
    response = session.patch(f"{base}/sobjects/Account/{record_id}", json={"Name": "X"}, headers={header: "soon"})
    assert response.status_code == 400 and response.json()[0]["errorCode"] == "INVALID_HEADER_VALUE"


def test_account_rows_carry_an_etag_for_if_match_and_if_none_match(org: LocalOrgHandle) -> None:
    session, base = _api(org)
    record_id, _ = _account(session, base)
    url = f"{base}/sobjects/Account/{record_id}"
    tag = session.get(url).headers["ETag"]
    assert tag.startswith('"') and tag.endswith('--gzip"')
    assert session.get(url, headers={"If-None-Match": tag}).status_code == 304
    assert session.patch(url, json={"Name": "Tagged"}, headers={"If-Match": tag}).status_code == 204
    again = session.patch(url, json={"Name": "Lost update"}, headers={"If-Match": tag})
    assert again.status_code == 412 and session.get(url).json()["Name"] == "Tagged"
    assert session.get(url).headers["ETag"] != tag


def test_composite_subrequests_send_their_own_http_headers(org: LocalOrgHandle) -> None:
    session, base = _api(org)
    record_id, modified = _account(session, base)
    path = f"/services/data/v{org.api_version}/sobjects/Account/{record_id}"
    later = http_date(datetime.now(UTC) + timedelta(days=1))
    body = {
        "compositeRequest": [
            {"method": "GET", "url": path, "referenceId": "cached", "httpHeaders": {"If-Modified-Since": later}},
            {"method": "GET", "url": path, "referenceId": "plain"},
            {
                "method": "PATCH",
                "url": path,
                "referenceId": "stale",
                "body": {"Name": "Stale"},
                "httpHeaders": {"If-Unmodified-Since": http_date(modified - timedelta(seconds=1))},
            },
        ]
    }
    answers = {r["referenceId"]: r for r in session.post(f"{base}/composite", json=body).json()["compositeResponse"]}
    assert answers["cached"]["httpStatusCode"] == 304
    assert answers["plain"]["httpStatusCode"] == 200 and answers["plain"]["body"]["Name"] == "Conditional Co"
    assert answers["plain"]["httpHeaders"]["ETag"].endswith('--gzip"')
    assert answers["stale"]["httpStatusCode"] == 412
