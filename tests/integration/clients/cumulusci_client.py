"""CumulusCI (`cci`), installed from tests/cumulusci-requirements.txt and run against an org.

`install()` makes a virtualenv of its own in the git-ignored tests/.cumulusci/ and installs the pinned,
hashed requirements into it, once per requirements file: the stamp holds the file's digest, so a later
run on the same machine installs nothing. Concurrent test workers wait on one file lock, so only one
of them installs. sfsync's own virtualenv is never touched: CumulusCI pins SQLAlchemy 1.4 and its
own simple-salesforce.

`CumulusCI` runs `cci` the way a CI job connects a persistent org without a keychain (CumulusCI's
"Continuous integration" docs): `CUMULUSCI_ORG_<name>` holds the org's `instance_url` and `username`,
`SFDX_CLIENT_ID` and `SFDX_HUB_KEY` the connected app's consumer key and private key, and CumulusCI
logs in with the JWT bearer flow at the org's own token endpoint. `HOME` is a folder of the test's,
so CumulusCI's keychain files stay there, and a fresh version-check stamp keeps it from asking PyPI.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import subprocess
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

TESTS = Path(__file__).resolve().parents[2]
REQUIREMENTS = TESTS / "cumulusci-requirements.txt"
HOME = TESTS / ".cumulusci"
ORG_NAME = "local"
_INSTALL_TIMEOUT = 900
_RUN_TIMEOUT = 300
# What pip prints when it cannot reach the package index at all (no network, no resolver, a proxy
# refusing): then the tests are skipped with pip's words. Any other failure of the install is an error.
_UNREACHABLE = (
    "Failed to establish a new connection",
    "Temporary failure in name resolution",
    "Name or service not known",
    "Network is unreachable",
    "No route to host",
    "Connection refused",
    "ConnectTimeoutError",
    "Read timed out",
    "ProxyError",
    "No matching distribution found",
)


class CumulusCIUnavailable(RuntimeError):
    """CumulusCI cannot be installed here because the package index is out of reach."""


class ClientFailed(AssertionError):
    """A `cci` command that exited otherwise than the test expected."""


def install() -> Path:
    """The pinned `cci` executable, installing it first when the requirements file changed."""
    HOME.mkdir(exist_ok=True)
    digest = hashlib.sha256(REQUIREMENTS.read_bytes()).hexdigest()
    venv, stamp = HOME / "venv", HOME / ".installed"
    with (HOME / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not stamp.exists() or stamp.read_text() != digest:
            stamp.unlink(missing_ok=True)
            _install_into(venv)
            stamp.write_text(digest)
    return venv / "bin" / "cci"


def _install_into(venv: Path) -> None:
    _run_install([sys.executable, "-m", "venv", "--clear", str(venv)], f"make the virtualenv {venv}")
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    _run_install([*pip, "--require-hashes", "--no-deps", "-r", str(REQUIREMENTS)], f"install {REQUIREMENTS.name}")


def _run_install(argv: list[str], what: str) -> None:
    done = subprocess.run(argv, capture_output=True, text=True, timeout=_INSTALL_TIMEOUT, check=False)
    if done.returncode == 0:
        return
    output = f"{done.stdout}\n{done.stderr}"
    detail = "\n".join(line for line in output.splitlines() if line.strip() and "is ignored" not in line)[-1500:]
    if any(marker in output for marker in _UNREACHABLE):
        raise CumulusCIUnavailable(f"CumulusCI cannot be installed: the package index is out of reach.\n{detail}")
    raise RuntimeError(f"could not {what} for CumulusCI:\n{detail}")


@dataclass(frozen=True)
class OrgLogin:
    """What a CI job knows of a persistent org: where it is, who to be, and the JWT app's key."""

    instance_url: str
    username: str
    consumer_key: str
    private_key_file: Path
    ca_file: Path


@dataclass(frozen=True)
class Done:
    """One finished `cci` command: its exit code, its standard output, and everything it printed."""

    exit_code: int
    stdout: str
    output: str


@dataclass(frozen=True)
class CumulusCI:
    """Runs the installed `cci` in `project` (a git repository with a `cumulusci.yml`) against one org."""

    cci: Path
    home: Path  # CumulusCI's ~/.cumulusci (keychain, logs) lives here, away from the user's own
    project: Path
    login: OrgLogin

    def environment(self) -> dict[str, str]:
        keep = {k: v for k, v in os.environ.items() if not k.startswith(("CUMULUSCI_", "SFDX_", "SF_", "REQUESTS_"))}
        (self.home / ".cumulusci").mkdir(parents=True, exist_ok=True)
        (self.home / ".cumulusci" / "cumulus_timestamp").write_text(str(time.time()), "utf-8")
        org = {"instance_url": self.login.instance_url, "username": self.login.username}
        return keep | {
            "HOME": str(self.home),
            f"CUMULUSCI_ORG_{ORG_NAME}": json.dumps(org),
            "SFDX_CLIENT_ID": self.login.consumer_key,
            "SFDX_HUB_KEY": self.login.private_key_file.read_text("utf-8"),
            "REQUESTS_CA_BUNDLE": str(self.login.ca_file),  # requests (inside CumulusCI) trusts the org's CA
            "NO_COLOR": "1",
            "COLUMNS": "200",
        }

    def run(self, *args: str, env: Mapping[str, str] | None = None, expect_error: bool = False) -> Done:
        """`cci ARGS` in the project; a non-zero exit fails unless `expect_error` (then a zero one does)."""
        done = subprocess.run(
            [str(self.cci), *args],
            cwd=self.project,
            env=self.environment() | dict(env or {}),
            capture_output=True,
            text=True,
            timeout=_RUN_TIMEOUT,
            check=False,
        )
        result = Done(done.returncode, done.stdout, f"{done.stdout}\n{done.stderr}")
        if (result.exit_code != 0) != expect_error:
            raise ClientFailed(f"cci {' '.join(args)} exited {result.exit_code}:\n{result.output[-4000:]}")
        return result

    def task(self, name: str, *, expect_error: bool = False, **options: str) -> Done:
        """`cci task run NAME --org local -o KEY VALUE …`."""
        pairs = [item for key, value in options.items() for item in ("-o", key, value)]
        return self.run("task", "run", name, "--org", ORG_NAME, *pairs, expect_error=expect_error)

    def org_info(self, env: Mapping[str, str] | None = None) -> dict[str, Any]:
        """`cci org info local --json`: the org as CumulusCI connected to it."""
        stdout = self.run("org", "info", ORG_NAME, "--json", env=env).stdout
        # The JSON follows the log lines CumulusCI prints first (the keyring's warning, for one).
        info: dict[str, Any] = json.loads(stdout[stdout.index("\n{") :])
        return info
