"""Refresh and apply report their work through the progress port, object by object."""

from __future__ import annotations

from engine_support import CONTACTS, add_companies, add_people

from sfsync.engine.applying.applier import apply_plan
from sfsync.engine.planning.planner import make_plan


class Recorder:
    """A progress display that remembers every call."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str, str, int | None]] = []

    def start(self, phase: str, sobject: str, total: int | None = None) -> None:
        self.calls.append(("start", phase, sobject, total))

    def advance(self, phase: str, sobject: str, count: int) -> None:
        self.calls.append(("advance", phase, sobject, count))

    def finish(self, phase: str, sobject: str) -> None:
        self.calls.append(("finish", phase, sobject, None))


def test_refresh_and_apply_report_each_object(store, port, write_config):
    port.seed("Contact", LastName="Hopper", Email="grace@acme.example")
    add_companies(store, {"domain": "acme.example", "name": "Acme", "intent_level": "High"})
    add_people(store, {"email": "ada@acme.example", "last_name": "Lovelace", "company_domain": "acme.example"})
    loaded = write_config(CONTACTS)
    planning = Recorder()
    plan = make_plan(port, store, loaded, progress=planning)
    read = [c for c in planning.calls if c[:3] == ("advance", "refresh", "Contact")]
    assert read == [("advance", "refresh", "Contact", 1)]
    assert ("finish", "refresh", "Account", None) in planning.calls

    applying = Recorder()
    report = apply_plan(port, store, loaded, plan, progress=applying)
    sent = {(c[2], c[3]) for c in applying.calls if c[:2] == ("advance", "apply")}
    started = {(c[2], c[3]) for c in applying.calls if c[:2] == ("start", "apply")}
    # one Account created, then two Contacts: Ada created, Grace given the new AccountId
    assert started == sent == {("Account", 1), ("Contact", 2)}
    assert report.counts() == {"written": 3}
