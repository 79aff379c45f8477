"""The email promises, checked against the org's own tables after a run has converged.

- one EmailMessage per `MessageIdentifier` (with Enhanced Email off: one completed Task per person and
  subject), and one EmailMessageRelation per email and person;
- no email for an excluded person, nor for a person who is not in Salesforce;
- every email of a writable person (in scope, not excluded, not blocked, in Salesforce once) written and
  related to that person's record: the early emails (`World.messages`) and, once loaded, the late ones.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sfsync.store.normalise import normalise_message_id

from .findings import Findings
from .org_process import OrgProcess
from .world import World

Records = dict[str, list[tuple[str, dict[str, Any]]]]  # lower-cased email -> the live person records


@dataclass(frozen=True)
class _Written:
    """What the org holds of one loaded email (message id, subject): anywhere at all, and on a record."""

    anywhere: Callable[[str, str], bool]
    on_record: Callable[[str, str, str], int]  # how many times it is related to that record (a Task: on it)


def check_emails(org: OrgProcess, world: World, people: Records, findings: Findings) -> int:
    """Record what is broken in `findings`; how many emails are in the org (EmailMessages and Email Tasks)."""
    emails = org.live_records("EmailMessage", ["MessageIdentifier"])
    if world.variant.emails_as_tasks:
        findings.unwritten.extend(f"EmailMessage {e['Id']} written with Enhanced Email off" for e in emails)
        tasks = [
            t for t in org.live_records("Task", ["WhoId", "Subject", "TaskSubtype"]) if t["TaskSubtype"] == "Email"
        ]
        on = Counter((str(t["WhoId"])[:15], str(t["Subject"])) for t in tasks)
        findings.duplicates.extend(f"{n} Email Tasks on {who} for {what!r}" for (who, what), n in on.items() if n > 1)
        subjects = {str(t["Subject"]) for t in tasks}
        _expect(world, people, findings, _Written(lambda _m, s: s in subjects, lambda _m, s, r: on[(r[:15], s)]))
        return len(emails) + len(tasks)
    by_message: dict[str, list[str]] = {}
    for email in emails:
        by_message.setdefault(normalise_message_id(str(email["MessageIdentifier"] or "")).value, []).append(email["Id"])
    findings.duplicates.extend(f"{len(ids)} EmailMessages for {m}" for m, ids in by_message.items() if len(ids) > 1)
    relations = Counter(
        (str(r["EmailMessageId"])[:15], str(r["RelationId"])[:15])
        for r in org.live_records("EmailMessageRelation", ["EmailMessageId", "RelationId"])
    )
    findings.duplicates.extend(f"{n} relations of {pair[0]} to {pair[1]}" for pair, n in relations.items() if n > 1)

    def related(message: str, _subject: str, record: str) -> int:
        return sum(relations[(sf_id[:15], record[:15])] for sf_id in by_message.get(message, []))

    _expect(world, people, findings, _Written(lambda m, _s: m in by_message, related))
    return len(emails)


def _expect(world: World, people: Records, findings: Findings, written: _Written) -> None:
    late = world.messages(late=True) if world.late_loaded else []
    for message, subject, person in [*world.messages(late=False), *late]:
        if person.email in world.renamed:
            continue  # their email may have moved with the record (or not, in a rebuilt store): not asserted
        records = people.get(person.email, [])
        if world.excluded(person) or person.email in world.blocked or not records:
            why = "excluded" if world.excluded(person) else "blocked" if records else "not-in-Salesforce"
            if written.anywhere(message, subject):
                findings.unwritten.append(f"email {message} of {why} person {person.email} was written")
            continue
        if len(records) != 1 or not person.company.in_scope:
            continue  # a duplicate person is the person checks' finding; out of scope with a record: not asserted
        count = written.on_record(message, subject, str(records[0][1]["Id"]))
        if count == 0:
            where = "not written" if not written.anywhere(message, subject) else "not on their record"
            findings.unwritten.append(f"email {message} of in-scope {person.email} was {where}")
        elif count > 1:
            findings.duplicates.append(f"email {message} is related {count} times to {person.email}'s record")
