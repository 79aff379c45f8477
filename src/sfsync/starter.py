"""The starter `sfsync.yaml` that `sfsync init` writes: commented, valid, and (from the org) trimmed.

The default mappings follow the behaviour reference: standard Salesforce fields only, one mapping per
workspace field. Given the org's describes, mappings of fields the integration user cannot see are
left out (and listed in a comment), mappings it cannot write become `direction: read`, and the
sfsync-owned custom fields are mapped when the org has them. An org that has the EmailMessage object
gets its standard email mappings written out (the fields the integration user can create), so they
can be edited; without one, the section is left out and the defaults stand.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sfsync.config.email_mappings import DEFAULT_EMAIL_MAPPINGS, EMAIL_OBJECT
from sfsync.salesforce.port import ObjectDescribe
from sfsync.starter_auth import choose_auth

MODE_OBJECTS = {"leads": ("Lead",), "contacts_and_accounts": ("Account", "Contact")}
READ_WRITE = "read_write"
READ = "read"


@dataclass(frozen=True)
class Mapped:
    field: str
    source: str
    direction: str = "write"


_PERSON = [
    Mapped("Email", "person.email", READ_WRITE),
    Mapped("FirstName", "person.first_name"),
    Mapped("LastName", "person.last_name"),
    Mapped("Title", "person.title"),
    Mapped("MobilePhone", "person.mobile_phone"),
    Mapped("Phone", "person.work_phone"),
    Mapped("LeadSource", "person.lead_source"),
    Mapped("HasOptedOutOfEmail", "person.email_opt_out"),
    Mapped("DoNotCall", "person.do_not_call"),
]
DEFAULT_MAPPINGS: dict[str, list[Mapped]] = {
    "Account": [
        Mapped("Name", "company.name"),
        Mapped("Website", "company.domain", READ_WRITE),
        Mapped("Phone", "company.phone"),
        Mapped("BillingStreet", "company.address"),
        Mapped("BillingCity", "company.city"),
        Mapped("BillingState", "company.state"),
        Mapped("BillingPostalCode", "company.postal_code"),
        Mapped("BillingCountry", "company.country"),
        Mapped("Description", "company.description"),
        Mapped("Industry", "company.industry"),
        Mapped("NumberOfEmployees", "company.employee_count"),
        Mapped("AnnualRevenue", "company.revenue"),
        Mapped("AccountSource", "company.account_source"),
    ],
    "Contact": [
        *_PERSON,
        Mapped("MailingStreet", "person.address"),
        Mapped("MailingCity", "person.city"),
        Mapped("MailingState", "person.state"),
        Mapped("MailingPostalCode", "person.postal_code"),
        Mapped("MailingCountry", "person.country"),
        Mapped("LastActivityDate", "person.last_activity_date", READ),
    ],
    "Lead": [
        *_PERSON,
        Mapped("Company", "company.name"),
        Mapped("Website", "company.domain"),
        Mapped("Street", "person.address"),
        Mapped("City", "person.city"),
        Mapped("State", "person.state"),
        Mapped("PostalCode", "person.postal_code"),
        Mapped("Country", "person.country"),
    ],
}
OWNED_FIELDS = {"Sfsync_Intent__c": "company.intent_level"}
EXTERNAL_ID_FIELD = "Sfsync_Id__c"


@dataclass(frozen=True)
class StarterOptions:
    """What to write: the person mode, the auth method and its lines, and optional connection lines (env-referenced)."""

    mode: str = "contacts_and_accounts"
    auth_method: str = "jwt"
    auth_lines: tuple[str, ...] = ()  # `key: ${VAR}` lines of the method; its usual ones when empty
    with_domain: bool = False
    with_ca_bundle: bool = False
    api_version: str = "59.0"


def starter_text(options: StarterOptions, describes: Mapping[str, ObjectDescribe | None] | None = None) -> str:
    """The whole config text; without `describes` every default mapping is written."""
    lines = [
        "# sfsync config: check it with `sfsync validate --online`, then `sfsync doctor` and `sfsync plan`.",
        "version: 1",
        *_connection(options),
        *_sync(options, describes),
        "mappings:                                 # Salesforce object → Salesforce field → workspace field",
    ]
    skipped: list[str] = []
    for sobject in MODE_OBJECTS[options.mode]:
        lines.append(f"  {sobject}:")
        lines.extend(_mappings(sobject, describes, skipped))
    emails = describes.get(EMAIL_OBJECT) if describes is not None else None
    if emails is not None:
        lines.append(f"  {EMAIL_OBJECT}:".ljust(42) + "# emails of people already in Salesforce: created once")
        lines.extend(_email_mappings(emails, skipped))
    if skipped:
        lines.append("# left out (not in the org, or hidden from the integration user): " + ", ".join(skipped))
    lines.extend(_play())
    lines.extend(_examples(options))
    return "\n".join(lines) + "\n"


def _connection(options: StarterOptions) -> list[str]:
    lines = [
        "connection:",
        "  instance_url: ${SF_INSTANCE_URL}        # ${VAR} is read from the environment when sfsync connects",
        f'  api_version: "{options.api_version}"',
    ]
    if options.with_domain:
        lines.append("  domain: ${SF_DOMAIN}                    # login, test (sandboxes), a My Domain, or host:port")
    if options.with_ca_bundle:
        lines.append("  ca_bundle: ${SF_CA_BUNDLE}              # trust a private certificate authority")
    lines.append("  auth:")
    lines.append(
        f"    method: {options.auth_method}".ljust(42) + "# jwt | password | refresh_token | session | sfdx_url"
    )
    auth_lines = options.auth_lines or tuple(choose_auth({}, options.auth_method).lines)
    lines.extend(f"    {line}" for line in auth_lines)
    lines.append("  integration_user: dedicated             # dedicated | shared | admin")
    return lines


def _sync(options: StarterOptions, describes: Mapping[str, ObjectDescribe | None] | None) -> list[str]:
    objects = MODE_OBJECTS[options.mode]
    has_external_id = describes is not None and all(_external_id(describes.get(o)) for o in objects)
    prefix = "" if has_external_id else "# "
    # The commented line is not the block's last: `sfsync fmt` would move a trailing comment out of the block.
    return [
        "sync:",
        "  read: true",
        "  write: false                            # turn on to let `apply` write to Salesforce",
        f"  person_object: {options.mode}",
        f"  {prefix}external_id_field: {EXTERNAL_ID_FIELD}      # an external id, unique: idempotent creates",
        "  owned_prefix: Sfsync_                   # fields with this prefix belong to sfsync",
    ]


def _external_id(describe: ObjectDescribe | None) -> bool:
    info = describe.field(EXTERNAL_ID_FIELD) if describe else None
    return info is not None and info.external_id and info.unique


def _mappings(sobject: str, describes: Mapping[str, ObjectDescribe | None] | None, skipped: list[str]) -> list[str]:
    describe = describes.get(sobject) if describes is not None else None
    entries = list(DEFAULT_MAPPINGS[sobject])
    if describe is not None:
        entries.extend(Mapped(f, s) for f, s in OWNED_FIELDS.items() if describe.field(f) is not None)
    lines = []
    for entry in entries:
        direction = entry.direction
        if describes is not None:
            info = describe.field(entry.field) if describe else None
            if info is None:
                skipped.append(f"{sobject}.{entry.field}")
                continue
            if direction != READ and not (info.createable or info.updateable):
                direction = READ
        lines.append(f"    {entry.field}: {_entry(entry.source, direction)}")
    return lines


def _email_mappings(describe: ObjectDescribe, skipped: list[str]) -> list[str]:
    """Emails are only ever created: a field the integration user cannot create is left out."""
    lines = []
    for name, source in DEFAULT_EMAIL_MAPPINGS.items():
        info = describe.field(name)
        if info is None or not info.createable:
            skipped.append(f"{EMAIL_OBJECT}.{name}")
            continue
        lines.append(f"    {name}: {source}")
    return lines


def _entry(source: str, direction: str) -> str:
    return source if direction == "write" else f"{{from: {source}, direction: {direction}}}"


def _play() -> list[str]:
    """The play that makes a writing config write: without one, apply creates nothing (sync-rules §2)."""
    return [
        "plays:                                    # apply writes a person when they enter a play that syncs",
        "  - name: everyone                        # every person in the workspace",
        "    audience:",
        "      # to narrow it: where: {field: company.intent_level, op: in, value: [High, Medium]}",
        "      object: person",
        "    sync_to_salesforce: {}                # create or update their records once sync.write is on",
    ]


def _examples(options: StarterOptions) -> list[str]:
    person = "Lead" if options.mode == "leads" else "Contact"
    return [
        "# defaults:                                # fallback values: a literal or a template",
        f"#   {person}:",
        "#     LeadSource: Web",
        "# exclusions:",
        "#   - name: current-customers",
        "#     applies_to: company",
        "#     where: {salesforce: Account, field: Type, op: eq, value: Customer}",
    ]
