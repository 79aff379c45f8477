"""Running `sfsync` as a person at a terminal: its stderr on a pseudo-terminal, read as it is drawn."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class TerminalRun:
    returncode: int
    stdout: str  # a pipe, as when the plan is redirected
    terminal: str  # what stderr drew on the terminal, ANSI codes and all


def run_on_terminal(args: list[str], cwd: Path, env: Mapping[str, str] | None = None) -> TerminalRun:
    """`sfsync ARGS` with stderr on a pty (stdin is not a terminal); `CI` is removed from the environment."""
    environ = {k: v for k, v in (os.environ if env is None else env).items() if k != "CI"}
    master, slave = pty.openpty()
    drawn: list[bytes] = []
    reader = threading.Thread(target=_drain, args=(master, drawn))  # a pty's buffer is small: read as drawn
    reader.start()
    try:
        done = subprocess.run(
            [sys.executable, "-m", "sfsync", *args],
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=slave,
            env=environ,
            timeout=120,
            check=False,
        )
    finally:
        os.close(slave)
        reader.join(timeout=30)
        os.close(master)
    terminal = b"".join(drawn).decode("utf-8", errors="replace")
    return TerminalRun(done.returncode, done.stdout.decode("utf-8", errors="replace"), terminal)


def _drain(fd: int, into: list[bytes]) -> None:
    while True:
        try:
            chunk = os.read(fd, 65536)
        except OSError:  # the other end is closed
            return
        if not chunk:
            return
        into.append(chunk)
