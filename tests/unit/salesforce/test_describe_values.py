from __future__ import annotations

import copy
import json
import random
from importlib import resources
from typing import Any

from sfsync.salesforce.describe import combined_digest, object_describe


def recorded(name: str) -> dict[str, Any]:
    text = resources.files("sfsync.localorg").joinpath("describes", f"{name}.json").read_text("utf-8")
    return dict(json.loads(text))


def test_recorded_lead_describe_reduces_to_what_sfsync_decides_on() -> None:
    lead = object_describe(recorded("Lead"))
    assert lead.name == "Lead" and lead.queryable and lead.createable and lead.updateable
    email = lead.field("email")
    assert email is not None and email.type == "email" and email.length == 80 and email.permissionable
    status = lead.fields["Status"]
    assert status.picklist_values[0] == "Open - Not Contacted"
    assert not status.required_on_create  # nillable false but defaulted on create
    required = sorted(f.name for f in lead.fields.values() if f.required_on_create)
    assert required == ["Company", "LastName"]
    assert lead.fields["OwnerId"].reference_to == ("Group", "User")
    assert not lead.fields["Name"].createable


def test_digest_ignores_key_order_field_order_and_irrelevant_keys() -> None:
    raw = recorded("Contact")
    shuffled = copy.deepcopy(raw)
    random.Random(7).shuffle(shuffled["fields"])
    shuffled = json.loads(json.dumps(shuffled, sort_keys=False)[::1])
    shuffled["urls"] = {"describe": "/elsewhere"}
    shuffled["fields"][0]["inlineHelpText"] = "changed help"
    assert object_describe(raw).digest == object_describe(shuffled).digest


def test_digest_moves_when_access_or_shape_changes() -> None:
    raw = recorded("Account")
    base = object_describe(raw).digest
    hidden = copy.deepcopy(raw)
    hidden["fields"] = [f for f in hidden["fields"] if f["name"] != "Website"]
    readonly = copy.deepcopy(raw)
    next(f for f in readonly["fields"] if f["name"] == "Phone")["updateable"] = False
    assert len({base, object_describe(hidden).digest, object_describe(readonly).digest}) == 3


def test_combined_digest_is_order_independent() -> None:
    lead, contact = object_describe(recorded("Lead")), object_describe(recorded("Contact"))
    assert combined_digest({"Lead": lead, "Contact": contact}) == combined_digest({"Contact": contact, "Lead": lead})
    assert combined_digest({"Lead": lead}) != combined_digest({"Lead": lead, "Contact": contact})
