"""The two promises, checked against the org's own tables and the store after a run has converged.

- no two Salesforce records for one workspace person or company: by link (the store) and by email
  (people) or website domain (companies) in the org;
- no value a person set by hand was changed;
- every in-scope person written: one record with their email, linked, carrying the values sfsync owns
  and every mapped value nobody else had set; no out-of-scope or excluded person created;
- each email once, on its person, and only once its person is in Salesforce (`email_invariants.py`).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from sfsync.catalogue import Kind
from sfsync.store import open_store
from sfsync.store.normalise import normalise_domain

from .email_invariants import check_emails
from .findings import Findings
from .org_process import OrgProcess
from .world import Person, World

PERSON_FIELDS = ["Email", "FirstName", "LastName", "Title", "Phone"]
EXTRA = {"Lead": ["Sfsync_Intent__c"], "Contact": ["AccountId"]}


def _same(field_name: str, actual: Any, expected: Any) -> bool:
    if field_name in ("Email", "Website"):
        return str(actual or "").lower() == str(expected or "").lower()
    return actual == expected


def check(org: OrgProcess, store_url: str, world: World) -> Findings:
    findings = Findings()
    people = {obj: org.live_records(obj, [*PERSON_FIELDS, *EXTRA[obj]]) for obj in world.variant.person_objects}
    accounts = {a["Id"]: a for a in org.live_records("Account", ["Website", "Name", "Sfsync_Intent__c"])}
    linked = _check_links(store_url, {r["Id"] for rows in people.values() for r in rows}, set(accounts), findings)
    linked_people = _linked_emails(store_url, world.blocked)
    _check_human_values(org, world, findings)
    by_email: dict[str, list[tuple[str, dict[str, Any]]]] = {}
    for obj, rows in people.items():
        for row in rows:
            by_email.setdefault(str(row["Email"] or "").lower(), []).append((obj, row))
    _check_renamed(store_url, world, findings)
    created = _created_at(org, world) if world.raced else {}
    for person in world.people:
        found = by_email.get(world.renamed.get(person.email, person.email), [])
        if world.excluded(person):
            if any(not _human_made(world, f) for f in found):
                findings.unwritten.append(f"excluded {person.email} was created")
            continue
        if person.email in world.blocked:
            if found or person.email in linked_people:
                findings.duplicates.append(f"{person.email}, blocked by a duplicate rule, was written or linked")
            continue
        if len(found) > 1 and _created_by_race(world, person.email, found, created, findings):
            continue
        if len(found) > 1:
            findings.duplicates.append(f"{len(found)} records for {person.email}: {[r['Id'] for _, r in found]}")
        elif not found and person.company.in_scope:
            findings.unwritten.append(f"no record for in-scope {person.email}")
        elif found and not person.company.in_scope and not _human_made(world, found[0]):
            findings.unwritten.append(f"out-of-scope {person.email} was created")
        elif found and person.company.in_scope:
            obj, row = found[0]
            if row["Id"] not in linked:
                findings.unwritten.append(f"{obj} {row['Id']} of in-scope {person.email} is not linked")
            _check_written(world, person, obj, row, findings)
            if world.variant.mode == "contacts":
                _check_account(world, person, row, accounts, findings)
    findings.emails_written = check_emails(org, world, by_email, findings)
    if world.variant.mode == "contacts":
        domains = Counter(normalise_domain(str(a["Website"] or "")).value for a in accounts.values())
        for company in world.companies:
            if domains[company.domain] > 1:
                findings.duplicates.append(f"{domains[company.domain]} accounts for {company.domain}")
    return findings


def _created_at(org: OrgProcess, world: World) -> dict[str, float]:
    """When each live record of the person objects was created (its `CreatedDate`: whole seconds)."""
    found: dict[str, float] = {}
    for obj in world.variant.person_objects:
        for row in org.live_records(obj, ["CreatedDate"]):
            found[str(row["Id"])] = dt.datetime.strptime(str(row["CreatedDate"]), "%Y-%m-%dT%H:%M:%S.%f%z").timestamp()
    return found


def _created_by_race(
    world: World, email: str, found: list[tuple[str, dict[str, Any]]], created: dict[str, float], findings: Findings
) -> bool:
    """Two records for `email`, one the racing person's and one sfsync's, in an org with no rule to refuse either."""
    raced = world.raced.get(email)
    if world.variant.twist != "racing-creates-no-rule" or raced is None or len(found) != 2:
        return False
    ids = {(obj, str(row["Id"])) for obj, row in found}
    others = [pair for pair in ids if pair != raced and pair not in world.human_made]
    if raced not in ids or len(others) != 1:
        return False
    (obj, sfsync_id), person_id = others[0], raced[1]
    gap = created.get(sfsync_id, 0.0) - created.get(person_id, 0.0)
    findings.race_duplicates.append(f"{email}: the person's {obj} {person_id} and sfsync's {sfsync_id}, {gap:+.2f}s")
    findings.race_gaps.append(round(gap, 3))
    return True


def _linked_emails(store_url: str, emails: set[str]) -> set[str]:
    """Which of these workspace people have a link to any Salesforce record."""
    if not emails:
        return set()
    with open_store(store_url) as store:
        found = {email: store.workspace.find(Kind.PERSON, email) for email in emails}
        return {email for email, record in found.items() if record and store.links.for_record(Kind.PERSON, record.id)}


def _check_renamed(store_url: str, world: World, findings: Findings) -> None:
    """A person whose email was changed in Salesforce stays one workspace person: under the new email when
    sfsync saw the change, or still under the loaded one (a rebuilt store loads it again), never both."""
    if not world.renamed:
        return
    with open_store(store_url) as store:
        for old, new in world.renamed.items():
            moved, left = store.workspace.find(Kind.PERSON, new.lower()), store.workspace.find(Kind.PERSON, old)
            if (moved is None) == (left is None):
                ids = {old: left.id if left else None, new: moved.id if moved else None}
                findings.duplicates.append(f"person {old}, renamed {new} in Salesforce: workspace ids {ids}")


def _human_made(world: World, found: tuple[str, dict[str, Any]]) -> bool:
    return (found[0], found[1]["Id"]) in world.human_made


def _check_account(
    world: World, person: Person, row: dict[str, Any], accounts: dict[str, dict[str, Any]], findings: Findings
) -> None:
    if "AccountId" in world.human_values.get(("Contact", row["Id"]), {}):
        return  # a person chose the Account; the human-value check holds sfsync to it
    account = accounts.get(str(row.get("AccountId")))
    if account is None:
        findings.unwritten.append(f"Contact {row['Id']} ({person.email}) has no live Account")
        return
    if normalise_domain(str(account["Website"] or "")).value != person.company.domain:
        findings.unwritten.append(f"Contact {row['Id']} ({person.email}) is on Account {account['Id']}, another domain")
    human = world.human_values.get(("Account", account["Id"]), {})
    if "Sfsync_Intent__c" not in human and account["Sfsync_Intent__c"] != person.company.intent:
        findings.unwritten.append(f"Account {account['Id']}: Sfsync_Intent__c is {account['Sfsync_Intent__c']!r}")


def _check_written(world: World, person: Person, obj: str, row: dict[str, Any], findings: Findings) -> None:
    email = person.email
    human = world.human_values.get((obj, row["Id"]), {})
    expected = {"FirstName": person.first_name, "LastName": person.last_name, "Phone": person.phone}
    if person.title:
        expected["Title"] = person.title
    if obj == "Lead":
        expected["Sfsync_Intent__c"] = person.company.intent
    for name, value in expected.items():
        if name not in human and not _same(name, row[name], value):
            findings.unwritten.append(f"{obj} {row['Id']} ({email}): {name} is {row[name]!r}, expected {value!r}")


def _check_human_values(org: OrgProcess, world: World, findings: Findings) -> None:
    trace: list[dict[str, Any]] = org.control("trace")
    by_object: dict[str, set[str]] = {}
    for obj, _record_id in world.human_values:
        by_object.setdefault(obj, set())
    for obj in by_object:
        names = sorted({name for (o, _), values in world.human_values.items() if o == obj for name in values})
        current = {row["Id"]: row for row in org.live_records(obj, names)}
        for (o, record_id), values in world.human_values.items():
            if o != obj:
                continue
            row = current.get(record_id)
            if row is None:
                findings.overwrites.append(f"{obj} {record_id} made or edited by a person is gone")
                continue
            for name, value in values.items():
                if not _same(name, row[name], value):
                    found = f"{obj} {record_id}: {name} {value!r} became {row[name]!r}"
                    raced = in_flight(trace, org.connection.username, obj, record_id, name)
                    (findings.raced if raced else findings.overwrites).append(found)


def in_flight(trace: list[dict[str, Any]], integration: str, obj: str, record_id: str, name: str) -> bool:
    """Whether a person wrote `name` after sfsync last re-checked the record and before sfsync last wrote it.

    From the org's own trace: sfsync's last write of the field, the last read of the record by sfsync
    before it (a retrieve by Id, or a Bulk query of the object), and a person's write of the field between.
    """
    mine = [e for e in trace if e["sobject"] == obj and e["record_id"] in (record_id, "*")]
    writes = [e["at"] for e in mine if e["kind"] == "write" and e["user"] == integration and name in e["fields"]]
    if not writes:
        return False
    written = max(writes)
    reads = [e["at"] for e in mine if e["kind"] == "read" and e["user"] == integration and e["at"] <= written]
    if not reads:
        return False
    checked = max(reads)
    human = (e for e in mine if e["kind"] == "write" and e["user"] != integration and name in e["fields"])
    return any(checked < e["at"] < written for e in human)


def _check_links(store_url: str, person_ids: set[str], account_ids: set[str], findings: Findings) -> set[str]:
    """Duplicates by link; the Ids linked to people."""
    with open_store(store_url) as store:
        person_links = list(store.links.links(Kind.PERSON))
        company_links = list(store.links.links(Kind.COMPANY))
    per_person = Counter(link.workspace_id for link in person_links)
    findings.duplicates.extend(f"person {wid} linked to {n} records" for wid, n in per_person.items() if n > 1)
    for link in person_links:
        if link.sf_id not in person_ids:
            findings.unwritten.append(f"person {link.workspace_id} linked to {link.object} {link.sf_id}, not live")
    for link in company_links:
        if link.sf_id not in account_ids:
            findings.unwritten.append(f"company {link.workspace_id} linked to {link.sf_id}, not live")
    return {link.sf_id for link in person_links}
