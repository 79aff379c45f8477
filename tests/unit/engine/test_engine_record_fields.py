"""A record's fields decided by their rules; a create's constant defaults decided once per object."""

from __future__ import annotations

from sfsync.config.models import Policy
from sfsync.engine.planning.field_rules import FieldRules
from sfsync.engine.planning.matching import Target
from sfsync.engine.planning.record_fields import RecordFields
from sfsync.engine.plans.digest import ValueDigest
from sfsync.engine.plans.plan import FieldChange
from sfsync.engine.sensitive import ValueDigests
from sfsync.engine.values import InvalidFieldValue, Wanted
from sfsync.salesforce.port import FieldInfo, ObjectDescribe

LEAD = ObjectDescribe(
    "Lead",
    True,
    True,
    True,
    {
        f.name: f
        for f in (
            FieldInfo("LeadSource", "picklist", length=40, createable=True, updateable=True),
            FieldInfo("Api_Token__c", "string", length=40, createable=True, updateable=True),
            FieldInfo("NumberOfEmployees", "int", digits=8, createable=True, updateable=True),
        )
    },
    "sha256:x",
)
SOURCE = Wanted("LeadSource", "Web", "default", Policy.IF_EMPTY)
TOKEN = Wanted("Api_Token__c", "t0ken", "default", Policy.OWNED)
BAD = Wanted("NumberOfEmployees", "many", "default", Policy.IF_EMPTY)
CREATE = Target("Lead", None, {}, "no Lead with email x: create")


def _fields(*constants: Wanted) -> RecordFields:
    digests = ValueDigests(b"k" * 32)
    return RecordFields({"Lead": LEAD}, FieldRules({"Lead": LEAD}, None), digests, {id(c): c for c in constants})


def test_a_constant_default_is_decided_once_for_every_create_of_an_object():
    fields = _fields(SOURCE)
    first, _ = fields.decide("Lead/p_1", CREATE, [SOURCE], {})
    second, _ = fields.decide("Lead/p_2", CREATE, [SOURCE], {})
    fresh, _ = _fields().decide("Lead/p_2", CREATE, [SOURCE], {})
    assert (
        first == second == fresh == [FieldChange("LeadSource", None, "Web", "default", Policy.IF_EMPTY, "new record")]
    )
    assert second[0] is first[0]  # the same change, not decided again


def test_an_update_decides_a_constant_against_the_value_salesforce_holds():
    fields = _fields(SOURCE)
    fields.decide("Lead/p_1", CREATE, [SOURCE], {})
    held = Target("Lead", "00Q000000000001AAA", {"LeadSource": "Phone"}, "linked")
    decided, invalid = fields.decide("Lead/p_2", held, [SOURCE], {})
    assert decided == [] and invalid == []  # a default never replaces a value already set


def test_a_sensitive_constant_is_digested_for_each_record():
    fields = _fields(TOKEN)
    first, _ = fields.decide("Lead/p_1", CREATE, [TOKEN], {})
    second, _ = fields.decide("Lead/p_2", CREATE, [TOKEN], {})
    assert isinstance(first[0], FieldChange) and isinstance(first[0].after, ValueDigest)
    assert isinstance(second[0], FieldChange) and first[0].after != second[0].after  # each names its record


def test_a_constant_that_cannot_go_into_its_field_is_a_row_error_for_every_record():
    fields = _fields(BAD)
    for key in ("Lead/p_1", "Lead/p_2"):
        decided, invalid = fields.decide(key, CREATE, [BAD], {})
        assert decided == [] and [type(failure) for failure in invalid] == [InvalidFieldValue]
