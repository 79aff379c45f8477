"""Sensitive values: the plan holds keyed digests only; apply takes each value from the store and sends it
only when it is the planned one."""

from __future__ import annotations

import dataclasses
import json

from engine_support import CONTACTS, LEADS, add_people, config_applied
from fake_port import FakePort, custom_field
from sqlalchemy import delete, update

from sfsync.engine.applying.applier import apply_plan
from sfsync.engine.planning.planner import make_plan
from sfsync.engine.plans.digest import ValueDigest
from sfsync.engine.plans.file import plan_from_file, save_plan
from sfsync.engine.plans.json_form import plan_to_json
from sfsync.engine.plans.plan import FieldChange, Plan
from sfsync.engine.sensitive import ValueDigests
from sfsync.render.plan_schema import plan_problems
from sfsync.render.views import FORMATS, render_plan_view
from sfsync.salesforce.port import ErrorDetail, FieldInfo
from sfsync.store import Store
from sfsync.store.schema import person

MOBILE = "    MobilePhone: {from: person.mobile_phone, sensitive: true, policy: owned}\n"
SENSITIVE_LEADS = LEADS.replace("    Title: person.title\n    Company", f"    Title: person.title\n{MOBILE}    Company")
ADA = {"email": "ada@acme.example", "last_name": "Lovelace", "mobile_phone": "+44 20 7946 0018"}
BOB = {"email": "bob@acme.example", "last_name": "Builder", "mobile_phone": "+44 20 7946 0999"}


def _field(plan: Plan, label: str, name: str) -> FieldChange:
    change = next(c for c in plan.changes if c.workspace.label == label)
    return next(f for f in change.fields if f.field == name)


def _move(store: Store, email: str, **values: str) -> None:
    """The workspace moves without the store's serial (as a value a plan read and then rolled back does)."""
    with store.session.write() as conn:
        conn.execute(update(person).where(person.c.email_norm == email).values(**values))


def test_a_sensitive_value_is_planned_as_a_keyed_digest_and_applied_from_the_store(store, port, write_config):
    add_people(store, ADA)
    loaded = write_config(SENSITIVE_LEADS)
    plan = make_plan(port, store, loaded)
    item = _field(plan, "ada@acme.example", "MobilePhone")
    digests = ValueDigests(store.plan_key.key())
    key = plan.changes[0].key
    assert item.sensitive and item.after == digests.of_sent(key, "MobilePhone", ADA["mobile_phone"])
    assert ADA["mobile_phone"] not in json.dumps(plan_to_json(plan))
    report = apply_plan(port, store, loaded, plan)
    assert report.counts() == {"written": 1} and port.live("Lead")[0]["MobilePhone"] == ADA["mobile_phone"]
    assert store.ledger.values("Lead", port.live("Lead")[0]["Id"])["MobilePhone"] == ADA["mobile_phone"]


def test_an_update_holds_salesforces_value_as_a_digest_and_rechecks_it(store, port, write_config):
    lead = port.seed("Lead", LastName="Lovelace", Company="Acme", Email="ada@acme.example", MobilePhone="+1 555 0100")
    add_people(store, ADA)
    loaded = write_config(SENSITIVE_LEADS)
    plan = make_plan(port, store, loaded)
    item = _field(plan, "ada@acme.example", "MobilePhone")
    assert isinstance(item.before, ValueDigest) and "+1 555 0100" not in json.dumps(plan_to_json(plan))
    port.edit("Lead", lead, MobilePhone="+1 555 0100 ")  # the same value as the field means it: not a conflict
    assert apply_plan(port, store, loaded, plan).rows[0].dropped == ()
    assert port.records["Lead"][lead]["MobilePhone"] == ADA["mobile_phone"]
    add_people(store, {**ADA, "mobile_phone": "+44 20 7946 0111"})
    again = make_plan(port, store, loaded)
    port.edit("Lead", lead, MobilePhone="+1 555 0199")  # a person's edit since the plan: kept, never overwritten
    (row,) = apply_plan(port, store, loaded, again).rows
    assert row.outcome == "conflict" and row.dropped == ("MobilePhone",)
    assert port.records["Lead"][lead]["MobilePhone"] == "+1 555 0199"


def test_a_workspace_value_moved_since_the_plan_refuses_only_that_record(store, port, write_config):
    add_people(store, ADA, BOB)
    loaded = write_config(SENSITIVE_LEADS)
    plan = make_plan(port, store, loaded)
    _move(store, "ada@acme.example", mobile_phone="+44 20 7946 0555")
    report = apply_plan(port, store, loaded, plan)
    (ada,) = [r for r in report.rows if r.outcome == "conflict"]
    assert ada.key == next(c.key for c in plan.changes if c.workspace.label == "ada@acme.example")
    assert ada.message.startswith("MobilePhone (from person.mobile_phone): its value is no longer the one planned")
    assert "0555" not in ada.message and "0018" not in ada.message
    assert [r["Email"] for r in port.live("Lead")] == ["bob@acme.example"]
    config_applied(store, loaded)
    (change,) = make_plan(port, store, loaded).changes  # still an entrant: the next plan takes the new value
    apply_plan(port, store, loaded, make_plan(port, store, loaded))
    assert change.workspace.label == "ada@acme.example"
    assert {r["Email"]: r["MobilePhone"] for r in port.live("Lead")}["ada@acme.example"] == "+44 20 7946 0555"


def test_a_refused_update_never_puts_a_digest_into_the_mirror(store, port, write_config):
    lead = port.seed("Lead", LastName="Lovelace", Company="Acme", Email="ada@acme.example", MobilePhone="+1 555 0100")
    add_people(store, ADA)
    loaded = write_config(SENSITIVE_LEADS.replace("write: true,", "write: true, api: bulk,"))
    config_applied(store, loaded)
    plan = make_plan(port, store, loaded)
    # The Bulk check's watermark after every stamp: the target is taken as holding what the plan read.
    fingerprint = dataclasses.replace(plan.fingerprint, watermarks={"Lead": "2027-01-01T00:00:00.000+0000"})
    _move(store, "ada@acme.example", mobile_phone="+44 20 7946 0555")
    (row,) = apply_plan(port, store, loaded, dataclasses.replace(plan, fingerprint=fingerprint)).rows
    assert row.outcome == "conflict" and port.calls["bulk_query"] >= 1
    mirrored = store.mirror.get_many("Lead", [lead])[lead].fields
    assert mirrored["MobilePhone"] == "+1 555 0100"


def test_if_unchanged_overwrites_a_sensitive_value_sfsync_wrote_by_its_digest(store, port, write_config):
    title = "    Title: {from: person.title, policy: if_unchanged, sensitive: true}\n"
    people = {"email": "ada@acme.example", "last_name": "Lovelace", "title": "CTO"}
    add_people(store, people)
    config = CONTACTS.replace("accounts}", "accounts, contacts_without_account: create}")
    loaded = write_config(config.replace("    Title: {from: person.title, policy: if_unchanged}\n", title))
    apply_plan(port, store, loaded, make_plan(port, store, loaded))
    add_people(store, {**people, "title": "Chief Scientist"})
    plan = make_plan(port, store, loaded)
    item = _field(plan, "ada@acme.example", "Title")
    assert isinstance(item.before, ValueDigest) and item.reason == "unchanged since sfsync wrote it"
    assert apply_plan(port, store, loaded, plan).counts() == {"written": 1}  # the ledger check compares digests
    assert port.live("Contact")[0]["Title"] == "Chief Scientist"


def test_salesforces_answer_quoting_a_sensitive_value_is_not_reported_or_recorded(store, port, write_config):
    add_people(store, ADA)
    loaded = write_config(SENSITIVE_LEADS)
    port.reject_next["Lead"] = ErrorDetail("FIELD_CUSTOM_VALIDATION_EXCEPTION", f"bad mobile: {ADA['mobile_phone']}")
    (row,) = apply_plan(port, store, loaded, make_plan(port, store, loaded)).rows
    assert row.outcome == "rejected" and row.message == "bad mobile: (sensitive)"
    run = store.runs.last("apply")
    assert run is not None
    (recorded,) = store.runs.results(run.id)
    assert recorded.message == "bad mobile: (sensitive)"


def test_encrypted_and_secret_named_fields_are_digested_whatever_the_mapping(store, write_config):
    vault = FieldInfo("Vault__c", "encryptedstring", "Vault", 175, True, True, True, True, encrypted=True)
    port = FakePort({"Lead": [custom_field("Api_Token__c"), vault]})
    add_people(store, {**ADA, "attributes": {"token": "tok_live_4242", "vault": "v-9f8e"}})
    fields = "    Api_Token__c: person.attributes.token\n    Vault__c: person.attributes.vault\n    Company"
    plan = make_plan(port, store, write_config(LEADS.replace("    Company", fields, 1)))
    for name in ("Api_Token__c", "Vault__c"):
        item = _field(plan, "ada@acme.example", name)
        assert item.sensitive and isinstance(item.after, ValueDigest)
    text = json.dumps(plan_to_json(plan))
    assert "tok_live_4242" not in text and "v-9f8e" not in text


def test_digests_are_keyed_by_the_store_and_bound_to_the_record_and_the_field():
    one, other = ValueDigests(b"k" * 32), ValueDigests(b"j" * 32)
    assert one.of_sent("Lead/p_1", "MobilePhone", "1234") == one.of_sent("Lead/p_1", "MobilePhone", "1234")
    assert one.of_sent("Lead/p_1", "MobilePhone", "1234") != other.of_sent("Lead/p_1", "MobilePhone", "1234")
    assert one.of_sent("Lead/p_1", "MobilePhone", "1234") != one.of_sent("Lead/p_2", "MobilePhone", "1234")
    assert one.of_sent("Lead/p_1", "MobilePhone", "1234") != one.of_sent("Lead/p_1", "Phone", "1234")
    email = FieldInfo("Email", "email")
    held = one.of_held("Lead/p_1", "Email", "Ada@Acme.example", email)
    assert held is not None and held.digest.startswith("hmac-sha256:") and len(held.digest) == 12 + 64
    assert one.still_held("Lead/p_1", "Email", held, "ada@acme.example", email)
    assert not one.still_held("Lead/p_1", "Email", held, "bob@acme.example", email)
    assert one.of_held("Lead/p_1", "DoNotCall", False, FieldInfo("DoNotCall", "boolean")) is None  # empty: null


def test_a_sensitive_default_is_rendered_again_from_its_template_at_apply(store, port, write_config):
    mapping = "    Description: {from: person.attributes.note, sensitive: true}\n    Company"
    config = LEADS.replace("    Company", mapping, 1).replace(
        "Status: Open - Not Contacted}", "Status: Open - Not Contacted, Description: 'PIN {{ person.attributes.pin }}'}"
    )
    add_people(store, {**ADA, "attributes": {"pin": "4821"}})
    loaded = write_config(config)
    plan = make_plan(port, store, loaded)
    item = _field(plan, "ada@acme.example", "Description")
    assert item.source == "default" and isinstance(item.after, ValueDigest)
    assert "4821" not in json.dumps(plan_to_json(plan))
    apply_plan(port, store, loaded, plan)
    assert port.live("Lead")[0]["Description"] == "PIN 4821"


def test_a_workspace_record_gone_since_the_plan_refuses_its_change(store, port, write_config):
    add_people(store, ADA)
    loaded = write_config(SENSITIVE_LEADS)
    plan = make_plan(port, store, loaded)
    with store.session.write() as conn:
        conn.execute(delete(person).where(person.c.email_norm == "ada@acme.example"))
    (row,) = apply_plan(port, store, loaded, plan).rows
    assert row.outcome == "conflict" and "the workspace record is no longer in the store" in row.message
    assert port.live("Lead") == []


def test_a_plan_with_digests_round_trips_validates_and_renders_without_them(store, port, write_config, tmp_path):
    port.seed("Lead", LastName="Lovelace", Company="Acme", Email="ada@acme.example", MobilePhone="+1 555 0100")
    add_people(store, {**ADA, "title": "CTO"})
    kept = "    MobilePhone: {from: person.mobile_phone, sensitive: true}\n"  # if_empty over a set value: kept
    plan = make_plan(port, store, write_config(SENSITIVE_LEADS.replace(MOBILE, kept)))
    (change,) = plan.changes
    (skip,) = change.skipped_fields
    assert skip.field == "MobilePhone" and isinstance(skip.before, ValueDigest) and isinstance(skip.wanted, ValueDigest)
    save_plan(plan, tmp_path / "plan.json")
    assert plan_from_file(tmp_path / "plan.json") == plan
    assert plan_problems(plan_to_json(plan)) == []
    for output in FORMATS:
        view = render_plan_view(plan_to_json(plan), output)
        assert "(sensitive)" in view and "hmac-sha256" not in view and "0100" not in view and "0018" not in view
