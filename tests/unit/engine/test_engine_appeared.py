"""The re-read before creates: every planned key asked for, in as few queries as a safe length allows."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from sfsync.engine.appeared import MAX_QUERY_LENGTH, appeared_keys
from sfsync.engine.plans.plan import Action, FieldChange, RecordChange, WorkspaceRef


class QueryLog:
    """Answers every query with every record of `existing` (a loose match), and keeps the SOQL."""

    def __init__(self, field: str, existing: list[str]) -> None:
        self.field = field
        self.existing = existing
        self.sent: list[str] = []

    def query(self, soql: str, *, include_deleted: bool = False) -> Iterator[dict[str, Any]]:
        self.sent.append(soql)
        for number, value in enumerate(self.existing):
            yield {"Id": f"X{number}", self.field: value}


def create(sobject: str, field: str, value: str) -> RecordChange:
    change = FieldChange(field, None, value, "person.email", "owned", "")
    return RecordChange(
        f"{sobject}/{value}", sobject, Action.CREATE, WorkspaceRef("person", value), None, "", (change,)
    )


def test_thousands_of_emails_go_in_a_few_queries_within_the_length_limit() -> None:
    emails = [f"person.number{n:05}@example-company-{n % 97}.com" for n in range(3000)]
    port = QueryLog("Email", ["Person.Number00007@Example-Company-7.com", "someone@else.example"])
    found = appeared_keys(port, [create("Lead", "Email", e) for e in emails])  # type: ignore[arg-type]
    assert found == {"person.number00007@example-company-7.com"}
    assert all(len(soql) <= MAX_QUERY_LENGTH for soql in port.sent)
    assert 3000 * 40 // MAX_QUERY_LENGTH < len(port.sent) <= 3000 * 50 // MAX_QUERY_LENGTH + 1
    asked = [e for soql in port.sent for e in re.findall(r"'([^']*)'", soql)]
    assert sorted(asked) == sorted(emails)  # each key in exactly one query


def test_domains_are_asked_with_like_and_compared_normalised() -> None:
    domains = [f"company{n}.example" for n in range(800)]
    port = QueryLog("Website", ["https://www.company12.example/about", "https://company1200.example"])
    found = appeared_keys(port, [create("Account", "Website", d) for d in domains])  # type: ignore[arg-type]
    assert found == {"company12.example"}
    assert len(port.sent) > 1 and all(len(soql) <= MAX_QUERY_LENGTH for soql in port.sent)


def test_an_internationalised_key_is_asked_in_both_forms_and_compared_normalised() -> None:
    port = QueryLog("Website", ["https://www.Faß.de/impressum"])
    found = appeared_keys(port, [create("Account", "Website", d) for d in ("faß.de", "fass.de")])  # type: ignore[arg-type]
    assert found == {"xn--fa-hia.de"}
    (soql,) = port.sent
    assert "'%xn--fa-hia.de%'" in soql and "'%faß.de%'" in soql and "'%fass.de%'" in soql
    emails = QueryLog("Email", ["José@Faß.de"])
    assert appeared_keys(emails, [create("Contact", "Email", "josé@faß.de")]) == {"josé@xn--fa-hia.de"}  # type: ignore[arg-type]
    assert "'josé@faß.de'" in emails.sent[0] and "'josé@xn--fa-hia.de'" in emails.sent[0]


def test_with_registrable_matching_an_account_on_the_registrable_domain_has_appeared() -> None:
    port = QueryLog("Website", ["https://acme.com"])
    creates = [create("Account", "Website", "shop.acme.com")]
    assert appeared_keys(port, creates) == set()  # type: ignore[arg-type]
    assert appeared_keys(port, creates, registrable=True) == {"acme.com"}  # type: ignore[arg-type]
    assert "'%acme.com%'" in port.sent[-1]
