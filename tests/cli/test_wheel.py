"""The wheel the README says to build: the README's own command builds it, it is the file the GitHub Actions
example installs, and the sfsync it holds serves the local org from any directory with the seed it ships."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from cli_org import serving
from ruamel.yaml import YAML

from sfsync import __version__

pytestmark = pytest.mark.org
ROOT = Path(__file__).resolve().parents[2]
WHEEL = f"sfsync-{__version__}-py3-none-any.whl"


def readme_build_command() -> str:
    """The line of the README's Install section that builds the wheel, as written there."""
    section = ROOT.joinpath("README.md").read_text(encoding="utf-8").split("\n## Install\n", 1)[1].split("\n## ")[0]
    (line,) = [line for line in section.splitlines() if line.startswith("pip wheel ")]
    return line


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Built from a copy of the project (the build writes build/ and *.egg-info next to the sources)."""
    checkout = tmp_path_factory.mktemp("checkout")
    shutil.copytree(ROOT / "src", checkout / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, checkout / name)
    active = {**os.environ, "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ["PATH"]])}
    done = subprocess.run(
        ["bash", "-e", "-c", readme_build_command()], cwd=checkout, env=active, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr
    built = sorted((checkout / "dist").glob("*.whl"))
    assert [w.name for w in built] == [WHEEL]
    return built[0]


def test_the_wheel_is_the_one_the_readme_and_the_workflow_name(wheel: Path) -> None:
    assert WHEEL in ROOT.joinpath("README.md").read_text(encoding="utf-8")
    workflow = YAML(typ="safe").load(ROOT.joinpath("examples/github-actions/sfsync.yml").read_text(encoding="utf-8"))
    assert Path(workflow["env"]["SFSYNC_WHEEL"]).name == wheel.name


def test_the_wheel_serves_the_local_org_from_any_directory(wheel: Path, tmp_path: Path) -> None:
    installed = tmp_path / "site-packages"
    with zipfile.ZipFile(wheel) as archive:
        assert "sfsync/localorg/default_seed.yaml" in archive.namelist()
        archive.extractall(installed)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**os.environ, "PYTHONPATH": str(installed)}  # ahead of the checkout this virtualenv has installed
    where = subprocess.run(
        [sys.executable, "-c", "import sfsync.localorg.seed as s; print(s.DEFAULT_SEED)"],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert Path(where.stdout.strip()) == installed / "sfsync" / "localorg" / "default_seed.yaml"
    with serving("--data", "org", cwd=elsewhere, env=env) as (_, connection):
        assert connection["username"] == "integration@acme.local"
        assert re.fullmatch(r"https://127\.0\.0\.1:\d+", connection["instance_url"])
