"""The published hooks, run by the real pre-commit on a throwaway repository.

pre-commit builds the hooks' environment by installing this project from a git repository; the
project is copied into a fresh one so the test sees the working tree, committed or not.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRE_COMMIT = Path(sys.executable).with_name("pre-commit")
GIT_ENV = {
    "GIT_AUTHOR_NAME": "sfsync tests",
    "GIT_AUTHOR_EMAIL": "tests@sfsync.invalid",
    "GIT_COMMITTER_NAME": "sfsync tests",
    "GIT_COMMITTER_EMAIL": "tests@sfsync.invalid",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
}
FORMATTED = (ROOT / "examples/quickstart/sfsync.yaml").read_text(encoding="utf-8")
UNFORMATTED = FORMATTED.replace('api_version: "59.0"', "api_version: '59.0'").replace("read: true", "read:   true")


def git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, env={**os.environ, **GIT_ENV})


def make_repo(path: Path) -> Path:
    path.mkdir(parents=True)
    git(path, "init", "-q", "-b", "main")
    return path


def commit_all(path: Path) -> None:
    git(path, "add", "-A")
    git(path, "commit", "-q", "-m", "snapshot")


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    repo = make_repo(tmp_path_factory.mktemp("hooks") / "sfsync")
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info", "*.pyc")
    shutil.copytree(ROOT / "src", repo / "src", ignore=ignore)
    for name in ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml"):
        shutil.copy(ROOT / name, repo / name)
    commit_all(repo)
    return repo


@pytest.fixture
def project(tmp_path: Path) -> Path:
    repo = make_repo(tmp_path / "project")
    (repo / "good").mkdir()
    (repo / "good/sfsync.yaml").write_text(FORMATTED, encoding="utf-8")
    (repo / "notes.yaml").write_text("not:   [an, sfsync, config]\n", encoding="utf-8")
    return repo


def try_repo(project: Path, hook_repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`pre-commit try-repo` builds a fresh hook environment each time (about a minute): keep calls few."""
    commit_all(project)
    env = {**os.environ, **GIT_ENV, "PRE_COMMIT_COLOR": "never"}
    command = [str(PRE_COMMIT), "try-repo", str(hook_repo), *args]
    return subprocess.run(command, cwd=project, env=env, capture_output=True, text=True, timeout=900, check=False)


def test_hooks_fail_on_an_invalid_or_unformatted_config(project: Path, hook_repo: Path) -> None:
    (project / "bad").mkdir()
    shutil.copy(ROOT / "tests/cases/invalid/unknown-workspace-field.yaml", project / "bad/sfsync.yaml")
    (project / "good/sfsync.yaml").write_text(UNFORMATTED, encoding="utf-8")

    result = try_repo(project, hook_repo, "--all-files")  # no hook id: both sfsync-validate and sfsync-fmt
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert re.search(r"sfsync validate\.+Failed", output), output
    assert 'bad/sfsync.yaml:10:12: error: unknown workspace field "person.emial"' in output
    assert "good/sfsync.yaml:" not in output and "notes.yaml" not in output
    assert re.search(r"sfsync fmt\.+Failed", output) and "files were modified by this hook" in output
    assert (project / "good/sfsync.yaml").read_text(encoding="utf-8") == FORMATTED
    assert (project / "notes.yaml").read_text(encoding="utf-8") == "not:   [an, sfsync, config]\n"


def test_hooks_pass_on_a_valid_formatted_config(project: Path, hook_repo: Path) -> None:
    result = try_repo(project, hook_repo, "--all-files")
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert re.search(r"sfsync validate\.+Passed", output) and re.search(r"sfsync fmt\.+Passed", output), output
