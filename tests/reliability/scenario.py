"""One seeded chaos run: a world, a plan, an apply under faults and SIGKILL, then re-runs until nothing is left.

1. the org is reset; a person makes some records; the workspace is loaded; `plan -o plan.json`;
2. the person edits and creates records the plan is about (between plan and apply);
3. `apply plan.json` under a fault plan, maybe killed with SIGKILL at a random moment, while the person
   keeps editing; sometimes a second faulted `apply --auto-approve`;
4. faults stop; dead locks are broken with `sfsync state unlock`; `apply --auto-approve` is re-run
   until `plan --detailed-exitcode` exits 0 (at most `MAX_RERUNS` times);
5. the invariants are checked.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from . import fault_plans, forked_cli, human, invariants
from .email_pass import late_email_apply
from .org_process import OrgProcess
from .racing import RACING_TWISTS, Racer, planned_creates, set_duplicate_rules
from .run_result import Commands, RunResult
from .world import EMAILS_FILE, LATE_EMAILS_FILE, Variant, World, build_world, environment

MAX_RERUNS = 3
VARIANTS = (
    Variant("leads", "rest"),
    Variant("leads", "bulk"),
    Variant("contacts", "rest"),
    Variant("contacts", "rest", external_id=True),
    Variant("contacts", "bulk", external_id=True),
    # Writing off for a first plan and apply, then on: every entrant is still written.
    Variant("leads", "rest", twist="write-toggled"),
    # A person gives Contacts sfsync means to put under an Account one of their own, between plan and apply.
    Variant("contacts", "rest", twist="account-set"),
    # A person changes the email of records sfsync just wrote: the workspace person moves, it does not split.
    Variant("contacts", "rest", external_id=True, twist="email-changed"),
    # After converging, the store is lost and rebuilt against an org that holds the external ids, with
    # records a person has edited (values and emails) since sfsync wrote them.
    Variant("contacts", "rest", external_id=True, twist="store-rebuilt"),
    # A fuzzy duplicate rule (name + company) blocks some creates with another person's Lead.
    Variant("leads", "rest", twist="fuzzy-duplicate-rule"),
    # A person creates some of the people sfsync is creating (same emails) while apply runs, with a blocking
    # duplicate rule on Email, then with none (`racing.py`): the race's residual is counted apart.
    Variant("leads", "rest", twist="racing-creates"),
    Variant("leads", "bulk", twist="racing-creates"),
    Variant("leads", "rest", twist="racing-creates-no-rule"),
    Variant("leads", "bulk", twist="racing-creates-no-rule"),
    # Enhanced Email off with `email: {object: auto}`: EmailMessage refused, the emails become completed Tasks.
    Variant("leads", "rest", twist="enhanced-email-off"),
)


# Twists whose first apply runs without faults, so that what they set up reaches the write it is about.
CLEAN_FIRST_APPLY = frozenset({"account-set"})


@dataclass(frozen=True)
class Campaign:
    """What every run of a campaign shares: the write guard, latency on the update path, the paths played
    and, when given, the only twists played."""

    write_guard: str = "conditional"
    update_latency_ms: int = 0
    paths: tuple[str, ...] = ("rest", "bulk")
    twists: tuple[str, ...] = ()

    def variant(self, seed: int) -> Variant:
        played = [v for v in VARIANTS if v.api in self.paths and (not self.twists or v.twist in self.twists)]
        return replace(played[seed % len(played)], write_guard=self.write_guard)


def run_scenario(
    org: OrgProcess,
    base: Path,
    seed: int,
    people: int,
    store_url: Callable[[Path], str],
    campaign: Campaign = Campaign(),  # noqa: B008 - frozen
) -> RunResult:
    started = time.monotonic()
    rng = random.Random(seed)
    variant = campaign.variant(seed)
    world = build_world(rng, variant, people)
    work = base / f"run-{seed}"
    work.mkdir(parents=True)
    url = store_url(work)
    names, rules = fault_plans.choose(rng)
    rules += fault_plans.update_latency(campaign.update_latency_ms)
    result = RunResult(seed, variant.describe(), url.split(":", 1)[0], people, len(world.in_scope), names)
    result.path, result.write_guard = variant.api, variant.write_guard
    org.reset()
    if variant.emails_as_tasks:
        org.control("enhanced-email", "PUT", {"enabled": False})  # reset restores it
    org.control("trace", "PUT")  # the checker tells an in-flight race from an overwrite by it
    human.make_records_first(org, world, rng)
    if variant.twist == "fuzzy-duplicate-rule":
        human.make_namesakes(org, world, rng, 3)
    if variant.twist in RACING_TWISTS:
        set_duplicate_rules(org, variant.twist)
        result.duplicate_rule = "block" if variant.twist == "racing-creates" else "none"
    commands = Commands(work, environment(org.connection, url, {"PATH": os.environ.get("PATH", "")}), result)
    companies, persons = world.write_files(work)
    commands.expect(0, "workspace", "load", str(companies), "--object", "company")
    commands.expect(0, "workspace", "load", str(persons), "--object", "person")
    commands.expect(0, "workspace", "load", str(work / EMAILS_FILE), "--object", "email")
    if variant.twist == "write-toggled":
        _write_toggled(commands, world)
    planned = time.monotonic()
    commands.expect(0, "plan", "-o", "plan.json")
    plan_seconds = time.monotonic() - planned
    result.human_edits += human.edit_between_plan_and_apply(org, world, rng, work / "plan.json")
    clean = variant.twist in CLEAN_FIRST_APPLY
    racing = bool(campaign.update_latency_ms)
    if racing:  # the first apply's updates must reach the org, slowly, while the person races them
        org.set_faults(fault_plans.update_latency(campaign.update_latency_ms))
    elif not clean:
        org.set_faults(rules)
    # With latency on the update path the person races the plan's updates themselves (the write guard's test).
    targets = human.update_targets(work / "plan.json") if campaign.update_latency_ms else []
    kill = not (clean or racing or variant.twist in RACING_TWISTS)  # a person races this apply's creates: not cut short
    creates = planned_creates(work / "plan.json") if variant.twist in RACING_TWISTS else []
    first = ("apply", "plan.json")
    _chaos_apply(org, world, rng, commands, first, plan_seconds, kill=kill, targets=targets, creates=creates)
    if racing and not clean:
        org.set_faults(rules)
    if variant.twist == "email-changed":
        result.human_edits += human.rename_written(org, world, rng, 4)
    if rng.random() < 0.4:
        _chaos_apply(org, world, rng, commands, ("apply", "--auto-approve"), plan_seconds)
    result.faults_fired = org.clear_faults()
    result.unlocks = _break_dead_locks(commands)
    _converge(commands)
    if result.converged:
        late_email_apply(org, world, seed, commands, plan_seconds)
        result.unlocks += _break_dead_locks(commands)
        _converge(commands)
    if variant.twist == "store-rebuilt" and result.converged:
        url = _rebuild_store(org, world, rng, commands, store_url, url)
        _converge(commands)
    result.human_values = sum(len(values) for values in world.human_values.values())
    result.findings = invariants.check(org, url, world)
    result.seconds = round(time.monotonic() - started, 2)
    return result


def _rebuild_store(
    org: OrgProcess, world: World, rng: random.Random, commands: Commands, store_url: Callable[[Path], str], old: str
) -> str:
    """A person edits and renames records sfsync wrote, then the store is lost: a new one, the same workspace."""
    commands.result.human_edits += human.edit_written(org, world, rng, 4) + human.rename_written(org, world, rng, 3)
    if old.startswith("sqlite:///"):
        state = Path(old.removeprefix("sqlite:///")).parent
        shutil.rmtree(state)
        state.mkdir()
    url = store_url(commands.work)  # PostgreSQL: a new database
    commands.env = {**commands.env, "SFSYNC_STORE": url}
    late = [(LATE_EMAILS_FILE, "email")] if world.late_loaded else []
    for name, kind in (("companies.jsonl", "company"), ("people.csv", "person"), (EMAILS_FILE, "email"), *late):
        commands.expect(0, "workspace", "load", str(commands.work / name), "--object", kind)
    # What an operator runs on a new store: a plan, and its apply, which records the config as applied.
    commands.expect(0, "plan", "-o", "rebuilt.json")
    commands.run("apply", "rebuilt.json")
    return url


def _write_toggled(commands: Commands, world: World) -> None:
    """A first plan and apply with writing off (nothing may be written), then writing back on."""
    config = commands.work / "sfsync.yaml"
    config.write_text(world.variant.config(write=False), "utf-8")
    commands.expect(0, "plan", "-o", "off.json")
    commands.expect(0, "apply", "off.json")
    config.write_text(world.variant.config(), "utf-8")


def _chaos_apply(
    org: OrgProcess,
    world: World,
    rng: random.Random,
    commands: Commands,
    args: tuple[str, ...],
    scale: float,
    *,
    kill: bool = True,
    targets: list[tuple[str, str, str]] | None = None,
    creates: list[tuple[str, str]] | None = None,
) -> None:
    """`sfsync ARGS` under the fault plan, maybe killed (`scale`: how long a plan took), while the person edits
    (and, given `creates`, creates some of those people: `racing.Racer`)."""
    kill_after = fault_plans.kill_after(rng, scale, 0.6)
    kill_after = kill_after if kill else None
    child = forked_cli.start(args, commands.work, commands.env, commands.work / "logs")
    editor = human.Editor(org, world, rng.randrange(1 << 30), targets)
    editor.start()
    racer = Racer(org, world, rng.randrange(1 << 30), creates, scale) if creates else None
    if racer is not None:
        racer.start()
    try:
        commands.result.kills += child.killed_after(kill_after)
        commands.note(child.wait())
    finally:
        commands.result.human_edits += editor.finish()
        commands.result.racing_creates += racer.finish() if racer is not None else 0


def _break_dead_locks(commands: Commands) -> int:
    """What an operator does after a crash: `sfsync state unlock` each lock whose process is gone."""
    summary = json.loads(commands.expect(0, "state", "show", "--format", "json").stdout)
    for lock in summary["locks"]:
        commands.expect(0, "state", "unlock", lock["id"])
    return len(summary["locks"])


def _converge(commands: Commands) -> None:
    result = commands.result
    for reruns in range(MAX_RERUNS + 1):
        plan = commands.run("plan", "--detailed-exitcode")
        if plan.code == 0:
            result.converged, result.reruns = True, reruns
            return
        if reruns == MAX_RERUNS:
            break
        commands.run("apply", "--auto-approve")
    result.reruns = MAX_RERUNS + 1
    result.notes.append(f"not converged after {MAX_RERUNS} re-runs: {plan.stdout[-1500:]}{plan.stderr[-500:]}")
