"""CumulusCI, pinned, in its own virtualenv under `benchmarks/.peers/` (git-ignored), made on first use.

CumulusCI is what a Salesforce team would run instead of sfsync; it is never a dependency of sfsync.
Its virtualenv keeps its pins (SQLAlchemy 1.4, its own simple-salesforce) away from sfsync's.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from sfsync_bench.org import ROOT

CUMULUSCI_VERSION = "4.10.1"
PEER_DIR = ROOT / "benchmarks" / ".peers" / "cumulusci"
INSTALL_TIMEOUT_SECONDS = 900


class PeerUnavailable(RuntimeError):
    """The peer could not be installed; the message says what failed and how to install it by hand."""


def cumulusci() -> Path:
    """The pinned `cci` executable, installing it first when it is missing or another version."""
    venv = PEER_DIR / "venv"
    cci, marker = venv / "bin" / "cci", venv / "installed-version"
    if cci.exists() and marker.exists() and marker.read_text("utf-8").strip() == CUMULUSCI_VERSION:
        return cci
    where = venv.relative_to(ROOT) if venv.is_relative_to(ROOT) else venv
    print(f"installing CumulusCI {CUMULUSCI_VERSION} into {where} (once) …", flush=True)
    _run([sys.executable, "-m", "venv", "--clear", str(venv)], "create its virtualenv")
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    _run([*pip, f"cumulusci=={CUMULUSCI_VERSION}"], f"pip install cumulusci=={CUMULUSCI_VERSION}")
    marker.write_text(CUMULUSCI_VERSION + "\n", "utf-8")
    return cci


def _run(argv: list[str], what: str) -> None:
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=INSTALL_TIMEOUT_SECONDS, check=False)
    except (OSError, subprocess.TimeoutExpired) as error:
        raise PeerUnavailable(_message(what, str(error))) from error
    if done.returncode != 0:
        raise PeerUnavailable(_message(what, (done.stderr or done.stdout)[-2000:]))


def _message(what: str, detail: str) -> str:
    return (
        f"CumulusCI is not available: could not {what}.\n{detail.strip()}\n"
        f"The peer comparison needs PyPI (or a mirror pip is configured for). To install it by hand: "
        f"python3 -m venv {PEER_DIR / 'venv'} && {PEER_DIR / 'venv' / 'bin' / 'pip'} install "
        f"cumulusci=={CUMULUSCI_VERSION}; or run the benchmark without --peer."
    )
