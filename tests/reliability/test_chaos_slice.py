"""The bounded chaos slice CI runs (one seeded run of each variant), and the checker that judges every run.

`make chaos` plays the full campaign (`python -m tests.reliability.chaos --runs 200`); the same run
is here as a `slow` test, which runs only when selected with `-m slow`.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from .email_invariants import check_emails
from .findings import Findings
from .invariants import check, in_flight
from .org_process import OrgProcess
from .run_result import RunResult
from .scenario import VARIANTS
from .world import Variant, build_world

pytestmark = pytest.mark.org
ROOT = Path(__file__).resolve().parents[2]


def _chaos(tmp_path: Path, *args: str, timeout: float) -> tuple[list[dict[str, object]], str]:
    results = tmp_path / "results.json"
    command = [sys.executable, "-m", "tests.reliability.chaos", *args, "--json", str(results)]
    finished = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=timeout, check=False)
    assert finished.returncode == 0, finished.stdout[-4000:] + finished.stderr[-4000:]
    return json.loads(results.read_text("utf-8")), finished.stdout


def test_the_bounded_slice_keeps_both_promises(tmp_path: Path) -> None:
    postgres = os.environ.get("SFSYNC_TEST_SKIP_POSTGRES") != "1"
    every = "2" if postgres else "0"
    count = str(len(VARIANTS))  # one run of each variant
    runs, output = _chaos(
        tmp_path, "--runs", count, "--people", "24", "--postgres-every", every, timeout=80 * len(VARIANTS)
    )
    assert {str(run["variant"]) for run in runs} == {v.describe() for v in VARIANTS}
    assert {str(run["store"]) for run in runs} == ({"sqlite", "postgresql"} if postgres else {"sqlite"})
    for run in runs:
        findings = run["findings"]
        assert isinstance(findings, dict)
        reported = ("raced", "race_duplicates", "race_gaps", "emails_written")
        assert {k: v for k, v in findings.items() if k not in reported} == {
            "duplicates": [],
            "overwrites": [],
            "unwritten": [],
        }, run
        assert run["converged"] and run["crashes"] == [] and int(str(run["reruns"])) <= 3, run
    assert sum(int(str(run["faults_fired"])) for run in runs) > 0
    # The email pass of each run: its faults hit email calls, and every email is written once.
    assert sum(int(str(run["email_faults"])) for run in runs) > 0, output[-3000:]
    assert sum(int(str(run["findings"]["emails_written"])) for run in runs) > 0  # type: ignore[index]
    assert "duplicates: 0" in output and "overwritten_human_values: 0" in output
    racing = [run for run in runs if run["duplicate_rule"]]
    assert {(str(run["path"]), str(run["duplicate_rule"])) for run in racing} == {
        (path, rule) for path in ("rest", "bulk") for rule in ("block", "none")
    }
    assert all(not run["findings"]["race_duplicates"] for run in racing if run["duplicate_rule"] == "block")  # type: ignore[index]


@pytest.mark.slow
def test_the_full_chaos_run(tmp_path: Path, request: pytest.FixtureRequest) -> None:
    if "slow" not in str(request.config.getoption("markexpr")):
        pytest.skip("the full chaos run: select it with -m slow, or run `make chaos`")
    runs, output = _chaos(tmp_path, "--runs", "200", timeout=4 * 3600)
    assert len(runs) == 200 and "duplicates: 0" in output and "overwritten_human_values: 0" in output


def test_the_checker_sees_duplicates_overwrites_and_unwritten_records(tmp_path: Path) -> None:
    world = build_world(random.Random(7), Variant("leads", "rest"), 12)
    person = world.in_scope[0]
    org = OrgProcess(tmp_path / "org")
    try:
        store = f"sqlite:///{tmp_path / 'state.db'}"
        values = {"Email": person.email, "LastName": "Human", "Company": "Human Co", "Title": "Set by hand"}
        first = org.create_as_human("Lead", values)
        world.human_made.add(("Lead", first))
        world.remember("Lead", first, values)
        assert check(org, store, world).duplicates == []
        org.control("records/Lead", "POST", {"values": {"Email": person.email, "LastName": "Again", "Company": "X"}})
        org.control(f"records/Lead/{first}", "PATCH", {"values": {"Title": "Changed by sync"}})
        findings = check(org, store, world)
    finally:
        org.stop()
    assert findings.duplicates == [f"2 records for {person.email}: " + findings.duplicates[0].split(": ", 1)[1]]
    assert findings.overwrites == [f"Lead {first}: Title 'Set by hand' became 'Changed by sync'"]
    assert any(f"no record for in-scope {p.email}" in findings.unwritten for p in world.in_scope[1:])


def test_a_duplicate_of_a_racing_persons_create_is_counted_apart_only_without_a_blocking_rule(tmp_path: Path) -> None:
    org = OrgProcess(tmp_path / "org")
    found = {}
    try:
        for twist in ("racing-creates-no-rule", "racing-creates"):
            org.reset()
            org.control("trace", "PUT")
            world = build_world(random.Random(7), Variant("leads", "bulk", twist=twist), 12)
            person = world.in_scope[0]
            values = {"Email": person.email, "LastName": "Racer 0", "Company": "Racer Co"}
            mine = org.create_as_human("Lead", values)
            world.human_made.add(("Lead", mine))
            world.raced[person.email] = ("Lead", mine)
            org.control("records/Lead", "POST", {"values": {"Email": person.email, "LastName": "Sync", "Company": "X"}})
            found[twist] = check(org, f"sqlite:///{tmp_path / twist}.db", world)
    finally:
        org.stop()
    unruled, ruled = found["racing-creates-no-rule"], found["racing-creates"]
    assert unruled.duplicates == [] and len(unruled.race_duplicates) == 1 and person.email in unruled.race_duplicates[0]
    assert len(unruled.race_gaps) == 1 and unruled.race_gaps[0] >= 0  # the person's Lead was there first
    assert ruled.race_duplicates == [] and ruled.duplicates[0].startswith(f"2 records for {person.email}")


def _entry(at: float, kind: str, user: str, fields: tuple[str, ...] = (), record_id: str = "00Q1") -> dict[str, object]:
    return {"at": at, "kind": kind, "user": user, "sobject": "Lead", "record_id": record_id, "fields": list(fields)}


def test_an_edit_between_sfsyncs_recheck_and_its_write_is_a_race_and_any_other_is_an_overwrite() -> None:
    sync, person = "sync@chaos.local", "ada@chaos.local"
    raced = [_entry(1, "read", sync), _entry(2, "write", person, ("Title",)), _entry(3, "write", sync, ("Title",))]
    assert in_flight(raced, sync, "Lead", "00Q1", "Title")
    bulk = [_entry(1, "read", sync, record_id="*"), *raced[1:]]
    assert in_flight(bulk, sync, "Lead", "00Q1", "Title")
    seen_first = [_entry(0.5, "write", person, ("Title",)), raced[0], raced[2]]  # there when sfsync re-checked
    assert not in_flight(seen_first, sync, "Lead", "00Q1", "Title")
    assert not in_flight(raced[1:], sync, "Lead", "00Q1", "Title")  # written without any re-check
    other_field = [raced[0], _entry(2, "write", person, ("Phone",)), raced[2]]
    assert not in_flight(other_field, sync, "Lead", "00Q1", "Title")
    other_record = [raced[0], _entry(2, "write", person, ("Title",), record_id="00Q2"), raced[2]]
    assert not in_flight(other_record, sync, "Lead", "00Q1", "Title")


def _raced(runs: list[dict[str, object]]) -> int:
    return sum(len(run["findings"]["raced"]) for run in runs)  # type: ignore[index]


def test_with_latency_on_updates_recheck_races_and_the_conditional_guard_does_not(tmp_path: Path) -> None:
    # The same campaign twice: REST variants, updates delayed 500 ms at the org, a person racing the plan's updates.
    race = ("--runs", "3", "--first-seed", "1", "--people", "40", "--postgres-every", "0", "--large-every", "0")
    race += ("--paths", "rest", "--update-latency-ms", "500")
    rechecked, output = _chaos(tmp_path, *race, "--write-guard", "recheck", timeout=300)
    assert {str(run["write_guard"]) for run in rechecked} == {"recheck"} and "raced_in_flight: {'rest': " in output
    assert _raced(rechecked) > 0, output[-3000:]
    guarded, output = _chaos(tmp_path, *race, "--write-guard", "conditional", timeout=300)
    assert _raced(guarded) == 0 and "raced_in_flight: {'rest': 0}" in output
    assert all(run["findings"]["overwrites"] == [] for run in guarded)  # type: ignore[index]


def test_a_race_past_the_conditional_guard_fails_the_run() -> None:
    raced = Findings(raced=["Lead 00Q1: Title 'Racing 3' became 'Analyst'"])
    run = RunResult(1, "leads/rest", "sqlite", 10, 5, [], converged=True, findings=raced, path="rest")
    assert not replace(run, write_guard="conditional").ok
    assert replace(run, write_guard="recheck").ok  # the documented limit of `recheck`: reported, not a failure
    assert replace(run, path="bulk", write_guard="conditional").ok  # Bulk API 2.0 cannot be guarded


def test_the_email_checker_sees_duplicate_unrelated_and_forbidden_emails(tmp_path: Path) -> None:
    world = build_world(random.Random(1), Variant("leads", "rest"), 12)
    person, excluded = world.people[0], world.people[3]  # the first two of every third person's emails
    assert person.company.in_scope and excluded.company.in_scope and world.excluded(excluded)
    (out, subject, _), (reply, reply_subject, _), (excluded_out, excluded_subject, _), *_ = world.messages(late=False)
    org = OrgProcess(tmp_path / "org")
    try:
        leads = [
            org.control("records/Lead", "POST", {"values": {"Email": p.email, "LastName": "L", "Company": "C"}})["id"]
            for p in (person, excluded)
        ]

        def email(message: str, text: str) -> str:
            values = {"MessageIdentifier": message, "Subject": text, "Status": "3"}
            return str(org.control("records/EmailMessage", "POST", {"values": values})["id"])

        twice = [email(out, subject), email(out, subject)]
        email(reply, reply_subject)  # written, related to nobody
        email(excluded_out, excluded_subject)
        relation = {"EmailMessageId": twice[0], "RelationId": leads[0], "RelationType": "ToAddress"}
        org.control("records/EmailMessageRelation", "POST", {"values": relation})
        records = {p.email: [("Lead", {"Id": lead})] for p, lead in zip((person, excluded), leads, strict=True)}
        findings = Findings()
        written = check_emails(org, world, records, findings)
    finally:
        org.stop()
    assert written == 4
    assert findings.duplicates == [f"2 EmailMessages for {out}"]
    assert f"email {reply} of in-scope {person.email} was not on their record" in findings.unwritten
    assert f"email {excluded_out} of excluded person {excluded.email} was written" in findings.unwritten
    assert not any(out in found for found in findings.unwritten)  # related once: kept
