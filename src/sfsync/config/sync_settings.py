"""The `sync:` section of `sfsync.yaml`: what sfsync reads and writes, and how (`config.models` holds the rest)."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Literal

from pydantic import Field

from sfsync.config.base import Model
from sfsync.config.run_settings import AutoApply, RunSettings

DEFAULT_OWNED_PREFIX = "Sfsync_"


class PersonObject(StrEnum):
    LEADS = "leads"
    CONTACTS_AND_ACCOUNTS = "contacts_and_accounts"


class ApiChoice(StrEnum):
    AUTO = "auto"
    REST = "rest"
    BULK = "bulk"


class ContactsWithoutAccount(StrEnum):
    SKIP = "skip"
    CREATE = "create"


class CompanyMatch(StrEnum):
    """What makes two company domains one company key: the same host, or the same registrable domain."""

    HOST = "host"
    REGISTRABLE_DOMAIN = "registrable_domain"


class WriteGuard(StrEnum):
    """How apply keeps an update from overwriting an edit made after its check read the record."""

    CONDITIONAL = "conditional"
    RECHECK = "recheck"


class DuplicateRules(StrEnum):
    RESPECT = "respect"
    ALLOW_SAVE = "allow_save"


class EmailObject(StrEnum):
    """What an email is written to Salesforce as: an EmailMessage (with its EmailMessageRelation to the
    person), a Task on the person (`WhoId`), or `auto`: EmailMessage when the org has Enhanced Email, else Task."""

    AUTO = "auto"
    EMAIL_MESSAGE = "email_message"
    TASK = "task"


class EmailSync(Model):
    """Writing the workspace's emails to Salesforce: each created once, never updated."""

    write: bool = False
    """Write emails (of people already in Salesforce); off until asked. Needs `sync.write` too."""
    object: EmailObject = EmailObject.AUTO
    """`email_message`, `task`, or `auto`: EmailMessage when the org has it, else Task."""


class Sync(Model):
    """What sfsync reads, writes and how."""

    read: bool = True
    """Read Salesforce into the workspace."""
    write: bool = False
    """Enable writing to Salesforce; off until asked."""
    person_object: PersonObject = PersonObject.CONTACTS_AND_ACCOUNTS
    """Create people as Contacts with their Accounts, or as Leads."""
    owned_prefix: str = Field(default=DEFAULT_OWNED_PREFIX, min_length=1)
    """Salesforce fields starting with this prefix belong to sfsync (policy `owned`)."""
    external_id_field: str | None = None
    """An external-id field on every written object; makes creates idempotent server-side (upsert)."""
    api: ApiChoice = ApiChoice.AUTO
    """`auto` uses Bulk API 2.0 above `bulk_threshold` records per object, REST below; even above it, updates
    of records a person edited in the 7 days before the read stay on REST, where `write_guard` guards them."""
    bulk_threshold: int = Field(default=2000, ge=1)
    bulk_create_job_size: Annotated[int, Field(ge=1)] | Literal["auto"] = "auto"
    """Creates per Bulk API 2.0 insert (or upsert) job; each job is checked right before it is sent, so a
    record a person makes meanwhile is linked, not duplicated, unless it lands inside that one job. `auto`:
    jobs of 10000 where an active duplicate rule of the org blocks a duplicate of its key on create (the
    org refuses the racing duplicate; a job's changes are held while it is sent), else 2000."""
    write_guard: WriteGuard = WriteGuard.CONDITIONAL
    """`conditional` sends each REST update with `If-Unmodified-Since` from its check's read (Salesforce refuses
    it when the record moved since: a conflict); `recheck` sends updates through sObject Collections, 8 times
    fewer write calls, with an edit made between the check and the write overwritten."""
    duplicate_rules: DuplicateRules = DuplicateRules.RESPECT
    """`allow_save` saves records that Salesforce duplicate rules flag (explicit opt-in)."""
    match_leads_in_contacts_mode: bool = False
    """In Contacts mode, also match people against existing Leads before creating a Contact."""
    contacts_without_account: ContactsWithoutAccount = ContactsWithoutAccount.SKIP
    """In Contacts mode, a person whose company has no Account to link is skipped (`no_account`): a Contact
    without an Account is private to its owner. `create` creates it anyway (explicit opt-in)."""
    company_match: CompanyMatch = CompanyMatch.HOST
    """`registrable_domain` makes `shop.acme.com` and `acme.com` one company key for matching."""
    email: EmailSync = Field(default_factory=EmailSync)
    """Writing the workspace's emails (`workspace load --object email`) to Salesforce."""
    auto_apply: AutoApply = AutoApply.NONE
    """What `sfsync run` applies without a person: `none` (plan only), `fill_empty` (creates, and updates
    that only write into empty Salesforce fields) or `all`. `plan` and `apply` ignore it."""
    run: RunSettings = Field(default_factory=RunSettings)
    """How `sfsync run` paces itself."""
