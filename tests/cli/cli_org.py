"""What the CLI tests against the local org share: the connection block of their configs, a working
directory logged in to the session-wide local org (reset after each test), and `sfsync localorg serve`
run as a process."""

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

from sfsync.localorg import seeding
from sfsync.localorg.testing import LocalOrgHandle

# A config's head: the local org by password login, and a SQLite store in the working directory.
PASSWORD_LOGIN = """\
version: 1
connection:
  instance_url: ${SF_INSTANCE_URL}
  ca_bundle: ${SF_CA_BUNDLE}
  auth:
    method: password
    username: ${SF_USERNAME}
    password: ${SF_PASSWORD}
    security_token: ${SF_SECURITY_TOKEN}
store: sqlite:///sfsync.db
"""


def initech_leads(*, write: str = "true", extra: str = "") -> str:
    """A Leads config writing everyone at initech.example; `extra` adds lines to the Lead mapping."""
    return (
        PASSWORD_LOGIN
        + f"""\
sync: {{write: {write}, person_object: leads}}
mappings:
  Lead:
    Email: {{from: person.email, direction: read_write}}
    LastName: person.last_name
    Company: company.name
{extra}defaults:
  Lead: {{Company: "{{{{ company.name or '[not provided]' }}}}"}}
plays:
  - name: everyone
    audience: {{object: person, where: {{field: person.email, op: ends_with, value: initech.example}}}}
    sync_to_salesforce: {{}}
"""
    )


@pytest.fixture
def org_workdir(local_org: LocalOrgHandle, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """`tmp_path` as the working directory, the `SF_*` variables set for the org, no colour."""
    local_org.use_password_login(monkeypatch)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.delenv("SFSYNC_STORE", raising=False)
    monkeypatch.chdir(tmp_path)
    yield tmp_path
    seeding.reset(local_org.running.app.org)


@contextmanager
def serving(
    *args: str, cwd: Path | None = None, env: dict[str, str] | None = None
) -> Iterator[tuple[subprocess.Popen[str], dict[str, Any]]]:
    """`sfsync localorg serve --port 0 ARGS` until connection.json is written; stopped on exit."""
    data = Path(args[args.index("--data") + 1]) if "--data" in args else None
    process = subprocess.Popen(
        [sys.executable, "-m", "sfsync", "localorg", "serve", "--port", "0", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=cwd,
        env=env,
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
