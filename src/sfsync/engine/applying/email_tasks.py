"""Finding the Task an email was already written as: a Task has no message id, so its natural key is
the person (`WhoId`), `TaskSubtype` Email, the subject and the day, as sfsync writes them.

Used before each Task create, so a create whose answer was lost is found by the next run and linked,
never made twice.
"""

from __future__ import annotations

from collections.abc import Sequence

from sfsync.engine.plans.plan import RecordChange
from sfsync.salesforce.port import SalesforcePort
from sfsync.salesforce.query import And, Eq, In, Query

TASK = "Task"
_KEY_FIELDS = ("WhoId", "Subject", "ActivityDate")


def task_key(values: dict[str, object]) -> tuple[str, str, str]:
    """A Task's natural key from its values as sent or read: WhoId (15 characters), Subject and the day."""
    who, subject, day = (values.get(name) for name in _KEY_FIELDS)
    return str(who or "")[:15], str(subject or ""), str(day or "")[:10]


def existing_tasks(port: SalesforcePort, creates: Sequence[RecordChange]) -> dict[str, str]:
    """The Id of the email Task each create was already written as, by change key."""
    wanted = {task_key({f.field: f.after for f in c.fields}): c.key for c in creates}
    people = tuple(sorted({key[0] for key in wanted if key[0]}))
    if not people:
        return {}
    found: dict[str, str] = {}
    for start in range(0, len(people), 200):
        where = And((Eq("TaskSubtype", "Email"), In("WhoId", people[start : start + 200])))
        for row in port.query(Query(TASK, ("Id", *_KEY_FIELDS), where)):
            key = wanted.get(task_key(dict(row)))
            if key is not None and key not in found:
                found[key] = str(row["Id"])
    return found
