"""A workspace record as filters and templates see it: its fields, its company, its Salesforce records."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from sfsync.catalogue import COMPANY_FIELDS, PERSON_FIELDS, Kind
from sfsync.engine.attributes import Attributes

Fields = Mapping[str, Any]


@dataclass(frozen=True)
class Subject:
    """One person or company with what filters may reach.

    `related` holds mirrored Salesforce records by object: for a company, the Accounts on its domain
    (linked or not: the domain group) and their Opportunities; for a person, the Contacts and Leads
    with their email, plus their company's. `company` is a person's company subject, if any. `key` is
    the workspace record's key as stored (a person's normalised email, a company's normalised domain),
    when the subject is a stored record's.
    """

    kind: Kind
    id: str
    values: Fields
    related: Mapping[str, Sequence[Fields]] = field(default_factory=dict)
    company: Subject | None = None
    key: str | None = None

    @property
    def label(self) -> str:
        key = "email" if self.kind is Kind.PERSON else "domain"
        return str(self.values.get(key) or self.values.get("name") or self.id)

    def context(self) -> dict[str, Any]:
        """The template and filter context: `person` and `company`, every catalogue field present."""
        if self.kind is Kind.COMPANY:
            return {"company": _complete(self.values, COMPANY_FIELDS, self.id), "person": _complete({}, PERSON_FIELDS)}
        company = self.company.values if self.company else {}
        company_id = self.company.id if self.company else None
        return {
            "person": _complete(self.values, PERSON_FIELDS, self.id),
            "company": _complete(company, COMPANY_FIELDS, company_id),
        }

    @cached_property
    def lookups(self) -> Mapping[str, Any]:
        """`context()` made once, for reading values only (filters, mapped values): a template renders with
        a `context()` of its own, so whatever a template does to its context stays out of every lookup."""
        return self.context()

    def records(self, sobject: str) -> Sequence[Fields]:
        own = list(self.related.get(sobject, ()))
        if self.company is not None:
            own.extend(self.company.related.get(sobject, ()))
        return own


def _complete(values: Fields, catalogue: Mapping[str, Any], record_id: str | None = None) -> dict[str, Any]:
    # Every catalogue field in catalogue order, then the record's others in theirs: `update` keeps the
    # place of a key already there, so this is the catalogue's keys filled from `values`, made in C.
    result: dict[str, Any] = dict.fromkeys(catalogue)
    result.update(values)
    result["id"] = record_id
    result["attributes"] = Attributes(result.get("attributes"))  # `Notes` fills person.attributes.notes
    return result
