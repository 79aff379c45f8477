"""`sfsync localorg serve` starts an org, says how to connect and writes connection.json."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import requests
from cli_org import serving

from sfsync.localorg.seed import DEFAULT_SEED

pytestmark = pytest.mark.org


def limits(connection: dict[str, Any]) -> requests.Response:
    session = requests.Session()
    session.verify = connection["ca_file"]
    session.trust_env = False
    return session.get(
        f"{connection['instance_url']}/services/data/v59.0/limits",
        headers={"Authorization": f"Bearer {connection['access_token']}"},
        timeout=10,
    )


def test_serve_writes_connection_json_and_answers(tmp_path: Path) -> None:
    data = tmp_path / "org"
    with serving("--seed", str(DEFAULT_SEED), "--data", str(data)) as (process, connection):
        assert (data / "connection.json").stat().st_mode & 0o077 == 0
        response = limits(connection)
        assert response.status_code == 200
        assert response.headers["Sforce-Limit-Info"] == "api-usage=1/1000000"
        process.terminate()
        output, _ = process.communicate(timeout=10)
    assert f"local org serving at {connection['instance_url']}" in output
    assert connection["password"] not in output and connection["access_token"] not in output
    assert f'environment:        eval "$(sfsync localorg env --data {data})"' in output


def test_serve_from_any_directory_uses_the_seed_in_the_package(tmp_path: Path) -> None:
    """No `--seed`, started away from a checkout: the default seed is package data, not a path in the repo."""
    with serving("--data", "org", cwd=tmp_path) as (_, connection):
        assert connection["username"] == "integration@acme.local"
        assert limits(connection).status_code == 200
