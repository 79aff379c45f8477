"""A local org in its own process (`sfsync localorg serve`), driven through its control API and its database.

The reliability runs keep the org out of the process that kills `apply`, so that a SIGKILL or a fork
never lands on the server's threads. Reads for the invariants go straight to the org's SQLite file
(read-only): they are not subject to fault plans and cost no API calls.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests

SEED = Path(__file__).resolve().parent / "chaos-seed.yaml"
HUMAN = "ada@chaos.local"


@dataclass(frozen=True)
class Connection:
    instance_url: str
    ca_file: str
    username: str
    password: str
    security_token: str
    access_token: str
    admin_token: str
    data_dir: Path

    @classmethod
    def read(cls, data_dir: Path) -> Connection:
        raw = json.loads((data_dir / "connection.json").read_text("utf-8"))
        names = ("instance_url", "ca_file", "username", "password", "security_token", "access_token", "admin_token")
        return cls(**{name: raw[name] for name in names}, data_dir=data_dir)


class OrgProcess:
    """`sfsync localorg serve --port 0` on a data directory; stop it with `stop()`."""

    def __init__(self, data_dir: Path, seed: Path = SEED) -> None:
        self.data_dir = data_dir
        command = [sys.executable, "-m", "sfsync", "localorg", "serve", "--port", "0", "--seed", str(seed)]
        self.process = subprocess.Popen(
            [*command, "--data", str(data_dir)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.connection = self._wait_for_connection()
        self.http = requests.Session()
        self.http.verify = self.connection.ca_file
        self.http.trust_env = False
        self.http.headers["Authorization"] = f"Bearer {self.connection.admin_token}"

    def _wait_for_connection(self) -> Connection:
        path = self.data_dir / "connection.json"
        deadline = time.monotonic() + 60
        while not path.exists():
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the local org did not start: {self.process.communicate()}")
            time.sleep(0.05)
        connection = Connection.read(self.data_dir)
        while True:  # connection.json is written before the server starts answering
            try:
                requests.get(connection.instance_url + "/services/data", verify=connection.ca_file, timeout=5)
                return connection
            except requests.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def stop(self) -> tuple[str, str]:
        """Stop the server; its stdout and stderr."""
        self.http.close()
        self.process.terminate()
        try:
            return self.process.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            return self.process.communicate()

    def control(self, path: str, method: str = "GET", body: Any = None) -> Any:
        url = f"{self.connection.instance_url}/_localorg/{path}"
        response = self.http.request(method, url, json=body, timeout=60)
        response.raise_for_status()
        return response.json()

    def reset(self) -> None:
        self.control("reset", "POST")

    def set_faults(self, rules: list[dict[str, Any]]) -> None:
        self.control("faults", "PUT", rules)

    def clear_faults(self) -> int:
        """Remove the fault plan; how many faults it fired (added latency is not counted as a fault)."""
        rules = self.control("faults")["faults"]
        fired = sum(int(rule["fired"]) for rule in rules if not str(rule["action"]).startswith("latency"))
        self.control("faults", "DELETE")
        return fired

    def create_as_human(self, sobject: str, values: dict[str, Any]) -> str:
        result = self.control(f"records/{sobject}", "POST", {"as": HUMAN, "values": values})
        if not result.get("success"):
            raise RuntimeError(f"the human create failed: {result}")
        return str(result["id"])

    def edit_as_human(self, sobject: str, record_id: str, values: dict[str, Any]) -> bool:
        result = self.control(f"records/{sobject}/{record_id}", "PATCH", {"as": HUMAN, "values": values})
        return bool(result.get("success"))

    @contextlib.contextmanager
    def database(self) -> Iterator[sqlite3.Connection]:
        """The org's own tables, read-only."""
        uri = f"file:{self.data_dir / 'org.db'}?mode=ro"
        connection = sqlite3.connect(uri, uri=True, timeout=30)
        connection.row_factory = sqlite3.Row
        try:
            yield connection
        finally:
            connection.close()

    def live_records(self, sobject: str, fields: list[str]) -> list[dict[str, Any]]:
        columns = ", ".join(f'"{name}"' for name in ["Id", *fields])
        with self.database() as db:
            rows = db.execute(f'SELECT {columns} FROM "{sobject}" WHERE "IsDeleted" = 0').fetchall()  # noqa: S608
        return [dict(row) for row in rows]
