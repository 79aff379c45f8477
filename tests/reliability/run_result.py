"""One chaos run's figures and findings (`RunResult`), and the `sfsync` commands it runs (`Commands`).

Both the scenario and its email pass (`email_pass.py`) run commands and count into the result.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from . import forked_cli
from .findings import Findings


@dataclass
class RunResult:
    """What one run did and found; `path` is the variant's API (rest | bulk)."""

    seed: int
    variant: str
    store: str
    people: int
    in_scope: int
    faults: list[str]
    faults_fired: int = 0
    kills: int = 0
    unlocks: int = 0
    human_values: int = 0
    human_edits: int = 0
    reruns: int = 0
    converged: bool = False
    crashes: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    findings: Findings = field(default_factory=Findings)
    seconds: float = 0.0
    path: str = ""
    write_guard: str = ""
    # `racing-creates` twists: "block" (a blocking rule on Email) or "none"; the person's creates during apply.
    duplicate_rule: str = ""
    racing_creates: int = 0
    # The email pass (`email_pass.py`): faults fired on its email calls, SIGKILLs of its apply.
    email_faults: int = 0
    email_kills: int = 0

    @property
    def guarded(self) -> bool:
        """A run whose updates Salesforce refuses once a person moved the record: no race may be left."""
        return self.path == "rest" and self.write_guard == "conditional"

    @property
    def ok(self) -> bool:
        raced = self.guarded and bool(self.findings.raced)
        return self.converged and not self.crashes and self.findings.ok and not raced


class Commands:
    """`sfsync` in one run's directory; remembers any crash (exit 3 or a traceback)."""

    def __init__(self, work: Path, env: dict[str, str], result: RunResult) -> None:
        self.work, self.env, self.result = work, env, result

    def run(self, *args: str) -> forked_cli.Finished:
        return self.note(forked_cli.run(args, self.work, self.env, self.work / "logs"))

    def note(self, finished: forked_cli.Finished) -> forked_cli.Finished:
        if finished.code == 3 or "Traceback" in finished.stderr + finished.stdout:
            self.result.crashes.append(f"sfsync {' '.join(finished.args)}: {finished.stderr.strip()[-400:]}")
        return finished

    def expect(self, code: int, *args: str) -> forked_cli.Finished:
        finished = self.run(*args)
        if finished.code != code:
            raise RuntimeError(f"sfsync {' '.join(args)} exited {finished.code}: {finished.stderr[-2000:]}")
        return finished
