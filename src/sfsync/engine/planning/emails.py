"""Planning the workspace's emails: one create per email not yet in Salesforce, as an EmailMessage or a
completed Task (`email_objects.choose_email_object`).

Rules (docs/sync-rules.md "Email messages"):
- an email is planned only when `sync.write` and `sync.email.write` are on, and only once its person is
  in Salesforce: linked to a Contact or Lead, or matched to one this plan updates. sfsync never creates
  a person for an email; an email of a person not there yet is a skip (`no_person`), planned again by
  every later plan until the person is;
- an excluded person's emails are skipped (`excluded`), whatever the exclusion;
- an email written once (`sf_id` in the store) is never planned again: created once, never updated;
- emails come after every person (`EMAIL_BATCH`), so the person's Contact or Lead is linked when the
  email's relation is made.

The emails still to write are streamed: read from the store a page at a time, a page being the emails
of a few people (about `PAGE` emails; one person with more makes a page alone), in person order, each
page's people and links read with it and each create passed on as it is made (into the plan's spool), so
a backfill's bodies are never all held and each person is read once. Skips are kept (small: no bodies)
until the plan's skips are written.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sfsync.catalogue import Kind
from sfsync.config.email_mappings import EMAIL_OBJECT, email_mappings
from sfsync.config.models import CompanyMatch, Config, PersonObject
from sfsync.engine.planning.email_objects import TASK, EmailObjectChoice, choose_email_object, task_wanted
from sfsync.engine.planning.exclusions import exclusion_for
from sfsync.engine.plans.identity import EmailKind
from sfsync.engine.plans.plan import Action, FieldChange, FieldSkip, RecordChange, Skip, SkipCode, WorkspaceRef
from sfsync.engine.subject import Subject
from sfsync.engine.subjects import subjects_of
from sfsync.engine.values import InvalidFieldValue, TemplateFailure, Wanted, decide, wanted_values
from sfsync.salesforce.port import ObjectDescribe
from sfsync.store import Store
from sfsync.store.emails import EmailMessage
from sfsync.store.subject_reads import SubjectReads

EMAIL_BATCH = 2  # after Accounts (0) and people (1)
EMAILS_WRITTEN_AS = frozenset({EMAIL_OBJECT, TASK})  # the objects sfsync writes only for emails
EMAIL_KIND = EmailKind.EMAIL  # the workspace kind of an email's changes and skips (emails are not a `Kind`)
PERSON_OBJECTS = ("Contact", "Lead")
ADDRESS_SEPARATOR = "; "  # how Salesforce's ToAddress and CcAddress list addresses
PAGE = 1000  # about how many emails are planned at a time: their bodies, people and links are what a plan holds


@dataclass(frozen=True)
class PersonRecord:
    """The Contact or Lead an email is related to."""

    sobject: str
    sf_id: str


class EmailPlanner:
    """Plans the emails once the people's changes went by: `note` each change (in plan order), then
    `changes()` yields the email creates and fills `skips`. Holds the ids of the people with emails to
    write, and the record each of them is matched to by this plan."""

    def __init__(self, store: Store, config: Config, describes: Mapping[str, ObjectDescribe]) -> None:
        self.store, self.config, self.describes = store, config, describes
        writing = config.sync.email.write
        self.people = store.emails.unwritten_counts() if writing else {}  # person id -> emails to write
        self.matched: dict[str, PersonRecord] = {}
        self.skips: list[Skip] = []

    def concerns(self, record: tuple[str, str, str]) -> bool:
        """Whether a change of `record` (workspace kind and id, object) may tell `note` something."""
        kind, workspace_id, sobject = record
        return kind == Kind.PERSON and workspace_id in self.people and sobject in PERSON_OBJECTS

    def note(self, change: RecordChange) -> None:
        """A person matched (not linked yet) to a record this plan updates: linked by apply before the email."""
        person = change.workspace
        if (
            person.kind == Kind.PERSON
            and change.sf_id
            and person.id in self.people
            and change.sobject in PERSON_OBJECTS
        ):
            self.matched.setdefault(person.id, PersonRecord(change.sobject, change.sf_id))

    def changes(self) -> Iterator[RecordChange]:
        if self.people:
            yield from plan_emails(self.store, self.config, self.describes, self.matched, self.skips, self.people)


def plan_emails(
    store: Store,
    config: Config,
    describes: Mapping[str, ObjectDescribe],
    matched: Mapping[str, PersonRecord],
    skips: list[Skip],
    counts: Mapping[str, int],
) -> Iterator[RecordChange]:
    """Every email not yet in Salesforce (`counts`: how many each person has), by person, then time sent: a
    create when its person is there, else a skip with why (appended to `skips`). One page of emails, with
    its people and links, is held at a time."""
    if not config.sync.email.write or not counts:
        return
    choice = choose_email_object(config, describes, store)
    reads = SubjectReads(store.session, registrable=config.sync.company_match is CompanyMatch.REGISTRABLE_DOMAIN)
    for people in _pages(counts):
        page = store.emails.unwritten_of(people)
        yield from _planned_page(store, config, describes, matched, choice, reads, page, skips)


def _pages(counts: Mapping[str, int]) -> Iterator[list[str]]:
    """The people in id order, in groups whose emails reach `PAGE` (a person with more is a group alone)."""
    group: list[str] = []
    size = 0
    for person_id in sorted(counts):
        group.append(person_id)
        size += counts[person_id]
        if size >= PAGE:
            yield group
            group, size = [], 0
    if group:
        yield group


def _planned_page(
    store: Store,
    config: Config,
    describes: Mapping[str, ObjectDescribe],
    matched: Mapping[str, PersonRecord],
    choice: EmailObjectChoice,
    reads: SubjectReads,
    page: Sequence[EmailMessage],
    skips: list[Skip],
) -> Iterator[RecordChange]:
    sobject = choice.sobject or EMAIL_OBJECT
    people = {s.id: s for s in subjects_of(store, reads, Kind.PERSON, sorted({e.person_id for e in page}))}
    links = store.links.for_records(Kind.PERSON, list(people))
    describe = describes.get(sobject)
    for email in page:
        person = people.get(email.person_id)
        ref = email_ref(email, person)
        if person is None:
            continue  # the person left the workspace: their emails went with them
        why = _not_written(config, person, describes) or _no_object(choice)
        if why is not None:
            skips.append(Skip(ref, sobject, why[0], why[1]))
            continue
        found = person_record(config, [(link.object, link.sf_id) for link in links.get(person.id, [])])
        found = found or matched.get(person.id)
        if found is None:
            why_not = f"{person.label} is not in Salesforce yet: the email is written once they are"
            skips.append(Skip(ref, sobject, SkipCode.NO_PERSON, why_not))
            continue
        change = _create(config, describe, email, person, found)
        if isinstance(change, Skip):
            skips.append(change)
        else:
            yield change


def email_ref(email: EmailMessage, person: Subject | None) -> WorkspaceRef:
    """An email as the plan names it: its subject and its person."""
    who = person.label if person is not None else email.person_id
    return WorkspaceRef(EMAIL_KIND, email.id, f"{email.subject or '(no subject)'} · {who}")


def person_record(config: Config, linked: Sequence[tuple[str, str]]) -> PersonRecord | None:
    """The person's Contact or Lead among their links; the mode's object first."""
    order = ("Lead", "Contact") if config.sync.person_object is PersonObject.LEADS else PERSON_OBJECTS
    by_object = dict(linked)
    return next((PersonRecord(name, by_object[name]) for name in order if name in by_object), None)


def relation_type(email: EmailMessage, person_email: str | None) -> str:
    """The person's role in the email: its sender when it came in, else the recipient they are (To or Cc)."""
    if email.incoming:
        return "FromAddress"
    cc = {address.lower() for address in email.cc_addresses}
    to = {address.lower() for address in email.to_addresses}
    return "CcAddress" if person_email and person_email in cc and person_email not in to else "ToAddress"


def email_context(email: EmailMessage) -> dict[str, Any]:
    """The `email.*` values mappings and templates read; address lists joined as Salesforce holds them."""
    values: dict[str, Any] = {
        "message_id": email.message_id,
        "thread_id": email.thread_id,
        "direction": str(email.direction),
        "from_address": email.from_address,
        "to_addresses": ADDRESS_SEPARATOR.join(email.to_addresses) or None,
        "cc_addresses": ADDRESS_SEPARATOR.join(email.cc_addresses) or None,
        "subject": email.subject,
        "html_body": email.html_body,
        "text_body": email.text_body,
        "sent_at": email.sent_at,
        "incoming": email.incoming,
        "status": email.status,
        "attributes": dict(email.attributes),
    }
    return {EMAIL_KIND: values}


def _not_written(
    config: Config, person: Subject, describes: Mapping[str, ObjectDescribe]
) -> tuple[SkipCode, str] | None:
    excluded = exclusion_for(person, config.exclusions, describes)
    if excluded is not None:
        return SkipCode.EXCLUDED, f"{person.label} is excluded by {excluded}: their emails are not written"
    if not config.sync.write:
        return SkipCode.WRITE_DISABLED, "sync.write is false"
    return None


def _no_object(choice: EmailObjectChoice) -> tuple[SkipCode, str] | None:
    if choice.sobject is not None:
        return None
    return SkipCode.UNAPPLIABLE, f"{choice.reason}: grant one of them (`sfsync doctor` says where)"


def _create(
    config: Config,
    describe: ObjectDescribe | None,
    email: EmailMessage,
    subject: Subject,
    person: PersonRecord,
) -> RecordChange | Skip:
    """The email's create as `describe`'s object: an EmailMessage of its mapped values (templates see
    `email`, `person` and `company`), or a completed Task on the person."""
    ref = email_ref(email, subject)
    sobject = describe.name if describe else EMAIL_OBJECT
    if sobject == TASK:
        wanted = task_wanted(email, person.sf_id)
        match = f"a completed Task on {person.sobject} {person.sf_id} (WhoId)"
    else:
        try:
            wanted = _email_wanted(config, email, subject)
        except TemplateFailure as failure:
            return Skip(ref, sobject, SkipCode.UNAPPLIABLE, f"template failed: {failure}")
        match = f"related to {person.sobject} {person.sf_id} as {relation_type(email, _email_of(subject))}"
    fields: list[FieldChange] = []
    skipped: list[FieldSkip] = []
    for item in wanted:
        info = describe.field(item.field) if describe else None
        if info is None or not info.createable:
            continue  # reported once by the metadata checks, not per email
        try:
            decided = decide(item, None, None, create=True, info=info)
        except InvalidFieldValue as failure:
            return Skip(ref, sobject, SkipCode.INVALID_VALUE, f"invalid value: {failure.reason}")
        if isinstance(decided, FieldChange):
            fields.append(decided)
        elif isinstance(decided, FieldSkip):
            skipped.append(decided)
    return RecordChange(
        f"{sobject}/{email.id}", sobject, Action.CREATE, ref, None, match,
        tuple(fields), tuple(skipped), EMAIL_BATCH,
    )  # fmt: skip


def _email_wanted(config: Config, email: EmailMessage, subject: Subject) -> list[Wanted]:
    defaults = [("default", config.defaults.get(EMAIL_OBJECT, {}))]
    context = {**subject.context(), **email_context(email)}
    return wanted_values(EMAIL_OBJECT, email_mappings(config), defaults, context, config.sync.owned_prefix)


def _email_of(person: Subject) -> str | None:
    raw = person.values.get("email")
    return str(raw).lower() if raw else None


def emails_in(changes: Sequence[RecordChange]) -> Iterator[RecordChange]:
    """The email creates among a plan's changes."""
    return (c for c in changes if c.workspace.kind == EMAIL_KIND)
