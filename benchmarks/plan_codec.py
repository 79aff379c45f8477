"""CPU of writing and reading a plan file's records, without an org: the plan codec's share of plan and apply.

    python benchmarks/plan_codec.py [--changes 10000] [--repeat 5]

Builds a plan of `--changes` record changes (each with four field changes, one sensitive and one known
only after apply) and as many skips, then times, best of `--repeat`: saving it (every record encoded and
compressed) and reading it back (every record decompressed and decoded), in process CPU seconds.
"""

from __future__ import annotations

import argparse
import io
import tempfile
import time
from pathlib import Path

from sfsync.engine.plans.digest import ValueDigest
from sfsync.engine.plans.file import open_plan, spool_plan, write_plan_file
from sfsync.engine.plans.identity import WorkspaceRef
from sfsync.engine.plans.plan import (
    Action,
    FieldChange,
    FieldSkip,
    Fingerprint,
    KnownAfterApply,
    Plan,
    RecordChange,
    Skip,
    SkipCode,
)


def build(count: int) -> Plan:
    changes, skips = [], []
    for n in range(count):
        person = WorkspaceRef("person", f"pe-{n}", f"person{n}@example.com")
        fields = (
            FieldChange("Email", None, f"person{n}@example.com", "person.email", "owned", "new record"),
            FieldChange("Title", "Engineer", "Staff Engineer", "person.title", "if_empty", "empty in Salesforce"),
            FieldChange(
                "MobilePhone",
                None,
                ValueDigest("hmac-sha256:" + "ab" * 32),
                "person.mobile",
                "owned",
                "",
                sensitive=True,
            ),
            FieldChange(
                "AccountId", None, KnownAfterApply(f"Account/co-{n}"), "company", "owned", "", ref=f"Account/co-{n}"
            ),
        )
        kept = (FieldSkip("LeadSource", "Web", "Partner", SkipCode.POLICY, "create_only"),)
        changes.append(
            RecordChange(
                f"Contact/pe-{n}", "Contact", Action.CREATE, person, None, "new", fields, kept, 1, ("onboarding",)
            )
        )
        skips.append(Skip(person, "Lead", SkipCode.EXCLUDED, "excluded by rule internal"))
    fingerprint = Fingerprint("lineage", 1, "00D000000000001", {"Contact": "d1"}, "c1")
    return Plan(fingerprint, "contacts_and_accounts", True, (), (), tuple(changes), tuple(skips), (), ())


def measure(count: int, repeat: int) -> tuple[float, float]:
    plan = build(count)
    writes, reads = [], []
    for _ in range(repeat):
        start = time.process_time()
        out = io.BytesIO()
        spool = spool_plan(plan)
        write_plan_file(out, plan, spool, None)
        spool.discard()
        writes.append(time.process_time() - start)
        path = _saved(out.getvalue())
        start = time.process_time()
        opened = open_plan(path)
        again = opened if isinstance(opened, Plan) else opened.plan()
        read = sum(1 for _ in again.changes) + sum(1 for _ in again.skips)
        reads.append(time.process_time() - start)
        assert read == 2 * count
    return min(writes), min(reads)


def _saved(data: bytes) -> Path:
    path = Path(tempfile.mkdtemp()) / "plan.json"
    path.write_bytes(data)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--changes", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    write, read = measure(args.changes, args.repeat)
    print(f"{args.changes:,} changes + {args.changes:,} skips: write {write:.3f} s CPU, read {read:.3f} s CPU")


if __name__ == "__main__":
    main()
