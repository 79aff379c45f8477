"""The end-to-end demo behind `make demo`.

Starts a local org (HTTPS on localhost) with the seed shipped with sfsync plus the demo records,
loads `examples/data/*.csv` into a fresh store (companies, people, then the emails they sent and
received), then runs, on `examples/quickstart/sfsync.yaml`: `validate` → `plan -o plan.json` →
`apply plan.json` (the Leads; an email waits until its person is in Salesforce) → `plan -o plan.json` →
`apply plan.json` (the emails of the people now in Salesforce, each once) → `plan --detailed-exitcode`
(must exit 0: a third apply would write nothing) → `run --once` (one cycle of continuous sync: it must
find nothing to write). Everything happens in a temporary directory; nothing here is kept.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import requests

from sfsync.config.loading import load_document
from sfsync.localorg.seed import DEFAULT_SEED, load_seed
from sfsync.localorg.server import RunningOrg, start_in_background

EXAMPLES = Path(__file__).resolve().parent
SFSYNC = Path(sys.executable).with_name("sfsync")
HUMAN = "ada@acme.local"  # a sales user of the seed: what she creates is not sfsync's


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="sfsync-demo-") as scratch:
        work = Path(scratch)
        step("Starting a local org with the example seed")
        running = start_in_background(work / "org", load_seed(DEFAULT_SEED))
        try:
            add_demo_records(running)
            return run_demo(work, environment(running))
        finally:
            running.stop()


def add_demo_records(running: RunningOrg) -> None:
    document: Any = load_document(EXAMPLES / "localorg" / "demo-records.yaml").value
    session = requests.Session()
    session.verify = str(running.connection.ca_file)
    session.trust_env = False
    session.headers["Authorization"] = f"Bearer {running.connection.admin_token}"
    base = f"{running.connection.instance_url}/_localorg"
    for record in document["records"]:
        body = {"as": HUMAN, "values": record["values"]}
        response = session.post(f"{base}/records/{record['object']}", json=body, timeout=30)
        response.raise_for_status()
        if record.get("convert"):
            record_id = response.json()["id"]
            session.post(f"{base}/leads/{record_id}/convert", json={"as": HUMAN}, timeout=30).raise_for_status()
    print(f"  added {len(document['records'])} records made by a person (examples/localorg/demo-records.yaml)")


def environment(running: RunningOrg) -> dict[str, str]:
    c = running.connection
    return {
        **os.environ,
        "SF_INSTANCE_URL": c.instance_url,
        "SF_USERNAME": c.username,
        "SF_PASSWORD": c.password,
        "SF_SECURITY_TOKEN": c.security_token,
        "SF_CA_BUNDLE": str(c.ca_file),
        "NO_COLOR": "1",
    }


def run_demo(work: Path, env: dict[str, str]) -> int:
    shutil.copy(EXAMPLES / "quickstart" / "sfsync.yaml", work / "sfsync.yaml")
    for name, kind in (("companies.csv", "company"), ("people.csv", "person"), ("emails.csv", "email")):
        if sfsync(work, env, "workspace", "load", str(EXAMPLES / "data" / name), "--object", kind) != 0:
            return fail("loading the workspace failed")
    for args, expected in (
        (("validate",), 0),
        (("plan", "-o", "plan.json", "--max-records", "10"), 0),
        (("apply", "plan.json"), 0),
        (("plan", "-o", "plan.json", "--max-records", "10"), 0),
        (("apply", "plan.json"), 0),
        (("plan", "--detailed-exitcode", "--max-records", "10"), 0),
    ):
        code = sfsync(work, env, *args)
        if code != expected:
            return fail(f"`sfsync {' '.join(args)}` exited {code}, expected {expected}")
    step("sfsync run --once")
    cycle = subprocess.run(
        [str(SFSYNC), "run", "--once"], cwd=work, env=env, check=False, capture_output=True, text=True
    )
    print(cycle.stdout, end="", flush=True)
    if cycle.returncode != 0 or " in_sync: 0 planned" not in cycle.stdout:
        return fail(f"`sfsync run --once` exited {cycle.returncode} and did not report no changes: {cycle.stderr}")
    step("Done: the last plan and a cycle of `sfsync run` have nothing to write.")
    return 0


def sfsync(work: Path, env: dict[str, str], *args: str) -> int:
    step("sfsync " + " ".join(args))
    return subprocess.run([str(SFSYNC), *args], cwd=work, env=env, check=False).returncode


def step(text: str) -> None:
    print(f"\n==> {text}", flush=True)


def fail(message: str) -> int:
    print(f"\ndemo failed: {message}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
