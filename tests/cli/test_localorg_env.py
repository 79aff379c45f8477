"""`sfsync localorg env` prints the `export SF_…` lines a config's `${VAR}` references read, for a running
local org, waiting for one that is still starting; both shipped auth methods log in with them."""

from __future__ import annotations

import shlex
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from cli_org import serving

from sfsync.cli import run
from sfsync.localorg.testing import LocalOrgHandle

pytestmark = pytest.mark.org
NAMES = (
    "SF_INSTANCE_URL",
    "SF_CA_BUNDLE",
    "SF_USERNAME",
    "SF_PASSWORD",
    "SF_SECURITY_TOKEN",
    "SF_CLIENT_ID",
    "SF_CLIENT_SECRET",
    "SF_PRIVATE_KEY_FILE",
)
JWT_CONFIG = """\
version: 1
connection:
  instance_url: ${SF_INSTANCE_URL}
  ca_bundle: ${SF_CA_BUNDLE}
  auth:
    method: jwt
    username: ${SF_USERNAME}
    client_id: ${SF_CLIENT_ID}
    private_key_file: ${SF_PRIVATE_KEY_FILE}
store: sqlite:///sfsync.db
mappings:
  Lead:
    Email: {from: person.email, direction: read}
"""


def exported(text: str) -> dict[str, str]:
    """What `eval "$(sfsync localorg env …)"` sets, read back the way a shell reads it."""
    lines = text.splitlines()
    assert lines and all(line.startswith("export ") for line in lines), text
    pairs = [shlex.split(line.removeprefix("export "))[0].split("=", 1) for line in lines]
    return {name: value for name, value in pairs}


def test_env_prints_what_the_configs_read(
    local_org: LocalOrgHandle, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["localorg", "env", "--data", str(local_org.data_dir)]) == 0
    env = exported(capsys.readouterr().out)
    assert tuple(env) == NAMES
    assert env["SF_INSTANCE_URL"] == local_org.instance_url and env["SF_CA_BUNDLE"] == str(local_org.ca_file)
    assert (env["SF_USERNAME"], env["SF_PASSWORD"]) == (local_org.username, local_org.password)
    assert env["SF_PRIVATE_KEY_FILE"] == local_org.private_key_file
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "sfsync.yaml").write_text(JWT_CONFIG, encoding="utf-8")
    assert run(["doctor"]) == 0  # a JWT bearer login with the org's own key
    assert f"connected to {local_org.instance_url} as integration@acme.local" in capsys.readouterr().out


def test_env_in_a_shell_waits_for_an_org_that_is_starting(tmp_path: Path) -> None:
    """`serve … &` then `eval "$(sfsync localorg env …)"` at once: env waits until the org answers."""
    sfsync = Path(sys.executable).with_name("sfsync")
    script = f'eval "$({sfsync} localorg env --data org)"; printf "%s\\n" "$SF_INSTANCE_URL"'
    result: dict[str, subprocess.CompletedProcess[str]] = {}

    def shell() -> None:
        result["done"] = subprocess.run(["bash", "-c", script], cwd=tmp_path, capture_output=True, text=True)

    waiting = threading.Thread(target=shell)
    waiting.start()
    time.sleep(1)  # env is waiting before the org starts
    with serving("--data", "org", cwd=tmp_path) as (_, connection):
        waiting.join(timeout=60)
    assert result["done"].returncode == 0, result["done"].stderr
    assert result["done"].stdout.strip() == connection["instance_url"]


def test_env_without_an_org_says_how_to_start_one(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["localorg", "env", "--data", str(tmp_path / "none"), "--wait", "0"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == (
        f"error: no local org is running in {tmp_path / 'none'}: "
        f"start one with `sfsync localorg serve --data {tmp_path / 'none'}`\n"
    )


def test_env_refuses_an_org_that_stopped(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A connection.json left behind by an org that is no longer running is not printed."""
    with serving("--data", "org", cwd=tmp_path):
        pass
    assert (tmp_path / "org" / "connection.json").exists()
    assert run(["localorg", "env", "--data", str(tmp_path / "org"), "--wait", "0"]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"error: the local org of {tmp_path / 'org' / 'connection.json'} does not answer at https://")
    assert "password" not in err
