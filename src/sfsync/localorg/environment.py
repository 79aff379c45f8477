"""The environment a config's `${SF_…}` references read, for a running local org.

`sfsync localorg env --data DIR` prints it as `export NAME=value` lines for `eval`, so a shell that
started `sfsync localorg serve --data DIR &` a moment ago points every sfsync command at that org.
The values are the local org's own seeded credentials (never a real org's): printing them is the
command's purpose.
"""

from __future__ import annotations

import json
import shlex
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import requests

from sfsync.errors import UsageError

POLL_SECONDS = 0.2
# Variable name → key of connection.json: the names the examples and `sfsync init` configs read.
VARIABLES = (
    ("SF_INSTANCE_URL", "instance_url"),
    ("SF_CA_BUNDLE", "ca_file"),
    ("SF_USERNAME", "username"),
    ("SF_PASSWORD", "password"),
    ("SF_SECURITY_TOKEN", "security_token"),
    ("SF_CLIENT_ID", "consumer_key"),
    ("SF_CLIENT_SECRET", "consumer_secret"),
    ("SF_PRIVATE_KEY_FILE", "private_key_file"),
)


def export_lines(connection: Mapping[str, Any]) -> list[str]:
    """`export NAME=value` for every variable the org has a value for, quoted for a POSIX shell."""
    return [f"export {name}={shlex.quote(str(connection[key]))}" for name, key in VARIABLES if connection.get(key)]


def running_connection(data_dir: Path, wait_seconds: float, clock: Callable[[], float] = time.monotonic) -> Any:
    """connection.json of the org serving from `data_dir`, once that org answers; waits up to `wait_seconds`.

    An org writes the file before it listens and removes an old one before it starts, so waiting
    covers an org that is still starting; a file whose org does not answer (it was stopped) is
    refused rather than printed, since its values would point at nothing.
    """
    path = data_dir / "connection.json"
    deadline = clock() + wait_seconds
    while True:
        connection = _read(path)
        if connection is not None and _answers(connection):
            return connection
        if clock() >= deadline:
            raise _not_running(data_dir, path, connection)
        time.sleep(POLL_SECONDS)


def _read(path: Path) -> Any:
    try:
        return json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):  # not written yet (it is replaced atomically, never half-written)
        return None


def _answers(connection: Mapping[str, Any]) -> bool:
    """The org answers over TLS with this file's certificate (an old file's certificate fails here)."""
    session = requests.Session()
    session.trust_env = False  # REQUESTS_CA_BUNDLE would otherwise replace the org's certificate
    try:
        response = session.get(f"{connection['instance_url']}/services/data", verify=connection["ca_file"], timeout=5)
    except (requests.RequestException, KeyError, OSError):
        return False
    finally:
        session.close()
    return response.status_code == 200


def _not_running(data_dir: Path, path: Path, connection: Any) -> UsageError:
    start = f"start one with `sfsync localorg serve --data {data_dir}`"
    if connection is None:
        return UsageError(f"no local org is running in {data_dir}: {start}")
    where = connection.get("instance_url", "its instance URL") if isinstance(connection, dict) else "its instance URL"
    return UsageError(f"the local org of {path} does not answer at {where}: it was stopped; {start}")
