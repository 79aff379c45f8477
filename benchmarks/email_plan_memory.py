"""Peak memory of a plan with a backfill of emails to write: `sfsync plan` under `/usr/bin/time -v`.

    .venv/bin/python benchmarks/email_plan_memory.py [--people 1000] [--per-person 50] [--plans 2]

A local org in its own process; PEOPLE Leads written first (`apply`), then PEOPLE x PER_PERSON emails
loaded (a 1,000-character text body and a 3,000-character HTML body each), so every email is a create
in the plan. Each `plan -o plan.json` is a fresh process; the figures are the operating system's:
maximum resident set size, user CPU seconds and wall time, per plan. Run it before and after a change
to the planner, one after the other (with `PYTHONPATH=<a copy of src>` for the before).
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the reliability harness's local org process and connection block

from tests.reliability.org_process import OrgProcess  # noqa: E402
from tests.reliability.world import CONNECTION, environment  # noqa: E402

CONFIG = """\
sync:
  write: true
  person_object: leads
  api: rest
  email: {write: true, object: email_message}
mappings:
  Lead:
    Email: {from: person.email, direction: read_write}
    LastName: person.last_name
    Company: company.name
defaults:
  Lead: {Company: Acme}
plays:
  - name: everyone
    audience: {object: person}
    sync_to_salesforce: {}
"""


def write_workspace(work: Path, people: int, per_person: int) -> None:
    (work / "sfsync.yaml").write_text(CONNECTION + CONFIG, "utf-8")
    rows = ["email,last_name,company_domain"] + [f"p{i}@acme.example,Last{i},acme.example" for i in range(people)]
    (work / "people.csv").write_text("\n".join(rows) + "\n", "utf-8")
    body, html = "x" * 1000, "<p>" + "y" * 3000 + "</p>"
    with (work / "emails.csv").open("w", encoding="utf-8") as out:
        out.write("message_id,direction,from,to,subject,text_body,html_body,sent_at,person\n")
        for n in range(people * per_person):
            person = f"p{n % people}@acme.example"
            out.write(f"<m.{n}@team.example>,outbound,us@team.example,{person},Subject {n},{body},{html},"
                      f"2026-03-01T09:00:00Z,{person}\n")  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=1000)
    parser.add_argument("--per-person", type=int, default=50)
    parser.add_argument("--plans", type=int, default=2)
    options = parser.parse_args()
    base = Path(tempfile.mkdtemp(prefix="sfsync-email-memory-"))
    org = OrgProcess(base / "org")
    try:
        work = base / "work"
        work.mkdir()
        write_workspace(work, options.people, options.per_person)
        kept = {k: v for k, v in os.environ.items() if k in ("PATH", "PYTHONPATH")}
        env = environment(org.connection, f"sqlite:///{work / 'state.db'}", kept)

        def sfsync(*args: str, timed: bool = False) -> subprocess.CompletedProcess[str]:
            command = [sys.executable, "-m", "sfsync", *args]
            command = ["/usr/bin/time", "-v", *command] if timed else command
            done = subprocess.run(command, cwd=work, env=env, capture_output=True, text=True, check=False)
            if done.returncode not in (0, 2):
                raise SystemExit(f"sfsync {' '.join(args)} exited {done.returncode}: {done.stderr[-2000:]}")
            return done

        sfsync("workspace", "load", "people.csv", "--object", "person")
        sfsync("apply", "--auto-approve")
        sfsync("workspace", "load", "emails.csv", "--object", "email")
        for _ in range(options.plans):
            done = sfsync("plan", "-o", "plan.json", timed=True)
            rss = int(re.findall(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr)[0]) / 1024
            user = re.findall(r"User time \(seconds\): (\S+)", done.stderr)[0]
            wall = re.findall(r"Elapsed \(wall clock\) time.*: (\S+)", done.stderr)[0]
            planned = re.findall(r"Plan: (\d+) to create", done.stdout)
            print(f"peak RSS {rss:.0f} MiB, user CPU {user} s, wall {wall}, creates {planned[0] if planned else '?'}")
    finally:
        org.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
