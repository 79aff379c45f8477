"""The real Node.js clients (Salesforce CLI, jsforce), installed from tests/package.json and run against an org.

`install()` puts the pinned packages (package.json + package-lock.json, which also pin the Node.js
runtime the CLI needs) into the git-ignored tests/.node with `npm ci`, once per lock file: a later
run on the same machine finds the stamp and installs nothing. Concurrent test workers wait on one
file lock, so only one of them installs.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

TESTS = Path(__file__).resolve().parents[2]
NODE_HOME = TESTS / ".node"
SCRIPTS = Path(__file__).resolve().parent / "js"
_MANIFESTS = ("package.json", "package-lock.json")
_INSTALL_TIMEOUT = 900


class ClientFailed(AssertionError):
    """A client command that exited non-zero or printed something that is not its JSON result."""


def missing_tools() -> str | None:
    """Why the clients cannot run here (no node or npm on PATH), or None."""
    missing = [tool for tool in ("node", "npm") if shutil.which(tool) is None]
    return f"{' and '.join(missing)} not on PATH: the real Node.js clients cannot be installed" if missing else None


def install() -> Path:
    """The `.bin` folder of the installed clients, installing them first when the lock file changed."""
    NODE_HOME.mkdir(exist_ok=True)
    digest = hashlib.sha256(b"".join((TESTS / name).read_bytes() for name in _MANIFESTS)).hexdigest()
    stamp = NODE_HOME / ".installed"
    with (NODE_HOME / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not stamp.exists() or stamp.read_text() != digest:
            for name in _MANIFESTS:
                shutil.copyfile(TESTS / name, NODE_HOME / name)
            command = ["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"]
            done = subprocess.run(
                command, cwd=NODE_HOME, capture_output=True, text=True, timeout=_INSTALL_TIMEOUT, check=False
            )
            if done.returncode != 0:
                raise RuntimeError(f"npm ci failed in {NODE_HOME}:\n{done.stdout}\n{done.stderr}")
            stamp.write_text(digest)
    return NODE_HOME / "node_modules" / ".bin"


@dataclass(frozen=True)
class NodeClients:
    """Runs the installed clients with the org's CA trusted and no user configuration read."""

    bin_dir: Path
    home: Path  # the CLI's ~/.sf and ~/.sfdx live here, away from the user's own orgs
    ca_file: Path
    instance_url: str

    def environment(self) -> dict[str, str]:
        keep = {k: v for k, v in os.environ.items() if not k.startswith(("SF_", "SFDX_", "NODE_"))}
        return keep | {
            "PATH": f"{self.bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",  # the pinned node comes first
            "HOME": str(self.home),
            "XDG_CONFIG_HOME": str(self.home / ".config"),
            "XDG_DATA_HOME": str(self.home / ".local" / "share"),
            "XDG_CACHE_HOME": str(self.home / ".cache"),
            "NODE_EXTRA_CA_CERTS": str(self.ca_file),
            "NODE_PATH": str(self.bin_dir.parent),  # where the scripts' require() finds jsforce
            "SF_ORG_INSTANCE_URL": self.instance_url,
            "SF_DISABLE_TELEMETRY": "true",
            "SF_AUTOUPDATE_DISABLE": "true",
            "SF_DISABLE_AUTOUPDATE": "true",  # oclif's name: without it the CLI spawns `sf update` in the background
            "SF_SKIP_NEW_VERSION_CHECK": "true",
            "SF_HIDE_RELEASE_NOTES": "true",
            "SF_USE_PROGRESS_BAR": "false",
            "SF_DISABLE_LOG_FILE": "true",
            "NO_COLOR": "1",
        }

    def sf(
        self, *args: str, cwd: Path | None = None, expect_error: bool = False, env: Mapping[str, str] | None = None
    ) -> dict[str, Any]:
        """`sf ARGS --json`: its parsed output; a non-zero exit fails unless `expect_error`."""
        done = self.run([str(self.bin_dir / "sf"), *args, "--json"], cwd=cwd, env=env)
        try:
            body: dict[str, Any] = json.loads(done.stdout)
        except ValueError as error:
            raise ClientFailed(f"sf {' '.join(args)} printed no JSON:\n{done.stdout}\n{done.stderr}") from error
        if (done.returncode != 0) != expect_error:
            raise ClientFailed(f"sf {' '.join(args)} exited {done.returncode}:\n{json.dumps(body, indent=1)[:4000]}")
        return body

    def sf_text(self, *args: str, cwd: Path | None = None) -> str:
        """`sf ARGS` as a user sees it (for `--result-format csv`), failing on a non-zero exit."""
        done = self.run([str(self.bin_dir / "sf"), *args], cwd=cwd)
        if done.returncode != 0:
            raise ClientFailed(f"sf {' '.join(args)} exited {done.returncode}:\n{done.stdout}\n{done.stderr}")
        return done.stdout

    def script(self, name: str, payload: Mapping[str, Any]) -> dict[str, Any]:
        """Run `js/NAME.cjs` with `payload` as JSON on stdin; its stdout is one JSON object."""
        done = self.run([str(self.bin_dir / "node"), str(SCRIPTS / f"{name}.cjs")], stdin=json.dumps(payload))
        if done.returncode != 0:
            raise ClientFailed(f"{name}.cjs exited {done.returncode}:\n{done.stdout}\n{done.stderr}")
        result: dict[str, Any] = json.loads(done.stdout)
        return result

    def run(
        self,
        command: list[str],
        *,
        cwd: Path | None = None,
        stdin: str | None = None,
        env: Mapping[str, str] | None = None,
    ) -> Any:
        return subprocess.run(
            command,
            cwd=cwd or self.home,
            env=self.environment() | dict(env or {}),
            input=stdin,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
