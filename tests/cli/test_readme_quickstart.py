"""The README's Quickstart runs as written: its shell blocks, word for word, in a copy of the repository,
against the local org they start themselves, and they leave nothing for git to see."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.org
ROOT = Path(__file__).resolve().parents[2]
BLOCK = re.compile(r"^```sh\n(.*?)^```$", re.MULTILINE | re.DOTALL)


def quickstart() -> str:
    """The shell blocks of the README's Quickstart section, in order."""
    readme = ROOT.joinpath("README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Quickstart\n", 1)[1].split("\n## ", 1)[0]
    blocks = BLOCK.findall(section)
    assert blocks, "the Quickstart has no sh block"
    return "\n".join(blocks)


def git(repo: Path, *args: str) -> str:
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    identity = ["-c", "user.name=sfsync tests", "-c", "user.email=tests@sfsync.invalid"]
    done = subprocess.run(["git", *identity, *args], cwd=repo, env=env, capture_output=True, text=True, check=True)
    return done.stdout


def checkout_copy(target: Path) -> Path:
    """The working tree as git sees it (committed or not, ignored files left out), as a fresh repository whose
    `.venv` is the virtualenv running these tests."""
    listed = git(ROOT, "ls-files", "--cached", "--others", "--exclude-standard", "-z").split("\0")
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    (target / ".venv").symlink_to(Path(sys.prefix), target_is_directory=True)
    git(target, "init", "-q", "-b", "main")
    git(target, "add", "-A")
    git(target, "commit", "-q", "-m", "checkout")
    return target


def shell_environment() -> dict[str, str]:
    """A user's shell: no virtualenv active, no sfsync variables set; the org on a free port, not 8443."""
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("SF_", "SFSYNC_")) and k != "VIRTUAL_ENV"}
    venv_bin = str(Path(sys.prefix) / "bin")
    keep["PATH"] = os.pathsep.join(p for p in keep.get("PATH", "").split(os.pathsep) if p != venv_bin)
    return {**keep, "SFSYNC_LOCALORG_PORT": "0", "NO_COLOR": "1"}


def test_the_quickstart_runs_as_written_and_leaves_nothing_untracked(tmp_path: Path) -> None:
    script = quickstart()
    assert "sfsync localorg env" in script and "connection.json" not in script
    repo = checkout_copy(tmp_path / "sfsync")
    shell = subprocess.Popen(
        ["bash", "-e", "-u", "-o", "pipefail", "-c", script],
        cwd=repo,
        env=shell_environment(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # its own process group: nothing it started outlives the test
    )
    try:
        output, _ = shell.communicate(timeout=600)
    finally:
        with contextlib.suppress(ProcessLookupError):  # the script stopped its org itself
            os.killpg(shell.pid, signal.SIGTERM)
    assert shell.returncode == 0, output
    assert "Plan: 26 to create, 0 to update" in output and "Apply complete: 26 written." in output
    assert "No changes to write." in output
    assert git(repo, "status", "--porcelain", "--untracked-files=all") == ""
