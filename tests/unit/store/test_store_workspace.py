from __future__ import annotations

import datetime as dt

from sfsync.catalogue import Kind
from sfsync.store import Store
from sfsync.store.workspace import Origin, RecordUpdate, derived_id

P = Kind.PERSON
C = Kind.COMPANY


def person(line: int, email: str | None, record_id: str | None = None, **values: object) -> RecordUpdate:
    key = email.strip().lower() if email else None
    fields = {"email": email, **values} if email is not None else dict(values)
    return RecordUpdate(P, line, record_id, key, fields, {})


def test_new_records_get_ids_derived_from_their_key(store: Store) -> None:
    outcome = store.workspace.upsert(P, [person(2, "ada@example.com", first_name="Ada")])
    assert (outcome.inserted, outcome.updated, outcome.unchanged) == (1, 0, 0)
    record = store.workspace.find(P, "ada@example.com")
    assert record is not None
    assert record.id == derived_id(P, "ada@example.com") and record.id.startswith("p_")
    assert record.values["first_name"] == "Ada"
    assert record.updated_at.tzinfo is not None


def test_loading_the_same_values_twice_changes_nothing(store: Store) -> None:
    rows = [person(2, "ada@example.com", first_name="Ada", do_not_call=True, last_activity_date=dt.date(2024, 5, 1))]
    store.workspace.upsert(P, rows)
    before = store.workspace.find(P, "ada@example.com")
    outcome = store.workspace.upsert(P, rows)
    assert (outcome.inserted, outcome.updated, outcome.unchanged) == (0, 0, 1)
    assert store.workspace.find(P, "ada@example.com") == before


def test_a_changed_value_updates_the_record_and_its_timestamp(store: Store) -> None:
    store.workspace.upsert(P, [person(2, "ada@example.com", first_name="Ada", title="Countess")])
    before = store.workspace.find(P, "ada@example.com")
    outcome = store.workspace.upsert(P, [person(2, "ADA@example.com", first_name="Augusta")])
    after = store.workspace.find(P, "ada@example.com")
    assert outcome.updated == 1
    assert before is not None and after is not None
    assert after.values["first_name"] == "Augusta"
    assert after.values["title"] == "Countess"  # columns the row does not carry are kept
    assert after.updated_at > before.updated_at


def test_attributes_merge_and_an_empty_value_removes_one(store: Store) -> None:
    store.workspace.upsert(C, [RecordUpdate(C, 2, None, "acme.com", {"domain": "acme.com"}, {"tier": "1", "x": "y"})])
    store.workspace.upsert(C, [RecordUpdate(C, 2, None, "acme.com", {}, {"tier": "2", "x": None})])
    record = store.workspace.find(C, "acme.com")
    assert record is not None and record.attributes == {"tier": "2"}


def test_an_explicit_id_is_kept_and_can_change_the_email(store: Store) -> None:
    store.workspace.upsert(P, [person(2, "old@example.com", "crm-1")])
    outcome = store.workspace.upsert(P, [person(3, "new@example.com", "crm-1")])
    assert outcome.updated == 1
    record = store.workspace.get(P, "crm-1")
    assert record is not None and record.key == "new@example.com"
    assert store.workspace.find(P, "old@example.com") is None


def test_an_email_owned_by_another_record_is_rejected_with_its_line(store: Store) -> None:
    store.workspace.upsert(P, [person(2, "ada@example.com", "crm-1")])
    outcome = store.workspace.upsert(P, [person(7, "ada@example.com", "crm-2"), person(8, "bob@example.com")])
    assert outcome.rejected == ((7, "email ada@example.com already belongs to person crm-1"),)
    assert outcome.inserted == 1
    assert store.workspace.get(P, "crm-2") is None


def test_rows_of_one_batch_apply_in_order(store: Store) -> None:
    rows = [person(2, "ada@example.com", first_name="A"), person(3, "ada@example.com", first_name="B")]
    outcome = store.workspace.upsert(P, rows)
    assert (outcome.inserted, outcome.updated) == (1, 1)
    record = store.workspace.find(P, "ada@example.com")
    assert record is not None and record.values["first_name"] == "B"


def test_records_stream_in_id_order(store: Store) -> None:
    store.workspace.upsert(P, [person(n, f"p{n}@example.com") for n in range(30)])
    ids = [r.id for r in store.workspace.records(P)]
    assert len(ids) == 30 == store.workspace.count(P)
    assert ids == sorted(ids)


def _read(update: RecordUpdate) -> RecordUpdate:
    return RecordUpdate(update.kind, update.line, update.id, update.key, update.values, update.attributes, Origin.READ)


def test_a_record_the_read_pass_made_is_read_and_a_load_claims_it(store: Store) -> None:
    store.workspace.upsert(P, [_read(person(0, "ada@example.com", first_name="Ada"))])
    made = store.workspace.find(P, "ada@example.com")
    assert made is not None and made.origin is Origin.READ
    store.workspace.upsert(P, [person(2, "ada@example.com")])  # the same values, from a file
    loaded = store.workspace.find(P, "ada@example.com")
    assert loaded is not None and loaded.origin is Origin.LOAD


def test_a_read_never_changes_a_loaded_record_into_a_read_one(store: Store) -> None:
    store.workspace.upsert(P, [person(2, "ada@example.com", first_name="Ada")])
    store.workspace.upsert(P, [_read(person(0, "ada@example.com", first_name="Augusta"))])
    record = store.workspace.find(P, "ada@example.com")
    assert record is not None and record.origin is Origin.LOAD and record.values["first_name"] == "Augusta"


def test_removing_a_record_and_moving_a_companys_people(store: Store) -> None:
    store.workspace.upsert(P, [person(2, "ada@acme.com", company_domain="acme.com"), person(3, "bob@example.com")])
    assert store.workspace.move_company_domain("acme.com", "acme.io") == 1
    ada = store.workspace.find(P, "ada@acme.com")
    assert ada is not None and ada.values["company_domain"] == "acme.io"
    serial = store.meta.version().serial
    store.workspace.remove(P, ada.id)
    assert store.workspace.find(P, "ada@acme.com") is None and store.workspace.count(P) == 1
    assert store.meta.version().serial == serial + 1
