"""What a run did to the people in the org: human values overwritten, duplicates created, records written.

Pure counting over two snapshots of the org's people (Leads and Contacts), taken before and after a
run from the same org state. A *human value* is a non-empty value, in a field the contenders write,
on a record a person (anyone but the integration user) changed last before the run; it is
*overwritten* when the run leaves another value there. A created record is a *duplicate* when its
email (compared case-insensitively, as Salesforce stores it) already belonged to a Lead or Contact
before the run, or to a record the run created earlier.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

# The Lead fields every contender writes (sfsync's mapping, the baselines' rows, CumulusCI's mapping).
WRITTEN_FIELDS = ("Email", "FirstName", "LastName", "Title", "Phone", "Company", "Website", "LeadSource")


@dataclass(frozen=True)
class PersonRecord:
    """One Lead or Contact as a snapshot holds it; `by_person` when someone other than the integration user
    changed it last."""

    id: str
    sobject: str
    email: str | None
    values: Mapping[str, str | None]
    by_person: bool


@dataclass(frozen=True)
class Effects:
    """What one run changed. `human_values` counts the values at stake, `overwritten` those the run replaced."""

    created: int
    updated: int
    human_values: int
    overwritten: int
    duplicates: int

    def as_notes(self) -> dict[str, int]:
        return {
            "created": self.created,
            "updated": self.updated,
            "human values overwritten": self.overwritten,
            "duplicates created": self.duplicates,
        }


def effects(before: Iterable[PersonRecord], after: Iterable[PersonRecord]) -> Effects:
    """Compare two snapshots of the same org around one run (records are matched by Id)."""
    earlier = {record.id: record for record in before}
    later = {record.id: record for record in after}
    human_values = overwritten = updated = 0
    for record_id, old in earlier.items():
        new = later.get(record_id)
        if new is None:
            continue
        updated += any(_differs(old.values.get(f), new.values.get(f)) for f in old.values)
        if not old.by_person:
            continue
        for field, value in old.values.items():
            if value in (None, ""):
                continue
            human_values += 1
            overwritten += _differs(value, new.values.get(field))
    created = [record for record_id, record in later.items() if record_id not in earlier]
    return Effects(len(created), updated, human_values, overwritten, _duplicates(earlier.values(), created))


def _duplicates(existing: Iterable[PersonRecord], created: Iterable[PersonRecord]) -> int:
    emails = {_key(r.email) for r in existing if r.email}
    duplicates = 0
    for record in sorted(created, key=lambda r: r.id):  # Ids grow with creation: earlier creations first
        if not record.email:
            continue
        key = _key(record.email)
        duplicates += key in emails
        emails.add(key)
    return duplicates


def _key(email: str) -> str:
    return email.strip().lower()


def _differs(old: str | None, new: str | None) -> bool:
    return (old or "") != (new or "")
