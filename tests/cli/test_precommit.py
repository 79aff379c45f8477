"""The published hooks, and the local hooks docs/config.md gives for an installed sfsync, run by the real
pre-commit on a throwaway repository.

For the published hooks pre-commit builds the hooks' environment by installing this project from a git
repository; the project is copied into a fresh one so the test sees the working tree, committed or not.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

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


def documented_local_hooks() -> str:
    """The `.pre-commit-config.yaml` of docs/config.md's pre-commit section, as written there."""
    section = (ROOT / "docs/config.md").read_text(encoding="utf-8").split("\n## pre-commit\n", 1)[1]
    block = re.search(r"```yaml\n(.*?)```", section, re.DOTALL)
    assert block is not None
    return block.group(1)


def test_the_documented_local_hooks_are_the_published_ones() -> None:
    published = {h["id"]: h for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))}
    (repo,) = yaml.safe_load(documented_local_hooks())["repos"]
    assert repo["repo"] == "local"
    assert {h["id"] for h in repo["hooks"]} == set(published)
    for hook in repo["hooks"]:
        assert hook["language"] == "system"  # the sfsync installed in the project's environment
        same = ("name", "entry", "types", "files")
        assert {k: hook[k] for k in same} == {k: published[hook["id"]][k] for k in same}


def test_the_documented_local_hooks_run_the_installed_sfsync(project: Path, tmp_path: Path) -> None:
    (project / ".pre-commit-config.yaml").write_text(documented_local_hooks(), encoding="utf-8")
    (project / "bad").mkdir()
    shutil.copy(ROOT / "tests/cases/invalid/unknown-workspace-field.yaml", project / "bad/sfsync.yaml")
    (project / "good/sfsync.yaml").write_text(UNFORMATTED, encoding="utf-8")
    commit_all(project)
    path = os.pathsep.join([str(Path(sys.executable).parent), os.environ["PATH"]])  # the environment, active
    env = {**os.environ, **GIT_ENV, "PRE_COMMIT_COLOR": "never", "PRE_COMMIT_HOME": str(tmp_path / "cache")}
    command = [str(PRE_COMMIT), "run", "--all-files"]
    result = subprocess.run(command, cwd=project, env={**env, "PATH": path}, capture_output=True, text=True)
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert 'bad/sfsync.yaml:10:12: error: unknown workspace field "person.emial"' in output
    assert re.search(r"sfsync fmt\.+Failed", output) and "files were modified by this hook" in output
    assert (project / "good/sfsync.yaml").read_text(encoding="utf-8") == FORMATTED
    assert "notes.yaml" not in output
