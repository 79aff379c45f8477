"""Random histories of one store and one fake org: workspace loads, Salesforce edits, config changes and
applies, replayed step by step (the incremental and the split derivation's property tests)."""

from __future__ import annotations

import sqlite3
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from engine_support import CONTACTS, HEADER, LEADS, PRIVATE_CONTACTS
from fake_port import FakePort
from hypothesis import strategies as st

from sfsync.catalogue import Kind
from sfsync.config import LoadedConfig, load_config
from sfsync.engine.applying.applier import apply_plan
from sfsync.engine.planning.planner import make_plan
from sfsync.engine.plans.plan import Plan
from sfsync.store import Store, open_store
from sfsync.store.normalise import normalise_domain, normalise_email
from sfsync.store.workspace import RecordUpdate

DOMAINS = ("acme.example", "beta.example", "gamma.example")
EMAILS = ("ada@acme.example", "bob@acme.example", "cy@beta.example", "di@gamma.example", "solo@free.example")
TITLES = (None, "", "CTO", "Boss")
EXCLUDING = """\
exclusions:
  - name: bosses
    applies_to: person
    where: {salesforce: Contact, field: Title, op: eq, value: Boss}
  - name: customers
    applies_to: company
    where: {salesforce: Account, field: Type, op: eq, value: Customer}
"""
FAILING = 'defaults:\n  Contact: {LeadSource: Other, Description: "{{ 10 // (person.title | length) }}"}\n'
CONFIGS = (
    CONTACTS,
    CONTACTS + EXCLUDING,
    PRIVATE_CONTACTS.replace("defaults:\n  Contact: {LeadSource: Other}\n", FAILING),
    LEADS,
    CONTACTS.replace("{LeadSource: Other}", "{LeadSource: Partner}"),  # reads as CONTACTS does
    CONTACTS.replace("write: true", "write: false"),  # so does this one
)

workspace_steps = st.one_of(
    st.tuples(st.just("person"), st.sampled_from(EMAILS), st.sampled_from(TITLES), st.sampled_from((None, *DOMAINS))),
    st.tuples(st.just("company"), st.sampled_from(DOMAINS), st.sampled_from(("Acme", "Beta Inc", None))),
)
salesforce_steps = st.one_of(
    st.tuples(st.just("seed"), st.sampled_from(("Contact", "Lead")), st.sampled_from(EMAILS), st.sampled_from(TITLES)),
    st.tuples(st.just("seed"), st.just("Account"), st.sampled_from(DOMAINS), st.sampled_from((None, "Customer"))),
    st.tuples(st.just("edit"), st.sampled_from(("Contact", "Lead", "Account")), st.integers(0, 5), st.integers(0, 3)),
    st.tuples(st.just("move"), st.sampled_from(("Contact", "Lead")), st.integers(0, 5), st.sampled_from(EMAILS)),
    st.tuples(st.just("delete"), st.sampled_from(("Contact", "Lead", "Account")), st.integers(0, 5)),
)
STEPS = st.one_of(
    workspace_steps,
    salesforce_steps,
    st.tuples(st.just("config"), st.integers(0, len(CONFIGS) - 1)),
    st.tuples(st.just("apply")),
    st.tuples(st.just("other"), st.integers(0, len(CONFIGS) - 1)),  # a pull request's plan, not applied
    st.tuples(st.just("merge"), st.integers(0, len(CONFIGS) - 1)),  # a config's plan, then its apply
    st.tuples(st.just("again")),  # nothing: the next plan follows one of the same store and org
)


def write_config(folder: Path, index: int) -> LoadedConfig:
    folder.mkdir(exist_ok=True)
    path = folder / "sfsync.yaml"
    path.write_text(HEADER + textwrap.dedent(CONFIGS[index]), encoding="utf-8")
    return load_config(path)


@dataclass
class History:
    """One store, one fake org and the config in force, replayed step by step."""

    folder: Path
    store: Store
    port: FakePort
    loaded: LoadedConfig

    def step(self, step: tuple[Any, ...]) -> None:
        name, *args = step
        if name == "person":  # a row the load refuses (its key taken by a record the read made) is left out
            email, title, domain = args
            values = {"email": email, "last_name": email.split("@")[0], "title": title, "company_domain": domain}
            update = RecordUpdate(Kind.PERSON, 2, None, normalise_email(email).value, values, {})
            self.store.workspace.upsert(Kind.PERSON, [update])
        elif name == "company":
            domain = normalise_domain(args[0]).value
            update = RecordUpdate(Kind.COMPANY, 2, None, domain, {"domain": domain, "name": args[1]}, {})
            self.store.workspace.upsert(Kind.COMPANY, [update])
        elif name == "config":
            self.loaded = write_config(self.folder, args[0])
        elif name == "apply":
            plan = make_plan(self.port, self.store, self.loaded)
            if plan.appliable:
                apply_plan(self.port, self.store, self.loaded, plan)
        elif name == "other":
            make_plan(self.port, self.store, write_config(self.folder / "other", args[0]))
        elif name == "again":
            pass
        elif name == "merge":
            self.loaded = write_config(self.folder, args[0])
            self.step(("apply",))
        else:
            self._salesforce(name, *args)

    def _salesforce(self, name: str, sobject: str, *args: Any) -> None:
        if name == "seed" and sobject == "Account":
            self.port.seed("Account", Name=args[0], Website=f"https://{args[0]}", Type=args[1])
        elif name == "seed":
            self.port.seed(sobject, LastName="Seeded", Company="Seeded", Email=args[0], Title=args[1])
        else:
            records = sorted(self.port.records[sobject])
            if not records:
                return
            record = records[args[0] % len(records)]
            if name == "delete":
                self.port.delete(sobject, record)
            elif name == "move":  # to another email: it leaves one person's records for another's
                self.port.edit(sobject, record, Email=args[1])
            elif sobject == "Account":
                self.port.edit(sobject, record, Type=(None, "Customer", "Prospect", None)[args[1]])
            else:
                self.port.edit(sobject, record, Title=TITLES[args[1]])

    def compare(self) -> Plan:
        """The incremental plan, after checking it against a from-scratch plan of a copy of the store."""
        scratch = copy_store(self.folder / "sfsync.db", self.folder / "scratch.db")
        try:
            scratch.derivations.clear()
            for sobject in ("Account", "Contact", "Lead", "Opportunity"):
                scratch.mirror.reset_watermark(sobject)
            expected = make_plan(self.port, scratch, self.loaded)
        finally:
            scratch.close()
        plan = make_plan(self.port, self.store, self.loaded)
        assert derived(plan) == derived(expected)
        return plan


def copy_store(source: Path, target: Path) -> Store:
    target.unlink(missing_ok=True)
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)  # the file alone may lag behind its write-ahead log
    return open_store(f"sqlite:///{target}")


def derived(plan: Plan) -> tuple[Any, ...]:
    return plan.changes, plan.skips, plan.play_entries, plan.diagnostics
