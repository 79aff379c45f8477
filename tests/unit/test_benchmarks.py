"""The benchmark harness's pure parts: the floor, the ratios and goals, the dataset generator.

No timing is asserted here: benchmark results are ratios from runs side by side on one machine.
"""

from __future__ import annotations

import argparse
import dataclasses
import importlib
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"


def _bench(name: str) -> ModuleType:
    if str(BENCHMARKS) not in sys.path:
        sys.path.insert(0, str(BENCHMARKS))
    return importlib.import_module(name)


datasets = _bench("datasets")
floor = _bench("sfsync_bench.floor")
measure = _bench("sfsync_bench.measure")
report = _bench("sfsync_bench.report")
runs = _bench("sfsync_bench.runs")
startup = _bench("startup")


def test_rest_floor_counts_describes_query_pages_and_collections() -> None:
    work = floor.Workload(4, {"Lead": 4001, "Contact": 0, "Account": 2000}, {"Lead": 401, "Contact": 200}, {})
    # 4 describes + Lead 3 pages + Contact 1 (an empty answer is a call) + Account 1 + Lead 3 + Contact 1 writes
    assert floor.rest_floor(work) == 4 + 3 + 1 + 1 + 3 + 1


def test_rest_floor_counts_guarded_updates_25_to_a_composite_call() -> None:
    work = floor.Workload(0, {"Lead": 1}, {"Lead": 451, "Contact": 50}, {}, {"Lead": 251, "Contact": 50})
    # Lead: 1 page + 200 creates in 1 Collections call + 251 guarded updates in 11 composite calls; Contact: 2
    assert floor.rest_floor(work) == 1 + 1 + 11 + 2


def test_bulk_floor_counts_one_query_job_per_object_and_one_ingest_job_per_operation() -> None:
    work = floor.Workload(2, {"Lead": 600_000, "Contact": 0}, {"Lead": 5}, {"Lead": 2, "Contact": 1})
    # 2 describes + Lead (2 + 3 result pages of 250,000) + Contact (2 + 1) + Lead 2 jobs x 5; Contact writes nothing
    assert floor.bulk_floor(work) == 2 + 5 + 3 + 10


def test_bulk_floor_counts_result_pages_of_the_size_the_engine_asks_for() -> None:
    work = floor.Workload(0, {"Lead": 250_000, "Account": 250_001}, {}, {})
    assert floor.BULK_RESULT_ROWS == 250_000
    assert floor.bulk_floor(work) == (2 + 1) + (2 + 2)


def test_ratio_is_none_without_a_denominator() -> None:
    assert floor.ratio(3, 2) == 1.5
    assert floor.ratio(3, 0) is None


def _measurement(label: str, seconds: float, calls: dict[str, int], rss: float = 100.0) -> Any:
    return measure.Measurement(label, seconds, seconds / 2, 0.1, rss, calls, 0)


def _sfsync(api: str, plan_calls: dict[str, int], apply_calls: dict[str, int], noop_calls: dict[str, int]) -> Any:
    read = {"Lead": 1000, "Contact": 10, "Account": 10, "Opportunity": 0}
    work = floor.Workload(4, read, {"Lead": 1000}, {"Lead": 1})
    return runs.SfsyncRuns(
        api,
        1.0,
        _measurement(f"{api} plan", 10.0, plan_calls, rss=300),
        _measurement(f"{api} apply", 4.0, apply_calls),
        _measurement(f"{api} no-op plan", 0.4, noop_calls),
        work,
        0,
        4,
        2.5 if api == "rest" else 1.0,
    )


def test_goals_compute_each_ratio_from_the_runs() -> None:
    reads = {"rest.describe": 4, "rest.query_all": 4}
    rest = _sfsync("rest", reads, {"rest.collections.upsert": 5}, reads)
    bulk = _sfsync("bulk", {"rest.describe": 4, "bulk.query.create": 4}, {"bulk.ingest.create": 1}, {})
    per_record, blind = _measurement("per", 50.0, {"rest.query": 2600}), _measurement("blind", 2.0, {})
    result = runs.SizeResult(1000, rest, bulk, per_record, blind)
    by_name = {goal.name: goal for goal in report.goals(result)}
    # floor: 4 describes + 4 query pages + 5 collections = 13 calls, and sfsync made 4 + 4 + 5
    assert by_name["REST path: calls / floor"].value == pytest.approx(1.0)
    assert by_name["REST path: calls / floor"].met is True
    assert by_name["first plan, REST path: wall s"].value == 10.0
    assert by_name["plan file, MiB"].value == 2.5
    assert by_name["per-record calls / sfsync calls"].value == pytest.approx(200.0)
    assert by_name["Bulk path: calls (plan + apply)"].value == 9
    assert by_name["no-op re-plan: query calls per object"].value == pytest.approx(1.0)
    assert by_name["no-op re-plan time / first plan time"].value == pytest.approx(0.04)
    assert by_name["Bulk apply time / blind upsert time"].value == pytest.approx(2.0)
    assert by_name["Bulk apply time / blind upsert time"].met is True
    assert by_name["first plan: peak RSS MiB"].value == 300


def test_scaled_extrapolates_calls_and_times_but_not_memory() -> None:
    sample = _measurement("per-record", 10.0, {"rest.query": 100, "rest.sobject.create": 100}, rss=80)
    scaled = measure.scaled(sample, 100, 1000)
    assert scaled.total_calls == 2000
    assert scaled.seconds == pytest.approx(100.0)
    assert scaled.peak_rss_mib == 80
    assert scaled.extrapolated_from == 100
    assert measure.scaled(sample, 1000, 1000) is sample


def test_the_generator_is_deterministic_for_a_seed() -> None:
    first, again, other = datasets.generate(300, 11), datasets.generate(300, 11), datasets.generate(300, 12)
    assert first == again
    assert list(first.org_records()) == list(again.org_records())
    assert first.people != other.people


def test_the_same_dataset_writes_the_same_files(tmp_path: Path) -> None:
    dataset = datasets.generate(200, 5)
    companies, people = datasets.write_workspace(dataset, tmp_path / "a")
    companies_again, people_again = datasets.write_workspace(datasets.generate(200, 5), tmp_path / "b")
    assert companies.read_bytes() == companies_again.read_bytes()
    assert people.read_bytes() == people_again.read_bytes()
    # every 50th person again (upper-cased email) and every 25th company again (domain as a URL)
    assert len(people.read_text("utf-8").splitlines()) == 1 + 200 + 4
    assert len(companies.read_text("utf-8").splitlines()) == 1 + 50 + 2


def test_the_org_holds_human_edits_duplicates_converted_leads_and_contacts() -> None:
    records = list(datasets.generate(1000, 3).org_records())
    leads = [r for r in records if r.object == "Lead"]
    human_leads = [r for r in leads if r.created_by == datasets.HUMAN]
    assert len(human_leads) == 250 + 20  # 25 per 100 people, and 2 per 100 twice
    assert sum(1 for r in leads if r.converted) == 30
    assert sum(1 for r in records if r.object == "Contact") == 80
    assert len(leads) - len(human_leads) == 100  # leads not in the workspace
    emails = [r.values["Email"] for r in human_leads]
    assert len(emails) - len(set(emails)) == 20
    assert [r.object for r in records] == sorted((r.object for r in records), key=["Account", "Contact", "Lead"].index)


def test_a_bulk_apply_that_stopped_half_way_judges_no_bulk_goal() -> None:
    reads = {"rest.describe": 4, "rest.query_all": 4}
    rest = _sfsync("rest", reads, {"rest.collections.upsert": 5}, reads)
    stopped = _sfsync("bulk", reads, {"rest.describe": 2}, reads)
    apply = dataclasses.replace(stopped.apply, notes={"summary": "error: apply stopped: record limit reached"})
    bulk = dataclasses.replace(stopped, apply=apply)
    blind = _measurement("blind", 20.0, {})
    by_name = {goal.name: goal for goal in report.goals(runs.SizeResult(10, rest, bulk, blind, blind))}
    assert bulk.void == "BULK apply stopped half-way"
    assert by_name["Bulk apply time / blind upsert time"].met is None
    assert by_name["Bulk path: calls (plan + apply)"].met is None
    assert by_name["REST path: calls / floor"].met is True


def test_a_path_that_ran_its_first_plan_only_judges_its_plan_goals_alone() -> None:
    reads = {"rest.describe": 4, "rest.query_all": 4}
    ran = _sfsync("rest", reads, {"rest.collections.upsert": 5}, reads)
    rest = dataclasses.replace(ran, apply=None, noop=None)
    bulk = _sfsync("bulk", reads, {"rest.describe": 2}, reads)
    blind = _measurement("blind", 20.0, {})
    result = runs.SizeResult(10, rest, bulk, blind, blind)
    by_name = {goal.name: goal for goal in report.goals(result)}
    assert rest.void == "REST path ran its first plan only"
    assert by_name["REST path: calls / floor"].met is None
    assert by_name["first plan, REST path: wall s"].met is not None
    assert by_name["no-op re-plan time / first plan time"].value == pytest.approx(0.4 / 10.0)  # Bulk's alone
    assert by_name["REST apply time / blind upsert time"].value is None
    assert [row[1] for row in report.run_rows(result)][:2] == ["sfsync REST plan", "sfsync BULK plan"]


def _timing(label: str, samples: tuple[float, ...], goal: float | None = None) -> Any:
    return startup.Timing(startup.Contender(label, ("cmd",), goal), samples)


def test_startup_goals_judge_the_whole_process_median() -> None:
    timings = [
        _timing(startup.FLOOR, (0.01, 0.01, 0.02)),
        _timing("sfsync --help", (0.15, 0.9, 0.18), goal=0.2),  # one slow run does not move the median
        _timing("sfsync validate x.yaml (pre-commit)", (0.31, 0.25, 0.35), goal=0.3),
        _timing("sfsync fmt", (0.5, 0.5, 0.5)),
    ]
    by_name = {goal.name: goal for goal in startup.goals(timings)}
    assert set(by_name) == {"sfsync --help: CPU s", "sfsync validate x.yaml: CPU s"}
    assert by_name["sfsync --help: CPU s"].value == pytest.approx(0.18)
    assert by_name["sfsync --help: CPU s"].met is True
    assert by_name["sfsync validate x.yaml: CPU s"].value == pytest.approx(0.31)
    assert by_name["sfsync validate x.yaml: CPU s"].met is False
    above = {row[0]: row[-1] for row in startup.rows(timings)}
    assert above == {
        startup.FLOOR: "",
        "sfsync --help": "0.170",
        "sfsync validate x.yaml (pre-commit)": "0.300",
        "sfsync fmt": "0.490",
    }


def test_startup_runs_every_contender_once_per_round_after_a_warm_up() -> None:
    measured = startup.contenders("python", "sfsync")
    seen: list[tuple[str, ...]] = []

    def timer(argv: Any) -> float:
        seen.append(tuple(argv))
        return float(len(seen))

    timings = startup.measure(15, measured, timer)
    argvs = [c.argv for c in measured]
    assert seen == argvs * 16  # the warm-up round, then 15 rounds side by side
    assert [t.contender for t in timings] == measured
    assert all(len(t.samples) == 15 for t in timings)
    assert timings[0].samples[:2] == (len(argvs) + 1, 2 * len(argvs) + 1)  # the warm-up is not counted
    assert {c.label: c.goal for c in measured if c.goal} == {
        "sfsync --help": 0.2,
        f"sfsync validate {startup.QUICKSTART} (pre-commit)": 0.3,
    }
    assert measured[0].argv == ("python", "-c", "pass")


def test_startup_refuses_a_median_of_fewer_than_15_runs() -> None:
    assert startup.runs_count("15") == 15
    with pytest.raises(argparse.ArgumentTypeError):
        startup.runs_count("5")


effects = _bench("sfsync_bench.effects")
peer = _bench("sfsync_bench.peer")
peer_project = _bench("sfsync_bench.peer_project")


def _person(record_id: str, email: str | None, by_person: bool = True, sobject: str = "Lead", **values: str) -> Any:
    return effects.PersonRecord(record_id, sobject, email, {"Email": email, **values}, by_person)


def test_effects_count_human_values_overwritten_and_updates() -> None:
    before = [
        _person("00Q1", "ada@x.example", Title="Senior CFO", Phone=""),  # a person's Title; no Phone yet
        _person("00Q2", "bob@x.example", by_person=False, Title="CTO"),  # sfsync's own value: not a human one
        _person("00Q3", "cy@x.example", Title="VP"),
    ]
    after = [
        _person("00Q1", "ada@x.example", Title="CFO", Phone="+1 555"),  # Title overwritten; Phone filled in
        _person("00Q2", "bob@x.example", by_person=False, Title="Head of RevOps"),
        _person("00Q3", "cy@x.example", Title="VP"),
    ]
    done = effects.effects(before, after)
    assert (done.human_values, done.overwritten) == (4, 1)  # ada's Email and Title, cy's Email and Title
    assert (done.updated, done.created, done.duplicates) == (2, 0, 0)


def test_a_created_record_is_a_duplicate_when_its_email_was_held_before_or_by_an_earlier_creation() -> None:
    before = [_person("00Q1", "ada@x.example"), _person("0031", "cy@x.example", sobject="Contact")]
    after = [
        *before,
        _person("00Q2", "ADA@x.example"),  # a second Lead for ada (emails compare case-insensitively)
        _person("00Q3", "cy@x.example"),  # a Lead for someone who is a Contact
        _person("00Q4", "dee@x.example"),  # new
        _person("00Q5", "dee@x.example"),  # created twice in one run
        _person("00Q6", None),
    ]
    done = effects.effects(before, after)
    assert (done.created, done.duplicates) == (5, 3)


def test_cli_outcome_is_the_error_line_without_the_rows_it_lists() -> None:
    output = (
        "[12/03/26 06:26:57] Running step: Upsert Leads\n\n"
        "Error: Duplicate values for upsert key:\n (('00Q5g00000008gEAA', 'alan@x.example'),\n"
        "('00Q5g00000008gFAA', 'alan@x.example'))\n"
        "Run this command for more information about debugging errors: cci error --help\n"
    )
    assert peer.cli_outcome(output, 1) == "Duplicate values for upsert key:"
    wrapped = "Error: Error on record with id 23: CANNOT_UPDATE_CONVERTED_LEAD: cannot \nreference converted lead ()\n"
    assert (
        peer.cli_outcome(wrapped, 1)
        == ("Error on record with id 23: CANNOT_UPDATE_CONVERTED_LEAD: cannot reference converted lead ()")[
            : peer.OUTCOME_CHARACTERS - 1
        ]
        + "…"
    )
    assert peer.cli_outcome("anything", 0) == "completed"
    assert peer.cli_outcome("Traceback …", 2) == "exited 2"


def test_the_dataset_script_loads_every_row_with_a_local_id() -> None:
    import sqlite3

    rows = [{"Email": "ada@x.example", "LastName": "Lovelace", "Company": "O'Brien & Co"}, {"Email": "b@x.example"}]
    db = sqlite3.connect(":memory:")
    db.executescript(peer_project.dataset_sql(rows))
    loaded = db.execute('SELECT id, "Email", "LastName", "Company", "Title" FROM "Lead" ORDER BY id').fetchall()
    assert loaded == [(1, "ada@x.example", "Lovelace", "O'Brien & Co", None), (2, "b@x.example", None, None, None)]


peer_install = _bench("sfsync_bench.peer_install")


def test_the_pinned_peer_already_installed_is_used_as_it_is(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cci = tmp_path / "venv" / "bin" / "cci"
    cci.parent.mkdir(parents=True)
    cci.write_text("#!/bin/sh\n")
    (tmp_path / "venv" / "installed-version").write_text(peer_install.CUMULUSCI_VERSION + "\n")
    monkeypatch.setattr(peer_install, "PEER_DIR", tmp_path)
    monkeypatch.setattr(peer_install, "_run", lambda argv, what: pytest.fail(f"installed again: {argv}"))
    assert peer_install.cumulusci() == cci


def test_a_peer_that_cannot_be_installed_says_what_failed_and_how_to_install_it() -> None:
    with pytest.raises(peer_install.PeerUnavailable) as caught:
        peer_install._run([sys.executable, "-c", "import sys; sys.exit('no index reachable')"], "pip install it")
    message = str(caught.value)
    assert "could not pip install it" in message and "no index reachable" in message
    assert f"cumulusci=={peer_install.CUMULUSCI_VERSION}" in message and "without --peer" in message


def test_peak_memory_counts_the_processes_a_run_forks() -> None:
    """A run whose two processes each hold 120 MiB at once peaks at 240 MiB or more, not at 120."""
    script = (
        "import os, time\n"
        "held = bytearray(120 << 20)\n"
        "held[::4096] = b'x' * len(held[::4096])\n"  # touched: resident in each process after the fork
        "pid = os.fork()\n"
        "if pid == 0:\n"
        "    held[::4096] = b'y' * len(held[::4096])\n"  # written: the child's own pages
        "    time.sleep(1.0)\n"
        "    os._exit(0)\n"
        "time.sleep(1.0)\n"
        "os.waitpid(pid, 0)\n"
    )
    child = subprocess.Popen([sys.executable, "-c", script])
    status, _usage, peak_kib = measure._wait_watching(child.pid)
    child.returncode = os.waitstatus_to_exitcode(status)  # reaped by the watch, not by Popen
    assert child.returncode == 0
    assert peak_kib >= 230 * 1024
