"""The write set: visiting each workspace record once, deciding what is written where, and why not.

Write scope (DESIGN §3): `sync.write` on, not excluded, and either a new entrant of a play that syncs
to Salesforce or a linked record sfsync created or wrote before. Accounts are planned before the
Contacts that need them (batch 0 before batch 1); an Account created in the same apply is referenced
by its change key and its Id is filled in at apply.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from sfsync.catalogue import Kind
from sfsync.config import LoadedConfig
from sfsync.config.models import Config, ContactsWithoutAccount, PersonObject, Play, Policy
from sfsync.engine.planning.derived_form import Derived
from sfsync.engine.planning.exclusions import exclusion_for
from sfsync.engine.planning.field_rules import FieldRules
from sfsync.engine.planning.matching import Target, account_target, person_target
from sfsync.engine.planning.plan_output import drops
from sfsync.engine.planning.plays import membership
from sfsync.engine.planning.record_fields import RecordFields
from sfsync.engine.planning.write_sources import ACCOUNT_FIELD, ACCOUNT_SOURCE, WantedSources
from sfsync.engine.plans.plan import (
    Action,
    FieldChange,
    FieldSkip,
    KnownAfterApply,
    PlayEntry,
    RecordChange,
    Skip,
    SkipCode,
    WorkspaceRef,
)
from sfsync.engine.sensitive import ValueDigests
from sfsync.engine.subject import Subject
from sfsync.engine.values import TemplateFailure, Wanted
from sfsync.salesforce.port import ObjectDescribe
from sfsync.store import Store
from sfsync.store.normalise import normalise_domain, normalise_email
from sfsync.store.subject_reads import SubjectReads

ACCOUNT_BATCH, PERSON_BATCH = 0, 1


class WriteSet:
    """Decides each visited record's changes, skips, play entries and template failures into `current`,
    which whoever visits takes and replaces between visits: nothing of a record is kept once its visit
    is over but what later visits need (each company's Account, for its people's Contacts)."""

    def __init__(
        self,
        store: Store,
        loaded: LoadedConfig,
        describes: Mapping[str, ObjectDescribe],
        members: dict[str, set[str]],
        held: Mapping[tuple[str, str], str] | None,
        reads: SubjectReads,
    ) -> None:
        self.store, self.loaded, self.describes, self.members = store, loaded, describes, members
        self.held = held or {}  # records a merge left ambiguous (refresh): never written this plan
        self.reads = reads  # built once, by whoever visits (it may note what each visit reads)
        self.config: Config = loaded.config
        self.leads_mode = self.config.sync.person_object is PersonObject.LEADS
        self.current = Derived()
        self._plays: dict[Kind, tuple[Play, ...]] = {}  # each kind's plays, in config order
        for play in self.config.plays:
            self._plays[play.audience.object] = (*self._plays.get(play.audience.object, ()), play)
        self._accounts: dict[str, str | KnownAfterApply | None] = {}
        self._no_account: dict[str, str] = {}  # company id -> why its people's Contacts have no Account
        self.sources = WantedSources(self.config)  # each object's mappings and defaults, worked out once
        digests = ValueDigests(store.plan_key.key())
        rules = FieldRules(describes, self.config.sync.external_id_field)
        self.fields = RecordFields(describes, rules, digests, self.sources.constants)

    # --- visiting ---------------------------------------------------------------------------------------
    def visit_company(self, subject: Subject) -> None:
        writing = self._enter(subject)
        if self.leads_mode:
            if writing:
                self._skip(subject, "Account", SkipCode.MODE, "Leads mode writes no Accounts")
            return
        target = self._unless_held(subject, account_target(self.reads, subject.id, _domain(subject)))
        if self._gate(subject, target, writing):
            self._account(subject, target, writing)

    def visit_person(self, subject: Subject) -> None:
        writing = self._enter(subject)
        target = person_target(
            self.reads,
            subject.id,
            _email(subject),
            leads_mode=self.leads_mode,
            match_leads=self.config.sync.match_leads_in_contacts_mode,
        )
        target = self._unless_held(subject, target)
        if not self._gate(subject, target, writing):
            return
        extra: list[Wanted] = []
        account = self._account_of(subject, writing) if target.sobject == "Contact" and not self.leads_mode else None
        if account is not None:
            extra.append(Wanted(ACCOUNT_FIELD, account, ACCOUNT_SOURCE, Policy.IF_EMPTY))
        elif self._needs_account(target):
            self._skip(subject, target.sobject, SkipCode.NO_ACCOUNT, self._why_no_account(subject))
            return
        self._change(f"{target.sobject}/{subject.id}", subject, target, writing, PERSON_BATCH, extra)

    # --- scope ------------------------------------------------------------------------------------------
    def _enter(self, subject: Subject) -> tuple[str, ...]:
        plays = self._plays.get(subject.kind, ())
        current = [name for name, ids in self.members.items() if subject.id in ids]
        if not plays and not current:
            return ()  # in no play's audience and recorded in none: nothing entered, left or written
        member = membership(plays, subject, current, self.describes)
        if member.entered:
            self.current.entries.extend(PlayEntry(name, subject.kind, subject.id) for name in member.entered)
        if member.left:
            self.current.entries.extend(PlayEntry(name, subject.kind, subject.id, False) for name in member.left)
        return member.writing(plays) if member.entered else ()

    def _gate(self, subject: Subject, target: Target, writing: Sequence[str]) -> bool:
        """Whether the record is in the write scope; records a skip with the reason when it is not."""
        if not writing and not target.written_before:
            why = "not a new entrant of any play that syncs to Salesforce"
            self._skip(subject, target.sobject, SkipCode.NOT_IN_PLAY, why, target.sf_id)
            return False
        excluded = exclusion_for(subject, self.config.exclusions, self.describes)
        if excluded is not None:
            self._skip(subject, target.sobject, SkipCode.EXCLUDED, f"excluded by {excluded}", target.sf_id)
            return False
        if not self.config.sync.write:
            self._skip(subject, target.sobject, SkipCode.WRITE_DISABLED, "sync.write is false", target.sf_id)
            return False
        if target.skip is not None:
            self._skip(subject, target.sobject, target.skip[0], target.skip[1], target.sf_id)
            return False
        return True

    def _unless_held(self, subject: Subject, target: Target) -> Target:
        why = self.held.get((str(subject.kind), subject.id))
        return replace(target, skip=(SkipCode.AMBIGUOUS, why)) if why else target

    # --- Accounts -------------------------------------------------------------------------------------------
    def _needs_account(self, target: Target) -> bool:
        """A new Contact without an Account is private to its owner: created only when the config says so."""
        creating = target.sobject == "Contact" and target.sf_id is None and not self.leads_mode
        return creating and self.config.sync.contacts_without_account is ContactsWithoutAccount.SKIP

    def _account_of(self, person: Subject, plays: Sequence[str]) -> str | KnownAfterApply | None:
        """The AccountId for a person's Contact: a linked Account, or the key of one this apply creates."""
        company = person.company
        if company is None or not company.id:
            return None
        if company.id not in self._accounts:
            target = self._unless_held(company, account_target(self.reads, company.id, _domain(company)))
            self._accounts[company.id] = None if target.skip else self._account(company, target, plays)
            if target.skip:
                self._no_account[company.id] = target.skip[1]
        return self._accounts[company.id]

    def _why_no_account(self, person: Subject) -> str:
        company = person.company
        if company is None:
            why = "the person has no company (company_domain)"
        elif not company.id:
            why = f"no company {company.values.get('domain')} is loaded, so no Account is linked or created for it"
        else:
            why = f"{company.label}: {self._no_account.get(company.id, 'no Account')}"
        return f"{why}; a Contact without an Account is private to its owner (sync.contacts_without_account)"

    def _account(self, company: Subject, target: Target, plays: Sequence[str]) -> str | KnownAfterApply | None:
        key = f"Account/{company.id}"
        if company.id in self._accounts:
            return self._accounts[company.id]
        change = self._change(key, company, target, plays, ACCOUNT_BATCH, [])
        if change is not None:  # written for its people after all: no longer "not in a play"
            self._drop_account_skips(company.id)
        value = target.sf_id or (KnownAfterApply(key) if change is not None else None)
        self._accounts[company.id] = value
        if value is None:
            self._no_account[company.id] = "its Account would not be created (see the company's skip)"
        return value

    # --- one record ------------------------------------------------------------------------------------------
    def _change(
        self, key: str, subject: Subject, target: Target, plays: Sequence[str], batch: int, extra: list[Wanted]
    ) -> RecordChange | None:
        wanted = self._wanted(subject, target.sobject, plays)
        if wanted is None:
            return None
        wanted += extra
        create = target.sf_id is None
        ledger = {} if create else self.reads.ledger_values(target.sobject, str(target.sf_id))
        decided, invalid = self.fields.decide(key, target, wanted, ledger)
        if invalid:  # a row error: nothing of the record is sent until its values are fixed
            why = "invalid value: " + "; ".join(failure.reason for failure in invalid)
            self._skip(subject, target.sobject, SkipCode.INVALID_VALUE, why, target.sf_id)
            return None
        fields = [d for d in decided if isinstance(d, FieldChange)]
        skipped = tuple(d for d in decided if isinstance(d, FieldSkip))
        missing = self.fields.missing_required(target.sobject, fields) if create else []
        if missing:
            self._skip(subject, target.sobject, SkipCode.MISSING_REQUIRED, _missing_reason(missing, skipped))
            return None
        if not fields:
            if skipped:
                why = "; ".join(f"{s.field} kept ({s.reason})" for s in skipped)
                codes = {s.code for s in skipped}
                code = codes.pop() if len(codes) == 1 else SkipCode.POLICY
                self._skip(subject, target.sobject, code, why, target.sf_id)
            return None
        change = RecordChange(
            key, target.sobject, Action.CREATE if create else Action.UPDATE, _ref(subject), target.sf_id,
            target.match, tuple(fields), skipped, batch, tuple(plays),
        )  # fmt: skip
        self.current.changes.append(change)
        return change

    def _drop_account_skips(self, company_id: str) -> None:
        """The company's Account skips, added by this visit or (`DerivingWriteSet`) an earlier one, dropped."""
        self.current.skips = [s for s in self.current.skips if not drops(s, company_id)]

    def _wanted(self, subject: Subject, sobject: str, plays: Sequence[str]) -> list[Wanted] | None:
        try:
            return self.sources.wanted_for(subject, sobject, plays)
        except TemplateFailure as failure:
            self._template_failed(failure)
            self._skip(subject, sobject, SkipCode.UNAPPLIABLE, f"template failed: {failure}")
            return None

    def _template_failed(self, failure: TemplateFailure) -> None:
        # Every visit's failure is kept, not only the first per place: the record that failed first
        # may derive differently next time, and the next one's failure then names the place.
        self.current.failures.append((failure.path, str(failure)))

    def _skip(
        self, subject: Subject, sobject: str | None, code: SkipCode, reason: str, sf_id: str | None = None
    ) -> None:
        self.current.skips.append(Skip(_ref(subject), sobject, code, reason, sf_id))


def _missing_reason(missing: Sequence[str], skipped: Sequence[FieldSkip]) -> str:
    """Why a create lacks required fields: no value at all, or one the field cannot hold."""
    reasons = {s.field: s.reason for s in skipped if s.code is SkipCode.TOO_LONG}
    parts = [f"{name} ({reasons[name]})" if name in reasons else name for name in missing]
    return f"required field{'s' if len(missing) > 1 else ''} {', '.join(parts)} without a value"


def _ref(subject: Subject) -> WorkspaceRef:
    return WorkspaceRef(subject.kind, subject.id, subject.label)


def _domain(subject: Subject) -> str | None:
    raw = subject.values.get("domain")  # the stored key is its own normal form: not validated again
    return (subject.key if raw == subject.key else normalise_domain(str(raw)).value) if raw else None


def _email(subject: Subject) -> str | None:
    raw = subject.values.get("email")  # the stored key is its own normal form: not validated again
    return (subject.key if raw == subject.key else normalise_email(str(raw)).value) if raw else None
