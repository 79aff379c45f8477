"""Who may write email activity: object permissions on EmailMessage, EmailMessageRelation and Task, and the
Edit Tasks system permission (PermissionsEditTask), through simple-salesforce."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import pytest
from simple_salesforce.exceptions import SalesforceError
from simple_salesforce.format import format_soql

from sfsync.localorg.seed import Grant, load_seed
from sfsync.localorg.server import start_in_background
from sfsync.localorg.testing import EXAMPLE_SEED, LocalOrgHandle

pytestmark = pytest.mark.org

ADA, RESTRICTED = "ada@acme.local", "restricted@acme.local"
EMAIL = {"Subject": "Hello", "MessageIdentifier": "<p@mail.acme.example>", "Status": "5"}


@pytest.fixture(scope="module")
def org(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalOrgHandle]:
    """The example seed, but Ada's profile lacks Edit Tasks and the restricted user may read and create
    email messages (a permission set) and nothing else of email activity."""
    seed = load_seed(EXAMPLE_SEED)
    profiles = tuple(dataclasses.replace(p, edit_tasks=p.name != "Sales User") for p in seed.profiles)
    writer = Grant(name="Email_Writer", objects={"EmailMessage": frozenset({"read", "create"})})
    users = tuple(
        dataclasses.replace(u, permission_sets=(*u.permission_sets, "Email_Writer")) if u.username == RESTRICTED else u
        for u in seed.users
    )
    seed = dataclasses.replace(seed, profiles=profiles, permission_sets=(*seed.permission_sets, writer), users=users)
    running = start_in_background(Path(tmp_path_factory.mktemp("activity-permissions")), seed)
    try:
        yield LocalOrgHandle(running)
    finally:
        running.stop()


def test_without_edit_tasks_tasks_and_email_messages_are_read_only(org: LocalOrgHandle) -> None:
    sf = org.simple_salesforce(as_user=ADA)
    assert (sf.Task.describe()["createable"], sf.EmailMessage.describe()["createable"]) == (False, False)
    assert sf.EmailMessageRelation.describe()["createable"] is True
    for sobject in (sf.Task, sf.EmailMessage):
        with pytest.raises(SalesforceError) as caught:
            sobject.create(EMAIL if sobject is sf.EmailMessage else {"Subject": "Call"})
        assert (caught.value.status, caught.value.content[0]["errorCode"]) == (400, "INSUFFICIENT_ACCESS_OR_READONLY")
    task = org.simple_salesforce().Task.create({"Subject": "Call"})["id"]
    assert sf.Task.get(task)["Subject"] == "Call"
    with pytest.raises(SalesforceError) as caught:
        sf.Task.delete(task)
    assert caught.value.content[0]["errorCode"] == "INSUFFICIENT_ACCESS_OR_READONLY"


def test_object_permissions_grant_email_activity_like_any_object(org: LocalOrgHandle) -> None:
    sf = org.simple_salesforce(as_user=RESTRICTED)
    email = sf.EmailMessage.create(EMAIL)["id"]
    with pytest.raises(SalesforceError) as caught:
        sf.EmailMessage.update(email, {"Subject": "Edited draft"})
    assert caught.value.content[0]["errorCode"] == "INSUFFICIENT_ACCESS_OR_READONLY"
    names = {o["name"] for o in sf.describe()["sobjects"]}
    assert "EmailMessage" in names and not names & {"EmailMessageRelation", "Task"}
    with pytest.raises(SalesforceError) as caught:
        sf.query("SELECT Id FROM Task")
    assert caught.value.content[0]["errorCode"] == "INVALID_TYPE"


def test_edit_tasks_is_queryable_on_profiles_and_permission_sets(org: LocalOrgHandle) -> None:
    sf = org.simple_salesforce()
    soql = "SELECT Name, PermissionsEditTask FROM Profile WHERE Name IN {} ORDER BY Name"
    rows = sf.query(format_soql(soql, ["Sales User", "Sfsync Integration"]))["records"]
    expected = [("Sales User", False), ("Sfsync Integration", True)]
    assert [(r["Name"], r["PermissionsEditTask"]) for r in rows] == expected
    mine = (
        "SELECT PermissionSet.Label, PermissionSet.PermissionsEditTask FROM PermissionSetAssignment "
        "WHERE Assignee.Username = {} ORDER BY PermissionSet.Label"
    )
    assigned = sf.query(format_soql(mine, ADA))["records"]
    assert [(a["PermissionSet"]["Label"], a["PermissionSet"]["PermissionsEditTask"]) for a in assigned] == [
        ("Sales User", False)
    ]
    soql = (
        "SELECT SobjectType, PermissionsRead, PermissionsCreate, PermissionsEdit FROM ObjectPermissions "
        "WHERE Parent.Name = 'Email_Writer'"
    )
    rows = sf.query(soql)["records"]
    assert [(r["SobjectType"], r["PermissionsRead"], r["PermissionsCreate"], r["PermissionsEdit"]) for r in rows] == [
        ("EmailMessage", True, True, False)
    ]
