"""Each field's rule is chosen once from the describe: writable or not, its kind, secret, identity."""

from __future__ import annotations

from sfsync.engine.field_values.text import Email
from sfsync.engine.planning.field_rules import FieldRules
from sfsync.salesforce.port import FieldInfo, ObjectDescribe


def _describe(*fields: FieldInfo) -> ObjectDescribe:
    return ObjectDescribe("Lead", True, True, True, {f.name: f for f in fields}, "sha256:x")


LEAD = _describe(
    FieldInfo("Email", "email", createable=True, updateable=True),
    FieldInfo("Api_Token__c", "string", createable=True, updateable=True),
    FieldInfo("Sfsync_Id__c", "string", createable=True, updateable=True),
    FieldInfo("Status", "picklist", createable=True, updateable=False),
    FieldInfo("Secret_Code__c", "encryptedstring", createable=True, updateable=True, encrypted=True),
)


def test_rules_say_what_is_written_on_create_and_on_update():
    rules = FieldRules({"Lead": LEAD}, "Sfsync_Id__c")
    creates, updates = rules.of("Lead", create=True), rules.of("Lead", create=False)
    assert creates.get("Status") is not None and updates.get("Status") is None
    assert creates.get("Unknown__c") is None and rules.of("Contact", create=True).get("Email") is None


def test_a_rule_holds_the_kind_sensitivity_and_identity_and_is_made_once():
    rules = FieldRules({"Lead": LEAD}, "Sfsync_Id__c")
    email = rules.of("Lead", create=True).get("email")  # a config may name a field in another case
    assert email is not None and isinstance(email.kind, Email) and email.identity and not email.secret
    assert rules.of("Lead", create=True).get("email") is email
    token = rules.of("Lead", create=False).get("Api_Token__c")
    assert token is not None and token.secret and not token.identity
    encrypted = rules.of("Lead", create=False).get("Secret_Code__c")
    assert encrypted is not None and encrypted.secret
    external = rules.of("Lead", create=False).get("Sfsync_Id__c")
    assert external is not None and external.identity and not external.secret
    untyped = rules.untyped("AccountId")
    assert untyped.info is None and not untyped.identity and rules.untyped("AccountId") is untyped
