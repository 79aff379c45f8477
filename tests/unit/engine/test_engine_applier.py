"""Apply over the fake port: constrained by the plan, idempotent, and a second apply writes nothing."""

from __future__ import annotations

from dataclasses import replace

import pytest
from engine_support import CONTACTS, LEADS, PRIVATE_CONTACTS, add_companies, add_people, config_applied
from fake_port import FakeRule

from sfsync.engine.applying.applier import apply_plan
from sfsync.engine.applying.runs import GUARDED_CHUNK
from sfsync.engine.applying.survey import Survey
from sfsync.engine.planning.planner import make_plan
from sfsync.engine.plans.records import FileRecords
from sfsync.errors import StalePlanError


def _seed_workspace(store):
    add_companies(store, {"domain": "acme.example", "name": "Acme", "intent_level": "High"})
    add_people(
        store,
        {"email": "ada@acme.example", "last_name": "Lovelace", "title": "CTO", "company_domain": "acme.example"},
        {"email": "bob@acme.example", "last_name": "Builder", "company_domain": "acme.example"},
    )


def test_second_plan_after_apply_has_no_writes(store, port, write_config):
    _seed_workspace(store)
    loaded = write_config(CONTACTS)
    report = apply_plan(port, store, loaded, make_plan(port, store, loaded))
    assert report.counts() == {"written": 3}
    account = port.live("Account")[0]
    assert {c["AccountId"] for c in port.live("Contact")} == {account["Id"]}
    again = make_plan(port, store, loaded)
    assert again.changes == ()
    assert not again.has_writes


def test_human_edit_between_plan_and_apply_is_a_conflict(store, port, write_config):
    contact = port.seed("Contact", LastName="Lovelace", Email="ada@acme.example")
    add_people(store, {"email": "ada@acme.example", "last_name": "Lovelace", "title": "CTO"})
    loaded = write_config(CONTACTS)
    plan = make_plan(port, store, loaded)
    (change,) = plan.changes
    assert change.sf_id == contact and {f.field for f in change.fields} >= {"Title"}
    port.edit("Contact", contact, Title="Chief Scientist")
    report = apply_plan(port, store, loaded, plan)
    assert port.records["Contact"][contact]["Title"] == "Chief Scientist"
    assert "Title" in report.rows[0].dropped


def test_stale_plan_is_refused_naming_what_moved(store, port, write_config):
    _seed_workspace(store)
    loaded = write_config(CONTACTS)
    plan = make_plan(port, store, loaded)
    apply_plan(port, store, loaded, make_plan(port, store, loaded))
    with pytest.raises(StalePlanError, match="serial"):
        apply_plan(port, store, loaded, plan)


def test_lost_create_response_is_linked_not_created_again(store, port, write_config):
    add_people(store, {"email": "ada@acme.example", "last_name": "Lovelace"})
    loaded = write_config(LEADS)
    port.drop_next_writes = 1
    report = apply_plan(port, store, loaded, make_plan(port, store, loaded))
    assert [r.outcome for r in report.rows] == ["unknown"]
    second = make_plan(port, store, loaded)
    assert [c.action for c in second.changes] == []
    apply_plan(port, store, loaded, second)
    assert len(port.live("Lead")) == 1
    assert store.links.for_record("person", store.workspace.find("person", "ada@acme.example").id)


def test_a_duplicate_rule_matching_another_persons_lead_is_rejected_as_ambiguous(store, port, write_config):
    add_people(store, {"email": "ada@acme.example", "last_name": "Lovelace", "title": "CTO"})
    loaded = write_config(LEADS)
    plan = make_plan(port, store, loaded)
    existing = port.seed("Lead", LastName="Lovelace", Company="A", Email="augusta@acme.example")
    port.duplicate_rules["Lead"] = "LastName"  # the rule matches on a field the email check does not see
    report = apply_plan(port, store, loaded, plan)
    (row,) = report.rows
    assert (row.outcome, row.error_code) == ("rejected", "DUPLICATES_DETECTED")
    assert row.message.startswith("ambiguous: duplicate rule Lead_Rule refused the create (Use one of these records?")
    assert f"it matched Lead {existing}" in row.message
    assert store.links.by_sf_id("Lead", existing) is None
    ada = store.workspace.find("person", "ada@acme.example")
    follow_up = make_plan(port, store, loaded)
    assert [c.sf_id for c in follow_up.changes if c.workspace.id == ada.id] in ([], [None])
    assert port.records["Lead"][existing].get("Title") is None


def test_a_duplicate_rule_match_with_the_same_email_is_linked(store, port, write_config):
    add_people(store, {"email": "ada@acme.example", "last_name": "Lovelace", "title": "CTO"})
    loaded = write_config(LEADS)
    plan = make_plan(port, store, loaded)
    port.duplicate_rules["Lead"] = "Email"
    same: list[str] = []
    port.before_next_write = lambda: same.append(port.seed("Lead", LastName="L", Company="A", Email="ADA@acme.example"))
    report = apply_plan(port, store, loaded, plan)
    assert [(r.outcome, r.sf_id) for r in report.rows] == [("linked", same[0])]
    assert len(port.live("Lead")) == 1


def test_without_named_matches_a_same_email_record_is_looked_up_and_linked(store, port, write_config):
    add_people(store, {"email": "ada@acme.example", "last_name": "Lovelace"})
    loaded = write_config(LEADS)
    plan = make_plan(port, store, loaded)
    port.duplicate_rules["Lead"] = "Email"
    port.names_duplicates = False  # as sObject Collections rows: code and message only
    same: list[str] = []
    port.before_next_write = lambda: same.append(port.seed("Lead", LastName="L", Company="A", Email="ada@acme.example"))
    report = apply_plan(port, store, loaded, plan)
    assert [(r.outcome, r.sf_id) for r in report.rows] == [("linked", same[0])]


def test_a_contact_rule_matching_a_lead_is_never_a_link(store, port, write_config):
    add_people(store, {"email": "ada@acme.example", "last_name": "Lovelace"})
    loaded = write_config(PRIVATE_CONTACTS)
    plan = make_plan(port, store, loaded)
    lead = port.seed("Lead", LastName="Lovelace", Company="A", Email="ada@acme.example")
    port.duplicate_rules["Contact"] = FakeRule(("Email",), compare_with="Lead")
    report = apply_plan(port, store, loaded, plan)
    (row,) = report.rows
    assert (row.outcome, row.sf_id) == ("rejected", None) and f"it matched Lead {lead}" in row.message
    person = store.workspace.find("person", "ada@acme.example")
    assert [link.object for link in store.links.for_record("person", person.id)] != ["Contact"]


def test_an_update_refused_by_a_duplicate_rule_is_rejected_not_linked(store, port, write_config):
    lead = port.seed("Lead", LastName="Lovelace", Company="A", Email="ada@acme.example")
    other = port.seed("Lead", LastName="Lovelace", Company="B", Email="augusta@acme.example", Title="CTO")
    add_people(store, {"email": "ada@acme.example", "last_name": "Lovelace", "title": "CTO"})
    loaded = write_config(LEADS)
    config_applied(store, loaded)  # the plan records the read link to ada's Lead
    plan = make_plan(port, store, loaded)
    port.duplicate_rules["Lead"] = FakeRule(("LastName", "Title"))
    report = apply_plan(port, store, loaded, plan)
    (row,) = [r for r in report.rows if r.sf_id == lead]
    assert (row.outcome, row.error_code) == ("rejected", "DUPLICATES_DETECTED")
    ada = store.workspace.find("person", "ada@acme.example")
    assert other in row.message and [link.sf_id for link in store.links.for_record("person", ada.id)] == [lead]
    assert port.records["Lead"][lead].get("Title") is None


def test_rejected_create_is_retried_next_run_and_exit_reports_it(store, port, write_config):
    from sfsync.salesforce.port import ErrorDetail

    add_people(store, {"email": "ada@acme.example", "last_name": "Lovelace"})
    loaded = write_config(LEADS)
    port.reject_next["Lead"] = ErrorDetail("FIELD_CUSTOM_VALIDATION_EXCEPTION", "Phone is required")
    report = apply_plan(port, store, loaded, make_plan(port, store, loaded))
    assert report.rejected and report.rows[0].error_code == "FIELD_CUSTOM_VALIDATION_EXCEPTION"
    retry = make_plan(port, store, loaded)
    assert [c.action for c in retry.changes] == ["create"]
    assert retry.changes[0].match.startswith("retrying: rejected last time (FIELD_CUSTOM_VALIDATION_EXCEPTION)")
    apply_plan(port, store, loaded, retry)
    assert len(port.live("Lead")) == 1


def test_terminal_rejection_is_not_retried(store, port, write_config):
    from sfsync.salesforce.port import ErrorDetail

    add_people(store, {"email": "ada@acme.example", "last_name": "Lovelace"})
    loaded = write_config(LEADS)
    port.reject_next["Lead"] = ErrorDetail("INVALID_EMAIL_ADDRESS", "bad email")
    apply_plan(port, store, loaded, make_plan(port, store, loaded))
    plan = make_plan(port, store, loaded)
    assert plan.changes == ()
    (skip,) = plan.skips
    assert skip.code == "rejected" and "(INVALID_EMAIL_ADDRESS: bad email); not resent until" in skip.reason
    assert plan.play_entries == ()  # held back, yet still an entrant: tried again once the record changes
    add_people(store, {"email": "ada@acme.example", "last_name": "Lovelace-King"})
    (change,) = make_plan(port, store, loaded).changes
    assert change.action == "create" and change.workspace.label == "ada@acme.example"


def test_rest_and_bulk_give_identical_results(store, port, write_config, tmp_path):
    from engine_support import SFSYNC_FIELDS
    from fake_port import FakePort

    from sfsync.store import open_store

    def run(config: str, target_port: FakePort, target_store) -> list[dict]:
        add_companies(target_store, {"domain": "acme.example", "name": "Acme", "intent_level": "High"})
        add_people(target_store, {"email": "ada@acme.example", "last_name": "L", "company_domain": "acme.example"})
        loaded = write_config(config)
        apply_plan(target_port, target_store, loaded, make_plan(target_port, target_store, loaded))
        return [
            {k: v for k, v in r.items() if k not in ("Id", "AccountId", "SystemModstamp", "LastModifiedDate")}
            for name in ("Account", "Contact")
            for r in target_port.live(name)
        ]

    rest = run(CONTACTS, port, store)
    bulk_port = FakePort({n: SFSYNC_FIELDS for n in ("Account", "Contact", "Lead")})
    bulk_store = open_store(f"sqlite:///{tmp_path / 'bulk.db'}")
    bulk = run(CONTACTS.replace("write: true,", "write: true, api: bulk,"), bulk_port, bulk_store)
    bulk_store.close()
    assert rest == bulk
    assert port.calls["bulk"] == 0 and bulk_port.calls["bulk"] == 2


def test_external_id_creates_are_upserts(store, port, write_config):
    add_people(store, {"email": "ada@acme.example", "last_name": "Lovelace"})
    loaded = write_config(LEADS.replace("write: true,", "write: true, external_id_field: Sfsync_Id__c,"))
    plan = make_plan(port, store, loaded)
    person = store.workspace.find("person", "ada@acme.example")
    assert {f.field: f.after for f in plan.changes[0].fields}["Sfsync_Id__c"] == person.id
    apply_plan(port, store, loaded, plan)
    assert [w[1] for w in port.written] == ["upsert"]
    assert port.live("Lead")[0]["Sfsync_Id__c"] == person.id


def test_stop_request_finishes_the_batch_and_stops(store, port, write_config):
    _seed_workspace(store)
    loaded = write_config(CONTACTS)
    asked = iter([False, True])
    report = apply_plan(port, store, loaded, make_plan(port, store, loaded), stop=lambda: next(asked))
    assert report.interrupted
    assert [r.sobject for r in report.rows] == ["Account"]
    assert port.live("Contact") == []
    assert make_plan(port, store, loaded).changes  # the rest is still to do


def test_write_disabled_plan_applies_nothing(store, port, write_config):
    add_people(store, {"email": "ada@acme.example", "last_name": "Lovelace"})
    loaded = write_config(LEADS.replace("write: true", "write: false"))
    report = apply_plan(port, store, loaded, make_plan(port, store, loaded))
    assert report.rows == () and not report.write_enabled
    assert port.written == []


def test_a_record_created_by_someone_since_the_plan_is_not_duplicated(store, port, write_config):
    add_people(store, {"email": "ada@acme.example", "last_name": "Lovelace"})
    loaded = write_config(LEADS)
    plan = make_plan(port, store, loaded)
    port.seed("Lead", LastName="Lovelace", Company="A", Email="ADA@acme.example")
    report = apply_plan(port, store, loaded, plan)
    assert report.rows[0].outcome == "conflict"
    assert len(port.live("Lead")) == 1


def test_a_duplicate_rule_link_gets_its_values_on_the_next_run(store, port, write_config):
    add_people(store, {"email": "ada@acme.example", "last_name": "Lovelace", "title": "CTO"})
    loaded = write_config(LEADS)
    plan = make_plan(port, store, loaded)
    port.duplicate_rules["Lead"] = "Email"
    same: list[str] = []
    port.before_next_write = lambda: same.append(port.seed("Lead", LastName="L", Company="A", Email="ada@acme.example"))
    apply_plan(port, store, loaded, plan)
    follow_up = make_plan(port, store, loaded)
    assert [(c.action, c.sf_id) for c in follow_up.changes] == [("update", same[0])]
    apply_plan(port, store, loaded, follow_up)
    assert port.records["Lead"][same[0]]["Title"] == "CTO"
    assert make_plan(port, store, loaded).changes == ()


def test_an_account_created_by_someone_since_the_plan_is_not_duplicated(store, port, write_config):
    _seed_workspace(store)
    loaded = write_config(CONTACTS)
    plan = make_plan(port, store, loaded)
    port.seed("Account", Name="Acme (by hand)", Website="http://www.ACME.example/")
    report = apply_plan(port, store, loaded, plan)
    assert (report.rows[0].sobject, report.rows[0].outcome) == ("Account", "conflict")
    assert len(port.live("Account")) == 1
    assert {r.outcome for r in report.rows if r.sobject == "Contact"} == {"skipped"}


def test_an_upsert_that_found_a_record_is_a_link_never_written_nor_created_by_sfsync(store, port, write_config):
    add_people(store, {"email": "ada@acme.example", "last_name": "Lovelace", "title": "CTO"})
    loaded = write_config(LEADS.replace("write: true,", "write: true, external_id_field: Sfsync_Id__c,"))
    plan = make_plan(port, store, loaded)
    person = store.workspace.find("person", "ada@acme.example")
    theirs: list[str] = []
    # the id lands on a record after apply's look-up and before its upsert: Salesforce answers created: false
    port.before_next_write = lambda: theirs.append(
        port.seed("Lead", LastName="L", Company="A", Email="other@acme.example", Sfsync_Id__c=person.id)
    )
    report = apply_plan(port, store, loaded, plan)
    assert [(r.outcome, r.sf_id) for r in report.rows] == [("linked", theirs[0])]
    (link,) = store.links.for_record("person", person.id)
    assert (link.sf_id, link.created_by_sfsync) == (theirs[0], False)
    assert store.ledger.values("Lead", theirs[0]) == {}


def test_a_record_carrying_the_id_but_linked_to_another_person_is_a_conflict_not_a_link(store, port, write_config):
    other = port.seed("Lead", LastName="Byron", Company="A", Email="augusta@acme.example")
    add_people(store, {"email": "ada@acme.example", "last_name": "Lovelace"})
    loaded = write_config(LEADS.replace("write: true,", "write: true, external_id_field: Sfsync_Id__c,"))
    config_applied(store, loaded)
    plan = make_plan(port, store, loaded)  # reading links the Lead to the person augusta@
    ada = store.workspace.find("person", "ada@acme.example")
    port.edit("Lead", other, Sfsync_Id__c=ada.id)
    report = apply_plan(port, store, loaded, plan)
    (row,) = [r for r in report.rows if r.workspace_id == ada.id]
    assert row.outcome == "conflict" and "it is linked to person" in row.message
    assert store.links.for_record("person", ada.id) == []
    assert port.records["Lead"][other]["Email"] == "augusta@acme.example"


def test_two_records_carrying_the_external_id_are_ambiguous_and_nothing_is_sent(store, port, write_config):
    add_people(store, {"email": "ada@acme.example", "last_name": "Lovelace"})
    loaded = write_config(LEADS.replace("write: true,", "write: true, external_id_field: Sfsync_Id__c,"))
    plan = make_plan(port, store, loaded)
    ada = store.workspace.find("person", "ada@acme.example")
    one = port.seed("Lead", LastName="A", Company="A", Email="one@acme.example", Sfsync_Id__c=ada.id)
    two = port.seed("Lead", LastName="B", Company="B", Email="two@acme.example", Sfsync_Id__c=ada.id.upper())
    report = apply_plan(port, store, loaded, plan)
    (row,) = report.rows
    assert (row.outcome, row.error_code) == ("rejected", "DUPLICATE_EXTERNAL_ID") and one in row.message
    assert two in row.message and port.written == []
    held = make_plan(port, store, loaded)
    assert [s.code for s in held.skips if s.workspace.id == ada.id] == ["rejected"]
    assert [c for c in held.changes if c.workspace.id == ada.id] == []


def test_bulk_apply_checks_each_operation_right_before_its_job(store, port, write_config, monkeypatch):
    lead = port.seed("Lead", LastName="Lovelace", Company="Acme", Email="ada@acme.example")
    add_people(
        store,
        {"email": "ada@acme.example", "last_name": "Lovelace", "title": "CTO"},
        {"email": "bob@acme.example", "last_name": "Builder"},
    )
    loaded = write_config(LEADS.replace("write: true,", "write: true, api: bulk,"))
    plan = make_plan(port, store, loaded)
    assert {(c.sobject, str(c.action)) for c in plan.changes} == {("Lead", "create"), ("Lead", "update")}
    write = port.bulk_write
    checks_before_jobs: list[int] = []

    def a_person_edits_while_the_creates_job_runs(sobject, operation, records, external_id_field=None):
        # (queries of the creates' keys, changed-since queries of the object) made so far
        checks_before_jobs.append(tuple(sum(q.include_deleted is d for q in port.queries) for d in (False, True)))
        if str(operation) == "insert":
            port.edit("Lead", lead, Title="Chief Scientist")
        return write(sobject, operation, records, external_id_field)

    monkeypatch.setattr(port, "bulk_write", a_person_edits_while_the_creates_job_runs)
    port.queries.clear()
    report = apply_plan(port, store, loaded, plan)
    assert checks_before_jobs == [(1, 0), (1, 1)]  # a check right before each job
    assert port.calls["bulk"] == 2  # the creates' job and the updates' job
    assert port.records["Lead"][lead]["Title"] == "Chief Scientist"  # the edit made during the first job is kept
    assert {r.outcome for r in report.rows} == {"written"} and any("Title" in r.dropped for r in report.rows)


def test_bulk_creates_go_in_jobs_of_the_configured_size_each_checked_right_before_it(
    store, port, write_config, monkeypatch
):
    add_people(store, *({"email": f"p{n}@acme.example", "last_name": f"P{n}"} for n in range(5)))
    loaded = write_config(LEADS.replace("write: true,", "write: true, api: bulk, bulk_create_job_size: 2,"))
    plan = make_plan(port, store, loaded)
    (estimate,) = plan.estimates
    assert (estimate.creates, estimate.api, estimate.calls) == (5, "bulk", 3 * 6)  # per job: one check query, 5 calls
    write = port.bulk_write
    jobs: list[tuple[int, int]] = []  # per job: its rows, and the key queries made before it

    def a_person_creates_a_planned_lead_during_the_first_job(sobject, operation, records, external_id_field=None):
        jobs.append((len(records), sum(not q.include_deleted for q in port.queries)))
        if len(jobs) == 1:
            port.seed("Lead", LastName="By hand", Company="Hand Co", Email=plan.changes[-1].workspace.label)
        return write(sobject, operation, records, external_id_field)

    monkeypatch.setattr(port, "bulk_write", a_person_creates_a_planned_lead_during_the_first_job)
    port.queries.clear()
    report = apply_plan(port, store, loaded, plan)
    assert jobs == [(2, 1), (2, 2)]  # the third job's one create appeared: its check ran, nothing was sent
    assert sum(not q.include_deleted for q in port.queries) == 3
    last = next(r for r in report.rows if r.key == plan.changes[-1].key)
    assert last.outcome == "conflict" and "appeared in Salesforce since the plan" in last.message
    assert len(port.live("Lead")) == 5  # four written, one the person's: no second Lead for it


def test_apply_reads_the_plan_once_and_sends_its_changes_a_chunk_at_a_time(store, port, write_config, monkeypatch):
    add_people(store, *({"email": f"p{n}@acme.example", "last_name": f"P{n}"} for n in range(450)))
    loaded = write_config(LEADS)
    plan = make_plan(port, store, loaded)
    assert len(plan.changes) == 450
    passes: list[int] = []  # per pass over the plan's changes, how many it read

    def read():
        passes.append(0)
        for change in plan.changes:
            passes[-1] += 1
            yield change

    kept = Survey.changes
    sent_so_far = [0]  # the changes the send pass has read back from what the check kept

    def counted_changes(survey):
        for change in kept(survey):
            sent_so_far[0] += 1
            yield change

    read_at_sends: list[int] = []
    insert = port.insert

    def counted_insert(*args, **kwargs):
        read_at_sends.append(sent_so_far[0])
        return insert(*args, **kwargs)

    monkeypatch.setattr(Survey, "changes", counted_changes)
    monkeypatch.setattr(port, "insert", counted_insert)
    report = apply_plan(port, store, loaded, replace(plan, changes=FileRecords(450, read)))
    assert report.counts() == {"written": 450} and len(port.live("Lead")) == 450
    assert passes == [450]  # decoded once, to be checked; sent as the check kept them
    # Each chunk is sent once it and the next one (whose check its request carries) are read, no more.
    assert read_at_sends == [2 * GUARDED_CHUNK, 450, 450]


def test_a_long_run_of_bulk_updates_goes_in_jobs_each_rereading_its_targets_right_before_it(
    store, port, write_config, monkeypatch
):
    for n in range(5):
        port.seed("Lead", LastName=f"P{n}", Company="Acme", Email=f"p{n}@acme.example")
    add_people(store, *({"email": f"p{n}@acme.example", "last_name": f"P{n}", "title": "CTO"} for n in range(5)))
    loaded = write_config(LEADS.replace("write: true,", "write: true, api: bulk,"))
    monkeypatch.setattr("sfsync.engine.planning.call_estimates.BULK_UPDATE_JOB_SIZE", 2)
    monkeypatch.setattr("sfsync.engine.applying.runs.BULK_UPDATE_JOB_SIZE", 2)
    plan = make_plan(port, store, loaded)
    assert {str(c.action) for c in plan.changes} == {"update"} and len(plan.changes) == 5
    (estimate,) = plan.estimates
    assert estimate.calls == 3 * 5 + 3  # three jobs, each after one re-read of its targets
    write = port.bulk_write
    jobs: list[tuple[int, int]] = []  # per job: its rows, and the re-reads made before it
    last_job = str(plan.changes[-1].sf_id)

    def a_person_edits_the_last_lead_during_the_first_job(sobject, operation, records, external_id_field=None):
        jobs.append((len(records), port.calls["retrieve"]))
        if len(jobs) == 1:
            port.edit("Lead", last_job, Title="Chief Scientist")
        return write(sobject, operation, records, external_id_field)

    monkeypatch.setattr(port, "bulk_write", a_person_edits_the_last_lead_during_the_first_job)
    port.queries.clear()
    report = apply_plan(port, store, loaded, plan)
    assert jobs == [(2, 1), (2, 2), (1, 3)]  # each job re-read right before it is sent
    assert not any(q.include_deleted for q in port.queries)  # no changed-since query of the whole object
    assert port.records["Lead"][last_job]["Title"] == "Chief Scientist"  # the edit made meanwhile is kept
    last = next(r for r in report.rows if r.sf_id == last_job)
    assert report.counts() == {"written": 5} and last.dropped == ("Title",)  # its other fields written


def test_an_object_whose_updates_fit_one_bulk_job_is_checked_by_one_query(store, port, write_config, monkeypatch):
    leads = [port.seed("Lead", LastName=f"P{n}", Company="Acme", Email=f"p{n}@acme.example") for n in range(2)]
    add_people(store, *({"email": f"p{n}@acme.example", "last_name": f"P{n}", "title": "CTO"} for n in range(2)))
    loaded = write_config(LEADS.replace("write: true,", "write: true, api: bulk,"))
    monkeypatch.setattr("sfsync.engine.applying.runs.BULK_UPDATE_JOB_SIZE", 2)
    plan = make_plan(port, store, loaded)
    port.queries.clear()
    report = apply_plan(port, store, loaded, plan)
    assert (port.calls["bulk"], port.calls["retrieve"]) == (1, 0)
    assert sum(q.include_deleted for q in port.queries) == 1  # what changed since the plan, in one query
    assert report.counts() == {"written": 2} and {r.sf_id for r in report.rows} == set(leads)
