"""What the CLI tests against the local org share: the connection block of their configs, and a working
directory logged in to the session-wide local org (reset after each test)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

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


@pytest.fixture
def org_workdir(local_org: LocalOrgHandle, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """`tmp_path` as the working directory, the `SF_*` variables set for the org, no colour."""
    local_org.use_password_login(monkeypatch)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.delenv("SFSYNC_STORE", raising=False)
    monkeypatch.chdir(tmp_path)
    yield tmp_path
    seeding.reset(local_org.running.app.org)
