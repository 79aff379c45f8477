"""A seeded scenario's world: the workspace files, the config, and the records a person made first.

People belong to companies; those whose company's intent is High or Medium are in the audience of
the play that writes to Salesforce (in scope), the others must never be written. Some people and
companies exist in Salesforce before the first plan, made by a person with values of their own.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .org_process import Connection

IN_SCOPE_INTENTS = ("High", "Medium")
INTENTS = ("High", "Medium", "Low", "None")

CONNECTION = """\
version: 1
connection:
  instance_url: ${SF_INSTANCE_URL}
  api_version: "59.0"
  auth:
    method: password
    username: ${SF_USERNAME}
    password: ${SF_PASSWORD}
    security_token: ${SF_SECURITY_TOKEN}
  ca_bundle: ${SF_CA_BUNDLE}
  timeout_seconds: 20
"""

EMAILS_FILE = "emails.csv"  # loaded after the people (`World.emails`)
LATE_EMAILS_FILE = "late-emails.csv"  # loaded once the first writes converged (`World.late_emails`)
# One person the config excludes (`EXCLUSION`): never written, nor their emails, whatever their company's intent.
EXCLUDED_FIRST_NAME = "First3"
EXCLUSION = f"""\
exclusions:
  - name: not-first3
    applies_to: person
    where: {{{{field: person.first_name, op: eq, value: {EXCLUDED_FIRST_NAME}}}}}
"""
LEADS = (
    """\
sync:
  write: true
  person_object: leads
  owned_prefix: Sfsync_
  api: {api}
  email: {{write: true, object: email_message}}
  bulk_threshold: 1
mappings:
  Lead:
    Email: {{from: person.email, direction: read_write}}
    FirstName: person.first_name
    LastName: person.last_name
    Title: {{from: person.title, policy: if_unchanged}}
    Phone: person.work_phone
    Company: company.name
    Sfsync_Intent__c: company.intent_level
  Contact:
    FirstName: person.first_name
    LastName: person.last_name
    Title: {{from: person.title, policy: if_unchanged}}
    Phone: person.work_phone
defaults:
  Lead:
    Company: "{{{{ company.name or '[not provided]' }}}}"
    Status: Open - Not Contacted
    LeadSource: Other
plays:
  - name: engaged
    audience: {{object: person, where: {{field: company.intent_level, op: in, value: [High, Medium]}}}}
    sync_to_salesforce: {{}}
"""
    + EXCLUSION
)

CONTACTS = (
    """\
sync:
  write: true
  person_object: contacts_and_accounts
  owned_prefix: Sfsync_
  api: {api}
  email: {{write: true, object: email_message}}
  bulk_threshold: 1
{external_id}mappings:
  Account:
    Name: company.name
    Website: {{from: company.domain, direction: read_write}}
    Phone: company.phone
    Sfsync_Intent__c: company.intent_level
  Contact:
    Email: {{from: person.email, direction: read_write}}
    FirstName: person.first_name
    LastName: person.last_name
    Title: {{from: person.title, policy: if_unchanged}}
    Phone: person.work_phone
defaults:
  Contact: {{LeadSource: Other}}
plays:
  - name: engaged
    audience: {{object: person, where: {{field: company.intent_level, op: in, value: [High, Medium]}}}}
    sync_to_salesforce: {{}}
"""
    + EXCLUSION
)

# Two people of one company, as workspace files: the small world of the race and stale-plan tests.
PEOPLE = """\
email,first_name,last_name,title,work_phone,company_domain
alan@bletchley.example,Alan,Turing,Codebreaker,+1 555 0101,bletchley.example
joan@bletchley.example,Joan,Clarke,Cryptanalyst,+1 555 0102,bletchley.example
"""
COMPANIES = '{"domain": "bletchley.example", "name": "Bletchley Park", "intent_level": "High"}\n'

RACING_JOB_SIZE = 5  # creates per Bulk job in the `racing-creates` runs

TITLES = ("VP Sales", "CFO", "Engineer", "Analyst", "Head of Ops", "Director", "", "")


@dataclass(frozen=True)
class Company:
    domain: str
    name: str
    intent: str
    phone: str

    @property
    def in_scope(self) -> bool:
        return self.intent in IN_SCOPE_INTENTS


@dataclass(frozen=True)
class Person:
    email: str
    first_name: str
    last_name: str
    title: str
    phone: str
    company: Company


@dataclass(frozen=True)
class Variant:
    """How sfsync is configured for a run: the mode, the API and (contacts) the external id.

    `twist` names what else the run does to the org or the store (see `scenario.TWISTS`), "" for nothing.
    """

    mode: str  # leads | contacts
    api: str  # rest | bulk
    external_id: bool = False
    twist: str = ""
    write_guard: str = "conditional"  # sync.write_guard: conditional | recheck

    @property
    def emails_as_tasks(self) -> bool:
        """Enhanced Email is off in the org and `object: auto`: the emails become completed Tasks."""
        return self.twist == "enhanced-email-off"

    def describe(self) -> str:
        extra = "+external-id" if self.external_id else ""
        twist = f" {self.twist}" if self.twist else ""
        return f"{self.mode}/{self.api}{extra}{twist}"

    def config(self, *, write: bool = True) -> str:
        if self.mode == "leads":
            body = LEADS.format(api=self.api)
        else:
            external_id = "  external_id_field: Sfsync_Id__c\n" if self.external_id else ""
            body = CONTACTS.format(api=self.api, external_id=external_id)
        body = body.replace("sync:\n", f"sync:\n  write_guard: {self.write_guard}\n", 1)
        if self.twist.startswith("racing-creates"):  # several create jobs even in a small world, as at 10,000
            body = body.replace("sync:\n", f"sync:\n  bulk_create_job_size: {RACING_JOB_SIZE}\n", 1)
        if self.emails_as_tasks:
            body = body.replace("object: email_message", "object: auto", 1)
        return CONNECTION + (body if write else body.replace("  write: true\n", "  write: false\n", 1))

    @property
    def person_objects(self) -> tuple[str, ...]:
        return ("Lead", "Contact") if self.mode == "leads" else ("Contact",)


@dataclass
class World:
    """The workspace of one run; `human_values[(object, id)]` holds what the person set by hand."""

    variant: Variant
    companies: list[Company]
    people: list[Person]
    human_values: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    human_made: set[tuple[str, str]] = field(default_factory=set)
    # A person's email a person changed in Salesforce: workspace email -> the record's email now.
    renamed: dict[str, str] = field(default_factory=dict)
    # People whose create a duplicate rule blocks with another person's record: never written, never linked.
    blocked: set[str] = field(default_factory=set)
    # People a person created while apply ran, racing sfsync's create (`racing`): email -> (object, id).
    raced: dict[str, tuple[str, str]] = field(default_factory=dict)
    # Whether the late emails (`late_emails`) were loaded: their writes are then expected too.
    late_loaded: bool = False

    def remember(self, sobject: str, record_id: str, values: dict[str, Any]) -> None:
        """A value set by hand: sfsync must never change it."""
        self.human_values.setdefault((sobject, record_id), {}).update(values)

    @property
    def in_scope(self) -> list[Person]:
        return [p for p in self.people if p.company.in_scope]

    @staticmethod
    def excluded(person: Person) -> bool:
        return person.first_name == EXCLUDED_FIRST_NAME

    def messages(self, *, late: bool) -> list[tuple[str, str, Person]]:
        """(message id as stored, subject, person) of every email loaded, or of the late ones."""
        if late:
            return [(f"<follow.{n}@team.example>", f"Follow-up {n}", p) for n, p in enumerate(self.people[::3])]
        found = []
        for number, person in enumerate(self.people[::3]):
            found.append((f"<out.{number}@team.example>", f"Hello {number}", person))
            found.append((f"<re.{number}@mail.{person.company.domain}>", f"Re: Hello {number}", person))
        return found

    def emails(self) -> list[str]:
        """The CSV rows of the emails loaded: every third person's, one outbound and its inbound reply."""
        rows = ["message_id,direction,from,to,subject,sent_at,person"]
        for number, person in enumerate(self.people[::3]):
            rows.append(f"<out.{number}@team.example>,outbound,us@team.example,{person.email},Hello {number},"
                        f"2026-03-01T09:00:00Z,{person.email}")  # fmt: skip
            rows.append(f"<re.{number}@Mail.{person.company.domain}>,inbound,{person.email},us@team.example,"
                        f"Re: Hello {number},2026-03-01T10:00:00Z,{person.email}")  # fmt: skip
        return rows

    def late_emails(self) -> list[str]:
        """The CSV rows of a follow-up to every third person, loaded once the first writes converged, so that
        the faults of a second apply hit email creates (a renamed person's is left out: their loaded email
        may have moved)."""
        rows = ["message_id,direction,from,to,subject,sent_at,person"]
        for message, subject, person in self.messages(late=True):
            if person.email not in self.renamed:
                rows.append(f"{message},outbound,us@team.example,{person.email},{subject},2026-03-02T09:00:00Z,"
                            f"{person.email}")  # fmt: skip
        return rows

    def write_files(self, directory: Path) -> tuple[Path, Path]:
        companies = directory / "companies.jsonl"
        lines = [
            json.dumps({"domain": c.domain, "name": c.name, "intent_level": c.intent, "phone": c.phone})
            for c in self.companies
        ]
        companies.write_text("\n".join(lines) + "\n", "utf-8")
        people = directory / "people.csv"
        rows = ["email,first_name,last_name,title,work_phone,company_domain"]
        rows += [f"{p.email},{p.first_name},{p.last_name},{p.title},{p.phone},{p.company.domain}" for p in self.people]
        people.write_text("\n".join(rows) + "\n", "utf-8")
        (directory / EMAILS_FILE).write_text("\n".join(self.emails()) + "\n", "utf-8")
        (directory / "sfsync.yaml").write_text(self.variant.config(), "utf-8")
        return companies, people


def build_world(rng: random.Random, variant: Variant, people: int) -> World:
    companies = [
        Company(f"c{i}.example", f"Company {i}", rng.choice(INTENTS), f"+1 555 {1000 + i}")
        for i in range(max(people // 4, 1))
    ]
    persons = [
        Person(
            f"p{i}@{company.domain}",
            f"First{i}",
            f"Last{i}",
            rng.choice(TITLES),
            f"+1 555 {2000 + i}",
            company,
        )
        for i, company in enumerate(rng.choice(companies) for _ in range(people))
    ]
    return World(variant, companies, persons)


def environment(connection: Connection, store_url: str, base: dict[str, str]) -> dict[str, str]:
    """What `sfsync` needs to connect: the config's `${VAR}`s and the store."""
    return {
        **base,
        "SF_INSTANCE_URL": connection.instance_url,
        "SF_USERNAME": connection.username,
        "SF_PASSWORD": connection.password,
        "SF_SECURITY_TOKEN": connection.security_token,
        "SF_CA_BUNDLE": connection.ca_file,
        "SFSYNC_STORE": store_url,
        "NO_COLOR": "1",
        "COLUMNS": "200",
    }
