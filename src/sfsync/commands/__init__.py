"""One module per command; `COMMANDS` is the table the CLI lists and loads them from.

Each entry names where the command is defined and its summary (the first sentence of its help), so
that `sfsync --help` lists every command without importing any (see `sfsync.commands.lazy`). A test
loads every entry and compares its summary with the command's own.
"""

from __future__ import annotations

from collections.abc import Mapping

from sfsync.commands.lazy import LazyCommand


def _command(module: str, summary: str) -> LazyCommand:
    return LazyCommand(f"sfsync.commands.{module}:command", summary)


COMMANDS: Mapping[str, LazyCommand] = {
    "apply": _command(
        "apply", "Write to Salesforce what a plan holds: a saved one, or a fresh one after you approve it."
    ),
    "doctor": _command("doctor", "Check the connection and every required permission of the integration user."),
    "fmt": _command("fmt", "Format config FILES (default: the -c config); directories are searched for config files."),
    "init": _command("init", "Write a starter sfsync.yaml (the -c path) with the default field mappings and a play."),
    "localorg": _command("localorg", "Run the local Salesforce-compatible org used by demos, tests and benchmarks."),
    "pause": _command("pause", "Pause writes to Salesforce for every runner of the store, until `sfsync resume`."),
    "plan": _command(
        "plan",
        "Refresh from Salesforce and show exactly what `apply` would write, and what it would not, and why.",
    ),
    "refresh": _command(
        "refresh", "Read Account, Contact, Lead and Opportunity into the store (incrementally by SystemModstamp)."
    ),
    "resume": LazyCommand("sfsync.commands.pause:resume", "Restart writes to Salesforce after `sfsync pause`."),
    "run": _command(
        "run", "Keep Salesforce in sync: refresh, plan, and apply what `sync.auto_apply` allows, in cycles."
    ),
    "schema": _command("schema", "Print the JSON Schema (2020-12) of sfsync.yaml, for editors and other validators."),
    "show": _command(
        "show", "Show a plan saved with `sfsync plan -o FILE` (`--format json` prints the plan document)."
    ),
    "state": _command("state", "The sync state kept in the store: lineage, serial, runs and locks."),
    "status": _command(
        "status",
        "How the sync is doing: the last cycle and apply, drift, rejections, sources read, API budget, pause.",
    ),
    "validate": _command("validate", "Check config FILES (default: the -c config); directories are searched."),
    "workspace": _command("workspace", "The workspace: the people and companies sfsync keeps in sync with Salesforce."),
}
