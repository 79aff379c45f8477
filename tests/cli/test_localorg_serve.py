"""`sfsync localorg serve` starts an org, says how to connect and writes connection.json."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import requests

from sfsync.localorg.seed import DEFAULT_SEED

pytestmark = pytest.mark.org


@contextmanager
def serving(*args: str, cwd: Path | None = None) -> Iterator[tuple[subprocess.Popen[str], dict[str, Any]]]:
    """`sfsync localorg serve --port 0 ARGS` until connection.json is written; stopped on exit."""
    data = Path(args[args.index("--data") + 1]) if "--data" in args else None
    process = subprocess.Popen(
        [sys.executable, "-m", "sfsync", "localorg", "serve", "--port", "0", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=cwd,
    )
    try:
        assert data is not None
        connection_file = (cwd or Path.cwd()) / data / "connection.json"
        deadline = time.monotonic() + 30
        while not connection_file.exists() or not connection_file.read_text():
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                _, err = process.communicate(timeout=10)
                pytest.fail(f"the local org did not start: {err}")
            time.sleep(0.1)
        yield process, json.loads(connection_file.read_text())
    finally:
        process.terminate()
        process.wait(timeout=10)


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


def test_serve_from_any_directory_uses_the_seed_in_the_package(tmp_path: Path) -> None:
    """No `--seed`, started away from a checkout: the default seed is package data, not a path in the repo."""
    with serving("--data", "org", cwd=tmp_path) as (_, connection):
        assert connection["username"] == "integration@acme.local"
        assert limits(connection).status_code == 200
