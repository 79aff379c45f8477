"""What apply notes of a plan's changes while checking them, and the created Ids it keeps for references."""

from __future__ import annotations

from sfsync.catalogue import Kind
from sfsync.config.models import Policy
from sfsync.engine.applying.survey import ReferencedIds, Survey
from sfsync.engine.plans.plan import Action, FieldChange, KnownAfterApply, RecordChange, WorkspaceRef


def _change(sobject: str, kind: Kind, ws_id: str, *fields: FieldChange, batch: int = 1) -> RecordChange:
    key = f"{sobject}/{ws_id}"
    return RecordChange(key, sobject, Action.CREATE, WorkspaceRef(kind, ws_id), None, "new", fields, batch=batch)


def test_the_survey_notes_runs_and_the_keys_changes_refer_to() -> None:
    survey = Survey()
    refers = KnownAfterApply("Account/c1")
    account = FieldChange("AccountId", None, refers, "company", Policy.IF_EMPTY, "", "Account/c1")
    name = FieldChange("LastName", None, "Gibbons", "person.last_name", Policy.IF_EMPTY, "")
    for change in (
        _change("Account", Kind.COMPANY, "c1", batch=0),
        _change("Account", Kind.COMPANY, "c2", batch=0),
        _change("Contact", Kind.PERSON, "p1", account, name),
        _change("Contact", Kind.PERSON, "p2", name),
    ):
        survey.note(change)
    assert (survey.runs, survey.referenced) == ([2, 2], {"Account/c1"})


def test_only_the_ids_of_referenced_records_are_kept() -> None:
    refs = ReferencedIds({"Account/c1"})
    refs["Account/c1"] = "001A"
    refs["Lead/p1"] = "00QA"  # no change refers to it: not kept
    assert (dict(refs), "Lead/p1" in refs, len(refs)) == ({"Account/c1": "001A"}, False, 1)
