"""The local org is reachable from this machine only, over TLS only, and only with the right token.

Every API route the org serves is tried without a token, with a made-up token and with an expired
session; every control route with an ordinary session. The admin token is never a session.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from werkzeug.routing import Rule

from sfsync.localorg.control import _MAP as CONTROL_ROUTES
from sfsync.localorg.seed import DEFAULT_SEED
from sfsync.localorg.testing import LocalOrgHandle, local_org

__all__ = ["local_org"]
pytestmark = pytest.mark.org
SEED = DEFAULT_SEED
SAMPLE_ARGS = {
    "api_version": "59.0",
    "sobject": "Lead",
    "record_id": "00Q000000000001AAA",
    "job_id": "7500000000000001AAA",
    "field": "Sfsync_Id__c",
    "external_field": "Sfsync_Id__c",
    "external_id": "x",
    "value": "x",
    "org_id": "00D000000000001AAA",
    "user_id": "005000000000001AAA",
}
PUBLIC = {"/services/data"}  # the versions list: public on a real org too


def _url(rule: Rule) -> str:
    def value(match: re.Match[str]) -> str:
        name = match.group(1).split(":")[-1]
        return SAMPLE_ARGS.get(name, "x")

    return re.sub(r"<([^>]+)>", value, rule.rule)


def _api_routes(org: LocalOrgHandle) -> list[tuple[str, str]]:
    rules = org.running.app.router.rules
    return sorted({(m, _url(r)) for r in rules for m in r.methods or () if m not in ("HEAD", "OPTIONS")})


def _call(org: LocalOrgHandle, method: str, path: str, token: str | None) -> requests.Response:
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    with org.session() as session:
        return session.request(method, org.instance_url + path, headers=headers, json={}, timeout=30)


def test_it_listens_on_loopback_only(local_org: LocalOrgHandle) -> None:
    host, _port = local_org.running.server.socket.getsockname()[:2]
    assert host == "127.0.0.1"
    assert local_org.instance_url.startswith("https://127.0.0.1:")


def test_plain_http_is_refused(local_org: LocalOrgHandle) -> None:
    plain = local_org.instance_url.replace("https://", "http://")
    with requests.Session() as session:
        session.trust_env = False
        with pytest.raises(requests.ConnectionError):
            session.get(f"{plain}/services/data/v59.0/limits", timeout=10)
    with local_org.session() as session:  # and TLS still works afterwards
        assert session.get(f"{local_org.instance_url}/services/data", timeout=10).status_code == 200


def test_no_api_route_answers_without_a_valid_session(local_org: LocalOrgHandle) -> None:
    routes = _api_routes(local_org)
    assert len(routes) >= 40 and any("jobs/ingest" in path for _, path in routes)
    expired = local_org.control("sessions", "POST", {"as": local_org.username})["access_token"]
    local_org.control("sessions", "DELETE", {"access_token": expired})
    for token in (None, "", "00Dmade-up!session", expired, local_org.admin_token):
        answers = {(m, p): _call(local_org, m, p, token).status_code for m, p in routes}
        assert {key: code for key, code in answers.items() if code != 401} == {}, token
    with local_org.session() as session:
        assert session.get(local_org.instance_url + "/services/data", timeout=10).status_code == 200  # PUBLIC


def test_identity_routes_need_a_session(local_org: LocalOrgHandle) -> None:
    for path in ("/services/oauth2/userinfo", "/id/00D000000000001AAA/005000000000001AAA"):
        for token in (None, "made-up", local_org.admin_token):
            assert _call(local_org, "GET", path, token).status_code in (401, 403), (path, token)
        assert _call(local_org, "GET", path, local_org.access_token).status_code == 200


def test_the_control_api_refuses_sessions_and_strangers(local_org: LocalOrgHandle) -> None:
    session = local_org.control("sessions", "POST", {"as": local_org.username})["access_token"]
    routes = sorted({(m, _url(r)) for r in CONTROL_ROUTES.iter_rules() for m in r.methods or () if m != "HEAD"})
    assert len(routes) >= 15
    for token in (None, "", session, local_org.access_token, "made-up"):
        answers = {(m, p): _call(local_org, m, "/_localorg" + p, token).status_code for m, p in routes}
        assert {key: code for key, code in answers.items() if code != 401} == {}, token
    assert local_org.control("counts")["Lead"]["live"] >= 1  # the admin token does open it


def test_login_with_a_wrong_password_opens_no_session(local_org: LocalOrgHandle) -> None:
    form = {
        "grant_type": "password",
        "client_id": local_org.consumer_key,
        "client_secret": local_org.consumer_secret,
        "username": local_org.username,
        "password": "not-the-password",
    }
    with local_org.session() as session:
        response = session.post(f"{local_org.instance_url}/services/oauth2/token", data=form, timeout=10)
    assert response.status_code == 400 and "access_token" not in response.text


def test_served_from_the_command_line_it_listens_on_loopback_only(tmp_path: Path) -> None:
    data = tmp_path / "org"
    command = [sys.executable, "-m", "sfsync", "localorg", "serve", "--port", "0", "--seed", str(SEED)]
    process = subprocess.Popen([*command, "--data", str(data)], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while not (data / "connection.json").exists():
            assert process.poll() is None and time.monotonic() < deadline
            time.sleep(0.1)
        port = int((data / "connection.json").read_text("utf-8").split('"https://127.0.0.1:')[1].split('"')[0])
        listening = _listening_addresses(port)
    finally:
        process.terminate()
        process.communicate(timeout=20)
    assert listening == ["127.0.0.1"]


def _listening_addresses(port: int) -> list[str]:
    """Local addresses of sockets listening on `port`, from the kernel's own table."""
    found = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        lines = Path(table).read_text().splitlines()[1:] if Path(table).exists() else []
        for line in lines:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.split(":")
            if int(hex_port, 16) == port and state == "0A":  # LISTEN
                octets = [str(int(address[i : i + 2], 16)) for i in (6, 4, 2, 0)]
                found.append(".".join(octets) if len(address) == 8 else address)
    return found
