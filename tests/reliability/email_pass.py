"""The email pass of a chaos run: late emails loaded once the first writes converged, then applied under faults.

In the first plan most emails wait for their person (a skip `no_person`): their Contact or Lead is only
created by that apply, so its faults rarely reach an email create. This pass loads a follow-up to every
third person once those people are in Salesforce and applies it under its own fault plan
(`fault_plans.choose_for_emails`) and maybe a SIGKILL, so the plan it applies holds only email creates
and every fault it fires hits an email call: the look-up by `MessageIdentifier`, the create, the
relation's look-up and create (or the Task's), by Collections or, in the Bulk variants (`api: bulk`),
by Bulk insert jobs.
"""

from __future__ import annotations

import random

from . import fault_plans, forked_cli
from .org_process import OrgProcess
from .run_result import Commands
from .world import LATE_EMAILS_FILE, World


def late_email_apply(org: OrgProcess, world: World, seed: int, commands: Commands, scale: float) -> None:
    """Load the late emails and `apply --auto-approve` them under faults; counted in `commands.result`."""
    rng = random.Random(f"emails-{seed}")  # its own draws: the rest of the run plays as without this pass
    (commands.work / LATE_EMAILS_FILE).write_text("\n".join(world.late_emails()) + "\n", "utf-8")
    commands.expect(0, "workspace", "load", str(commands.work / LATE_EMAILS_FILE), "--object", "email")
    world.late_loaded = True
    names, rules = fault_plans.choose_for_emails(rng, world.variant.api)
    kill_after = fault_plans.kill_after(rng, scale, 0.5)
    org.set_faults(rules)
    try:
        child = forked_cli.start(("apply", "--auto-approve"), commands.work, commands.env, commands.work / "logs")
        commands.result.email_kills += child.killed_after(kill_after)
        commands.note(child.wait())
    finally:
        fired = org.clear_faults()
    commands.result.faults += [f"email {name}" for name in names]
    commands.result.email_faults += fired
    commands.result.faults_fired += fired
