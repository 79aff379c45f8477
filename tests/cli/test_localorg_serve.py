"""`sfsync localorg serve` starts an org, says how to connect and writes connection.json."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

pytestmark = pytest.mark.org
SEED = Path(__file__).resolve().parents[2] / "examples" / "localorg" / "seed.yaml"


def test_serve_writes_connection_json_and_answers(tmp_path: Path) -> None:
    data = tmp_path / "org"
    process = subprocess.Popen(
        [sys.executable, "-m", "sfsync", "localorg", "serve", "--port", "0", "--seed", str(SEED), "--data", str(data)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        connection_file = data / "connection.json"
        deadline = time.monotonic() + 30
        while not connection_file.exists() or not connection_file.read_text():
            assert process.poll() is None and time.monotonic() < deadline
            time.sleep(0.1)
        connection = json.loads(connection_file.read_text())
        assert connection_file.stat().st_mode & 0o077 == 0
        session = requests.Session()
        session.verify = connection["ca_file"]
        session.trust_env = False
        response = session.get(
            f"{connection['instance_url']}/services/data/v59.0/limits",
            headers={"Authorization": f"Bearer {connection['access_token']}"},
            timeout=10,
        )
        assert response.status_code == 200
        assert response.headers["Sforce-Limit-Info"] == "api-usage=1/1000000"
    finally:
        process.terminate()
        output, _ = process.communicate(timeout=10)
    assert f"local org serving at {connection['instance_url']}" in output
    assert connection["password"] not in output and connection["access_token"] not in output
