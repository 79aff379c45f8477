"""The planner over the fake port and a real SQLite store: matching, scope, policies, reasons."""

from __future__ import annotations

from engine_support import CONTACTS, LEADS, PRIVATE_CONTACTS, add_companies, add_people

from sfsync.engine.applying.applier import apply_plan
from sfsync.engine.planning.planner import make_plan
from sfsync.engine.plans.json_form import plan_from_json, plan_to_json
from sfsync.engine.plans.plan import Action, KnownAfterApply, SkipCode


def _skip(plan, label):
    return next(s for s in plan.skips if s.workspace.label == label)


def test_contacts_mode_creates_account_before_its_contact(store, port, write_config):
    add_companies(store, {"domain": "acme.example", "name": "Acme", "intent_level": "High"})
    add_people(store, {"email": "ada@acme.example", "last_name": "Lovelace", "company_domain": "acme.example"})
    plan = make_plan(port, store, write_config(CONTACTS))
    assert [(c.sobject, c.action) for c in plan.changes] == [("Account", Action.CREATE), ("Contact", Action.CREATE)]
    account, contact = plan.changes
    fields = {f.field: f for f in contact.fields}
    assert fields["AccountId"].after == KnownAfterApply(account.key)
    assert fields["AccountId"].ref == account.key
    shown = {f["field"]: f for f in plan_to_json(plan)["changes"][1]["fields"]}["AccountId"]
    assert (shown["after"], shown["ref"]) == ("(known after apply)", account.key)
    assert plan_from_json(plan_to_json(plan)) == plan  # the marker comes back as the marker
    assert fields["LeadSource"].after == "Web"  # the play default beats the global one
    assert plan.play_entries[0].play == "everyone"


def test_account_matched_by_domain_prefers_most_contacts(store, port, write_config):
    lonely = port.seed("Account", Name="Acme 2", Website="https://acme.example")
    busy = port.seed("Account", Name="Acme", Website="www.acme.example")
    port.seed("Contact", LastName="X", Email="x@acme.example", AccountId=busy)
    port.edit("Account", lonely, Name="Acme 2")  # the most recently modified, but with no Contacts
    add_companies(store, {"domain": "acme.example", "name": "Acme", "intent_level": "High"})
    add_people(store, {"email": "ada@acme.example", "last_name": "Lovelace", "company_domain": "acme.example"})
    plan = make_plan(port, store, write_config(CONTACTS))
    (contact,) = [c for c in plan.changes if c.workspace.label == "ada@acme.example"]
    assert {f.field: f.after for f in contact.fields}["AccountId"] == busy
    account_changes = [c for c in plan.changes if c.sobject == "Account"]
    assert all(c.sf_id == busy for c in account_changes)
    assert "of 2 candidates (most Contacts" in account_changes[0].match


def test_human_set_values_are_kept_and_owned_fields_updated(store, port, write_config):
    contact = port.seed("Contact", LastName="Lovelace", Email="ada@acme.example", FirstName="Augusta")
    add_people(store, {"email": "ada@acme.example", "first_name": "Ada", "last_name": "Lovelace", "title": "CTO"})
    config = CONTACTS.replace(
        "LastName: person.last_name", "LastName: person.last_name\n    Sfsync_Intent__c: person.title"
    )
    plan = make_plan(port, store, write_config(config))
    (change,) = plan.changes
    assert change.sf_id == contact
    assert {f.field: f.after for f in change.fields} == {
        "Title": "CTO",
        "Sfsync_Intent__c": "CTO",
        "LeadSource": "Web",
    }
    assert [(s.field, s.before, s.reason) for s in change.skipped_fields] == [
        ("FirstName", "Augusta", "if_empty: already set in Salesforce")
    ]


def test_if_unchanged_follows_the_ledger(store, port, write_config):
    add_people(store, {"email": "ada@acme.example", "last_name": "Lovelace", "title": "CTO"})
    loaded = write_config(PRIVATE_CONTACTS)
    apply_plan(port, store, loaded, make_plan(port, store, loaded))
    add_people(store, {"email": "ada@acme.example", "last_name": "Lovelace", "title": "Chief Technology Officer"})
    plan = make_plan(port, store, loaded)
    (change,) = plan.changes
    assert [(f.field, f.before, f.after) for f in change.fields] == [("Title", "CTO", "Chief Technology Officer")]
    (contact,) = port.live("Contact")
    port.edit("Contact", contact["Id"], Title="VP Engineering")  # a person takes the field over
    plan = make_plan(port, store, loaded)
    assert plan.changes == ()
    assert "if_unchanged" in _skip(plan, "ada@acme.example").reason


def test_leads_mode_existing_contact_wins_and_converted_lead_is_followed(store, port, write_config):
    contact = port.seed("Contact", LastName="Hopper", Email="grace@acme.example")
    port.seed("Lead", LastName="Hopper", Company="Acme", Email="grace@acme.example")
    converted_to = port.seed("Contact", LastName="Turing")  # no email: reading never made it a person
    lead = port.seed("Lead", LastName="Turing", Company="B", Email="alan@bletchley.example")
    port.convert(lead, converted_to)
    add_people(
        store,
        {"email": "grace@acme.example", "last_name": "Hopper", "title": "Admiral"},
        {"email": "alan@bletchley.example", "last_name": "Turing", "title": "Codebreaker"},
    )
    plan = make_plan(port, store, write_config(LEADS))
    targets = {c.workspace.label: (c.sobject, c.sf_id, c.match) for c in plan.changes}
    assert targets["grace@acme.example"][:2] == ("Contact", contact)
    assert "existing Contact wins" in targets["grace@acme.example"][2]
    assert targets["alan@bletchley.example"][:2] == ("Contact", converted_to)
    assert "converted" in targets["alan@bletchley.example"][2]
    assert all(c.sobject != "Lead" for c in plan.changes)


def test_ambiguous_email_takes_the_most_recent_and_says_so(store, port, write_config):
    older = port.seed("Lead", LastName="M", Company="K", Email="lise@kwi.example")
    newer = port.seed("Lead", LastName="M", Company="K", Email="Lise@KWI.example")
    add_people(store, {"email": "lise@kwi.example", "last_name": "Meitner", "title": "Physicist"})
    plan = make_plan(port, store, write_config(LEADS))
    (change,) = plan.changes
    assert change.sf_id == newer != older
    assert "of 2 candidates (not converted first, then most recently modified)" in change.match


def test_company_exclusion_covers_people_and_the_domain_group(store, port, write_config):
    port.seed("Account", Name="Umbrella", Website="https://umbrella.example", Type="Customer - Direct")
    add_companies(store, {"domain": "umbrella.example", "name": "Umbrella", "intent_level": "High"})
    add_people(store, {"email": "al@umbrella.example", "last_name": "Wesker", "company_domain": "umbrella.example"})
    config = CONTACTS + (
        "exclusions:\n"
        "  - name: customers\n"
        "    applies_to: company\n"
        "    where: {salesforce: Account, field: Type, op: eq, value: Customer - Direct}\n"
    )
    plan = make_plan(port, store, write_config(config))
    assert plan.changes == ()
    skip = _skip(plan, "al@umbrella.example")
    assert (skip.code, skip.reason) == (SkipCode.EXCLUDED, "excluded by customers")


def test_plays_are_edge_triggered(store, port, write_config):
    add_people(store, {"email": "ada@acme.example", "last_name": "Lovelace"})
    loaded = write_config(
        LEADS.replace(
            "audience: {object: person}", "audience: {object: person, where: {field: person.title, op: eq, value: CTO}}"
        )
    )
    assert make_plan(port, store, loaded).play_entries == ()
    add_people(store, {"email": "ada@acme.example", "last_name": "Lovelace", "title": "CTO"})
    plan = make_plan(port, store, loaded)
    assert [(e.play, e.entered) for e in plan.play_entries] == [("everyone", True)]
    apply_plan(port, store, loaded, plan)
    assert make_plan(port, store, loaded).play_entries == ()
    add_people(store, {"email": "ada@acme.example", "last_name": "Lovelace", "title": "CEO"})
    plan = make_plan(port, store, loaded)
    assert [(e.play, e.entered) for e in plan.play_entries] == [("everyone", False)]


def test_write_disabled_writes_nothing_and_says_why(store, port, write_config):
    add_people(store, {"email": "ada@acme.example", "last_name": "Lovelace"})
    plan = make_plan(port, store, write_config(LEADS.replace("write: true", "write: false")))
    assert plan.changes == () and not plan.write_enabled
    assert _skip(plan, "ada@acme.example").code is SkipCode.WRITE_DISABLED


def test_deleted_linked_record_is_reported_not_recreated(store, port, write_config):
    add_people(store, {"email": "ada@acme.example", "last_name": "Lovelace", "title": "CTO"})
    loaded = write_config(LEADS)
    apply_plan(port, store, loaded, make_plan(port, store, loaded))
    (lead,) = port.live("Lead")
    port.delete("Lead", lead["Id"])
    plan = make_plan(port, store, loaded)
    assert plan.changes == ()
    assert _skip(plan, "ada@acme.example").code is SkipCode.DELETED


def test_mapping_change_rereads_the_object_in_full(store, port, write_config):
    port.seed("Lead", LastName="Lovelace", Company="A", Email="ada@acme.example", Title="Countess")
    add_people(store, {"email": "ada@acme.example", "last_name": "Lovelace"})
    loaded = write_config(LEADS)
    apply_plan(port, store, loaded, make_plan(port, store, loaded))
    assert make_plan(port, store, loaded).recorded  # the applied config: its read is kept (watermarks)
    changed = write_config(LEADS.replace("Title: person.title", "Title: {from: person.title, direction: read}"))
    plan = make_plan(port, store, changed)
    assert ("mapping_changed", "mappings.Lead.Title") in {(c.kind, c.path) for c in plan.config_diff}
    assert plan.refresh["Lead"]["read"] == 1  # read again although nothing changed in Salesforce
    # Not applied yet: nothing of that read is kept, the workspace has no title from Salesforce.
    assert not plan.recorded and store.workspace.find("person", "ada@acme.example").values["title"] is None
    apply_plan(port, store, changed, plan)
    again = make_plan(port, store, changed)
    # Applying it forgot the Lead watermark, so the first plan that records reads the Leads in full.
    assert again.recorded and again.refresh["Lead"]["read"] == 1
    assert store.workspace.find("person", "ada@acme.example").values["title"] == "Countess"


def test_missing_required_value_is_skipped_before_salesforce_rejects_it(store, port, write_config):
    add_people(store, {"email": "nameless@acme.example"})
    plan = make_plan(port, store, write_config(LEADS))
    skip = _skip(plan, "nameless@acme.example")
    assert (skip.code, skip.reason) == (SkipCode.MISSING_REQUIRED, "required field LastName without a value")


def test_template_failure_is_an_error_on_its_yaml_line(store, port, write_config):
    add_people(store, {"email": "ada@acme.example", "last_name": "Lovelace"})
    plan = make_plan(
        port, store, write_config(LEADS.replace("company.name or '[not provided]'", "company.name | int(1, 2, 3)"))
    )
    assert not plan.appliable
    error = next(d for d in plan.diagnostics if d.severity == "error")
    assert error.path == "defaults.Lead.Company" and error.line is not None


def test_a_value_that_cannot_go_into_its_field_skips_the_record_as_invalid(store, port, write_config):
    config = LEADS.replace(
        "    Title: person.title\n", "    Title: person.title\n    NumberOfEmployees: person.attributes.size\n", 1
    )
    add_people(store, {"email": "ada@acme.example", "last_name": "Lovelace", "attributes": {"size": "1.5"}})
    plan = make_plan(port, store, write_config(config))
    assert plan.changes == ()
    skip = _skip(plan, "ada@acme.example")
    assert skip.code is SkipCode.INVALID_VALUE
    assert skip.reason == "invalid value: NumberOfEmployees (from person.attributes.size): '1.5' is not a whole number"


def test_a_value_too_long_for_its_field_is_skipped_and_the_rest_is_written(store, port, write_config):
    add_people(store, {"email": "ada@acme.example", "last_name": "Lovelace", "title": "Countess " * 15})
    plan = make_plan(port, store, write_config(LEADS))
    (change,) = plan.changes
    assert "Title" not in {f.field for f in change.fields} and "LastName" in {f.field for f in change.fields}
    (title,) = change.skipped_fields
    assert (title.field, title.code) == ("Title", SkipCode.TOO_LONG)
    cut = make_plan(
        port,
        store,
        write_config(LEADS.replace("Title: person.title", "Title: {from: person.title, truncate: true}", 1)),
    )
    (field,) = [f for f in cut.changes[0].fields if f.field == "Title"]
    assert len(field.after) == 128 and "truncated from 134 to 128 characters" in field.reason


def test_a_create_whose_required_field_is_too_long_says_so(store, port, write_config):
    add_people(store, {"email": "ada@acme.example", "last_name": "L" * 81})
    plan = make_plan(port, store, write_config(LEADS))
    skip = _skip(plan, "ada@acme.example")
    assert skip.code is SkipCode.MISSING_REQUIRED
    assert skip.reason == (
        "required field LastName (too long: 81 characters, the field holds 80 "
        "(`truncate: true` on the mapping cuts it)) without a value"
    )
