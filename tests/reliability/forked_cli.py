"""`sfsync` commands in forked children: no interpreter start-up per command, and a real process to SIGKILL.

The parent imports sfsync once; each child changes directory and environment, sends its output to
files and runs the CLI's own entry point (`sfsync.cli.run`), exactly as the `sfsync` script does.
Fork only from a process without threads of its own (the chaos driver), never from inside pytest.
"""

from __future__ import annotations

import os
import signal
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import sfsync.cli
import sfsync.commands.apply
import sfsync.commands.plan  # imported before forking, so that children start at once


@dataclass(frozen=True)
class Finished:
    args: tuple[str, ...]
    code: int  # the exit code, or -9 when the child was killed
    stdout: str
    stderr: str

    @property
    def killed(self) -> bool:
        return self.code == -signal.SIGKILL


class Child:
    """A running `sfsync` command."""

    def __init__(self, args: tuple[str, ...], pid: int, out: Path, err: Path) -> None:
        self.args, self.pid, self._out, self._err = args, pid, out, err
        self._status: int | None = None

    def poll(self) -> bool:
        if self._status is None:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self._status = status
        return self._status is not None

    def kill(self) -> None:
        if not self.poll():
            os.kill(self.pid, signal.SIGKILL)

    def killed_after(self, seconds: float | None) -> bool:
        """SIGKILL the command if it still runs `seconds` from now (never, for None); whether it was killed."""
        if seconds is None:
            return False
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and not self.poll():
            time.sleep(0.005)
        if self.poll():
            return False
        self.kill()
        return True

    def wait(self, timeout: float = 600) -> Finished:
        deadline = time.monotonic() + timeout
        while not self.poll():
            if time.monotonic() > deadline:
                self.kill()
                raise TimeoutError(f"sfsync {' '.join(self.args)} ran for more than {timeout}s")
            time.sleep(0.01)
        assert self._status is not None
        code = os.waitstatus_to_exitcode(self._status)
        read = lambda path: path.read_text("utf-8", errors="replace")  # noqa: E731
        return Finished(self.args, code, read(self._out), read(self._err))


def start(args: tuple[str, ...], cwd: Path, env: dict[str, str], logs: Path) -> Child:
    """Fork a child running `sfsync ARGS` in `cwd` with exactly `env`."""
    logs.mkdir(parents=True, exist_ok=True)
    stamp = f"{time.monotonic_ns()}"
    out, err = logs / f"{stamp}.out", logs / f"{stamp}.err"
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        code = 3
        try:
            os.chdir(cwd)
            os.environ.clear()
            os.environ.update(env)
            for fd, path in ((1, out), (2, err)):
                handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
                os.dup2(handle, fd)
                os.close(handle)
            code = sfsync.cli.run(list(args))
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(code)
    return Child(args, pid, out, err)


def run(args: tuple[str, ...], cwd: Path, env: dict[str, str], logs: Path, timeout: float = 600) -> Finished:
    return start(args, cwd, env, logs).wait(timeout)
