"""Hand-built plans covering every kind of change, field skip, record skip, config change and diagnostic."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sfsync.engine.plans.identity import IdentityChange, IdentityKind
from sfsync.engine.plans.json_form import plan_to_json
from sfsync.engine.plans.plan import (
    Action,
    ConfigChange,
    FieldChange,
    FieldSkip,
    Fingerprint,
    KnownAfterApply,
    ObjectEstimate,
    Plan,
    PlanDiagnostic,
    PlayEntry,
    RecordChange,
    Skip,
    SkipCode,
    WorkspaceRef,
)

FINGERPRINT = Fingerprint(
    lineage="7f1c2a9e-lineage",
    serial=12,
    org_id="00D000000000001EAA",
    describes={"Account": "a" * 12, "Contact": "c" * 12, "Lead": "l" * 12},
    config_digest="d" * 64,
    watermarks={"Account": "2026-01-01T00:00:00.000+0000"},
)
ACME = WorkspaceRef("company", "co-1", "Acme (acme.example)")
ADA = WorkspaceRef("person", "pe-1", "ada@acme.example")
GRACE = WorkspaceRef("person", "pe-2", "grace@navy.example")

# Values that must never appear in any rendering of the `sensitive` case.
SECRET_VALUES = ("123-45-6789", "999-88-7777", "tok_live_51HxYzSecret", "tok_old_4242Secret", "s3cr3t-pass", "ENC-9f8e")


def plan(**overrides: Any) -> Plan:
    values: dict[str, Any] = {
        "fingerprint": FINGERPRINT,
        "mode": "contacts_and_accounts",
        "write_enabled": True,
        "config_diff": (),
        "diagnostics": (),
        "changes": (),
        "skips": (),
        "play_entries": (),
        "estimates": (),
        "refresh": {"Account": {"read": 3}, "Contact": {"read": 5}},
        "tool_version": "0.1.0",
    }
    values.update(overrides)
    return Plan(**values)


def field(
    name: str,
    before: Any,
    after: Any,
    policy: str = "if_empty",
    reason: str = "empty in Salesforce",
    *,
    secret: bool = False,
) -> FieldChange:
    return FieldChange(name, before, after, f"person.{name.lower()}", policy, reason, None, secret)


def nothing_to_do() -> Plan:
    return plan()


def first_apply() -> Plan:
    account = RecordChange(
        key="Account:company:co-1",
        sobject="Account",
        action=Action.CREATE,
        workspace=ACME,
        sf_id=None,
        match="no Account with domain acme.example",
        fields=(
            FieldChange("Name", None, "Acme", "company.name", "if_empty", "new record"),
            FieldChange("Website", None, "acme.example", "company.domain", "if_empty", "new record"),
            FieldChange("Sfsync_Intent__c", None, "High", "company.intent_level", "owned", "new record"),
        ),
        batch=0,
        plays=("everyone",),
    )
    contact = RecordChange(
        key="Contact:person:pe-1",
        sobject="Contact",
        action=Action.CREATE,
        workspace=ADA,
        sf_id=None,
        match="no Contact with email ada@acme.example",
        fields=(
            FieldChange("Email", None, "ada@acme.example", "person.email", "if_empty", "new record"),
            FieldChange("LastName", None, "Lovelace", "person.last_name", "if_empty", "new record"),
            FieldChange("LeadSource", None, "Web", "play:everyone", "if_empty", "new record"),
            FieldChange(
                "AccountId", None, KnownAfterApply(account.key), "company", "if_empty", "new record", account.key
            ),
        ),
        batch=1,
        plays=("everyone",),
        intent="intent-1",
    )
    return plan(
        config_diff=(ConfigChange("initial", ""),),
        recorded=False,  # nothing applied yet: planning kept nothing of its read
        changes=(account, contact),
        play_entries=(PlayEntry("everyone", "person", "pe-1"), PlayEntry("everyone", "company", "co-1")),
        estimates=(ObjectEstimate("Account", 1, 0, "rest", 1), ObjectEstimate("Contact", 1, 0, "rest", 1)),
    )


def updates_and_kept_fields() -> Plan:
    account = RecordChange(
        key="Account:company:co-1",
        sobject="Account",
        action=Action.UPDATE,
        workspace=ACME,
        sf_id="001000000000001AAA",
        match="linked: matched by website domain (001000000000001AAA)",
        fields=(
            FieldChange("Sfsync_Intent__c", "Low", "High", "company.intent_level", "owned", "owned by sfsync"),
            FieldChange("Phone", None, "+1 555 0100", "company.phone", "if_empty", "empty in Salesforce"),
        ),
        skipped_fields=(
            FieldSkip("Name", "ACME Corp", "Acme", SkipCode.POLICY, "if_empty: already set in Salesforce"),
            FieldSkip("Industry", "Retail", "Software", SkipCode.CONFLICT, "changed in Salesforce since the read"),
        ),
    )
    contact = RecordChange(
        key="Contact:person:pe-1",
        sobject="Contact",
        action=Action.UPDATE,
        workspace=ADA,
        sf_id="003000000000001AAA",
        match="matched by email: 003000000000001AAA of 2 candidates (most recently modified)",
        fields=(field("Title", "Engineer", "CTO", "if_unchanged", "unchanged since sfsync wrote it"),),
        skipped_fields=(
            FieldSkip("FirstName", "Ada", "Augusta", SkipCode.POLICY, "create_only: written on create only"),
            FieldSkip("OwnerId", "005000000000001AAA", "005000000000002AAA", SkipCode.POLICY, "owner is set"),
        ),
        batch=1,
    )
    return plan(
        config_diff=(
            ConfigChange("mapping_added", "mappings.Contact.Title", None, {"from": "person.title"}),
            ConfigChange("mapping_changed", "mappings.Account.Website", {"direction": "write"}, {"direction": "read"}),
            ConfigChange("default_removed", "defaults.Contact.LeadSource", "Other", None),
            ConfigChange("sync_changed", "sync.write", False, True),
            ConfigChange("exclusion_added", "exclusions.current-customers", None, {"applies_to": "company"}),
            ConfigChange("play_removed", "plays.high-intent", {"name": "high-intent"}, None),
        ),
        changes=(account, contact),
        play_entries=(PlayEntry("everyone", "person", "pe-9", entered=False),),
        estimates=(ObjectEstimate("Account", 0, 1, "rest", 2), ObjectEstimate("Contact", 0, 1, "rest", 2)),
    )


def every_skip() -> Plan:
    skips = []
    for number, code in enumerate(SkipCode, start=1):
        who = WorkspaceRef("person", f"pe-{number}", f"person{number}@example.com")
        sobject = None if code in (SkipCode.NO_EMAIL, SkipCode.NO_DOMAIN) else "Contact"
        sf_id = "003000000000009AAA" if code in (SkipCode.DELETED, SkipCode.CONFLICT) else None
        skips.append(Skip(who, sobject, code, f"skipped: {code.value.replace('_', ' ')}", sf_id))
    return plan(skips=tuple(skips))


def errors_and_warnings() -> Plan:
    return plan(
        write_enabled=False,
        mode="leads",
        diagnostics=(
            PlanDiagnostic(
                "error",
                "Lead.Sfsync_Intent__c does not exist in the org",
                "create the field or remove the mapping",
                "sfsync.yaml",
                14,
                5,
                "mappings.Lead.Sfsync_Intent__c",
            ),
            PlanDiagnostic("warning", "Lead.Rating is a restricted picklist; 'Hot!' is not one of its values"),
            PlanDiagnostic("error", "the integration user cannot edit Lead.Title", "grant Edit in a permission set"),
        ),
        changes=(
            RecordChange(
                key="Lead:person:pe-2",
                sobject="Lead",
                action=Action.CREATE,
                workspace=GRACE,
                sf_id=None,
                match="no Lead or Contact with email grace@navy.example",
                fields=(
                    FieldChange("Email", None, "grace@navy.example", "person.email", "if_empty", "new record"),
                    FieldChange("Company", None, "[not provided]", "default", "if_empty", "new record"),
                ),
            ),
        ),
        skips=(
            Skip(ADA, "Lead", SkipCode.CONVERTED_LEAD, "Lead 00Q1 was converted: followed to Contact 0031"),
            Skip(ADA, "Lead", SkipCode.WRITE_DISABLED, "sync.write is false"),
        ),
        estimates=(ObjectEstimate("Lead", 1, 0, "rest", 1),),
    )


def sensitive_values() -> Plan:
    change = RecordChange(
        key="Contact:person:pe-1",
        sobject="Contact",
        action=Action.UPDATE,
        workspace=ADA,
        sf_id="003000000000001AAA",
        match="matched by email; tax id 123-45-6789 on file",
        fields=(
            field("Tax_Id__c", "999-88-7777", "123-45-6789", "owned", "owned", secret=True),
            field("Api_Token__c", "tok_old_4242Secret", "tok_live_51HxYzSecret", "owned", "owned by sfsync"),
            field("Encrypted_Note__c", None, "ENC-9f8e"),
            field("Title", None, "CTO"),
        ),
        skipped_fields=(
            FieldSkip("Backup_Password__c", "s3cr3t-old", "s3cr3t-pass", SkipCode.POLICY, "if_empty: already set"),
        ),
    )
    return plan(
        config_diff=(
            ConfigChange(
                "default_changed", "defaults.Contact.Api_Token__c", "tok_old_4242Secret", "tok_live_51HxYzSecret"
            ),
            ConfigChange("store_changed", "store", "sqlite:///a.db", "postgresql://sync:s3cr3t-pass@db.example/sfsync"),
            ConfigChange("connection_changed", "connection.auth", {"method": "jwt"}, {"password": "s3cr3t-pass"}),
        ),
        diagnostics=(PlanDiagnostic("warning", "Contact.Tax_Id__c value 123-45-6789 is longer than the field"),),
        changes=(change,),
        skips=(Skip(ADA, "Lead", SkipCode.MODE, "ada has tax id 123-45-6789; Leads are not written in this mode"),),
        estimates=(ObjectEstimate("Contact", 0, 1, "rest", 2),),
    )


def identity_changes() -> Plan:
    """Every kind of identity change the read pass reports, next to the skips it explains."""
    peter = WorkspaceRef("person", "pe-3", "peter.gibbons@initech.example")
    marie = WorkspaceRef("person", "pe-4", "marie.curie@radium.example")
    read_made = WorkspaceRef("person", "pe-5", "marie.curie@radium.example")
    milton = WorkspaceRef("person", "pe-6", "milton@initech.example")
    bob = WorkspaceRef("person", "pe-7", "bob@initech.example")
    c3, c4, c6, c7 = (f"00300000000000{n}AAA" for n in (3, 4, 6, 7))
    held = f"Contact {c6} was merged into {c7}, which is linked to person bob@initech.example"
    identity = (
        IdentityChange(
            IdentityKind.KEY_MOVED, peter, "Contact", c3, "peter@initech.example", "peter.gibbons@initech.example",
            reason=f"Contact {c3}'s email changed in Salesforce: the person follows it",
        ),
        IdentityChange(
            IdentityKind.KEY_KEPT, ADA, "Contact", "003000000000001AAA", "ada@acme.example", "ada@acme.example",
            other=GRACE,
            reason="Contact 003000000000001AAA's email changed in Salesforce to grace@navy.example, which belongs "
            "to person grace@navy.example: the key stays, nothing is merged",
        ),
        IdentityChange(
            IdentityKind.LINK_MOVED, ACME, "Account", "001000000000002AAA", "acme.example", "acme.example",
            "001000000000001AAA",
            reason="Account 001000000000001AAA was merged into 001000000000002AAA: the link follows",
        ),
        IdentityChange(
            IdentityKind.MERGED, marie, "Contact", c4, "marie@radium.example", "marie.curie@radium.example",
            "00Q000000000004AAA", read_made,
            f"Lead 00Q000000000004AAA was converted to Contact {c4}; person marie.curie@radium.example, which "
            "reading had made for that Contact, is merged into this one",
        ),
        IdentityChange(
            IdentityKind.HELD, milton, "Contact", c7, "milton@initech.example", "milton@initech.example", c6, bob, held
        ),
    )  # fmt: skip
    mine = f"Contact {c6} of person milton@initech.example was merged into {c7}, which is linked to this person"
    skips = (
        Skip(milton, "Contact", SkipCode.AMBIGUOUS, f"{held}: neither is written"),
        Skip(bob, "Contact", SkipCode.AMBIGUOUS, f"{mine}: neither is written"),
    )
    return plan(identity=identity, skips=skips)


ENCRYPTED = frozenset({("Contact", "Encrypted_Note__c")})

CASES: dict[str, Callable[[], Plan]] = {
    "nothing_to_do": nothing_to_do,
    "first_apply": first_apply,
    "updates_and_kept_fields": updates_and_kept_fields,
    "every_skip": every_skip,
    "errors_and_warnings": errors_and_warnings,
    "sensitive_values": sensitive_values,
    "identity_changes": identity_changes,
}


def case_json(name: str) -> dict[str, Any]:
    return plan_to_json(CASES[name]())


def many_changes(count: int) -> dict[str, Any]:
    """A plan's JSON form with `count` record changes over three objects, built as JSON (dataclasses are slow)."""
    body = case_json("nothing_to_do")
    body["changes"] = [_bulk_change(number) for number in range(count)]
    return body


def _bulk_change(number: int) -> dict[str, Any]:
    sobject = ("Account", "Contact", "Lead")[number % 3]
    create = number % 2 == 0
    return {
        "key": f"{sobject}:person:pe-{number}",
        "sobject": sobject,
        "action": "create" if create else "update",
        "workspace": {"kind": "person", "id": f"pe-{number}", "label": f"person{number}@example.com"},
        "sf_id": None if create else f"003{number:015d}",
        "match": "matched by email",
        "fields": [
            {
                "field": "Title",
                "before": None if create else "Engineer",
                "after": f"Title {number}",
                "source": "person.title",
                "policy": "owned",
                "reason": "owned by sfsync",
                "ref": None,
                "sensitive": False,
            }
        ],
        "skipped_fields": [],
        "batch": 1,
        "plays": [],
        "intent": "",
    }
