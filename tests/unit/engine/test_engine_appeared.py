"""The re-read before creates: every planned key asked for in one typed query (the adapter splits its SOQL)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sfsync.engine.appeared import appeared_keys
from sfsync.engine.plans.plan import Action, FieldChange, RecordChange, WorkspaceRef
from sfsync.salesforce.query import In, Like, Or, Query
from sfsync.salesforce.soql import soql_texts


class QueryLog:
    """Answers every query with every record of `existing` (a loose match), and keeps the queries."""

    def __init__(self, field: str, existing: list[str]) -> None:
        self.field = field
        self.existing = existing
        self.sent: list[Query] = []

    def query(self, request: Query) -> Iterator[dict[str, Any]]:
        self.sent.append(request)
        for number, value in enumerate(self.existing):
            yield {"Id": f"X{number}", self.field: value}


def create(sobject: str, field: str, value: str) -> RecordChange:
    change = FieldChange(field, None, value, "person.email", "owned", "")
    return RecordChange(
        f"{sobject}/{value}", sobject, Action.CREATE, WorkspaceRef("person", value), None, "", (change,)
    )


def _likes(query: Query) -> list[str]:
    assert isinstance(query.where, Or)
    return [item.text for item in query.where.items if isinstance(item, Like)]


def test_thousands_of_emails_go_in_one_query_every_key_once() -> None:
    emails = [f"person.number{n:05}@example-company-{n % 97}.com" for n in range(3000)]
    port = QueryLog("Email", ["Person.Number00007@Example-Company-7.com", "someone@else.example"])
    found = appeared_keys(port, [create("Lead", "Email", e) for e in emails])  # type: ignore[arg-type]
    assert found == {"person.number00007@example-company-7.com"}
    (query,) = port.sent
    assert query == Query("Lead", ("Id", "Email"), In("Email", tuple(sorted(emails))))
    assert len(soql_texts(query)) > 1  # the adapter sends it as several, each within SOQL's length


def test_domains_are_asked_with_like_and_compared_normalised() -> None:
    domains = [f"company{n}.example" for n in range(800)]
    port = QueryLog("Website", ["https://www.company12.example/about", "https://company1200.example"])
    found = appeared_keys(port, [create("Account", "Website", d) for d in domains])  # type: ignore[arg-type]
    assert found == {"company12.example"}
    (query,) = port.sent
    assert sorted(_likes(query)) == sorted(domains)


def test_no_key_no_query() -> None:
    port = QueryLog("Email", [])
    assert appeared_keys(port, [create("Lead", "Email", "")]) == set()  # type: ignore[arg-type]
    assert port.sent == []


def test_an_internationalised_key_is_asked_in_both_forms_and_compared_normalised() -> None:
    port = QueryLog("Website", ["https://www.Faß.de/impressum"])
    found = appeared_keys(port, [create("Account", "Website", d) for d in ("faß.de", "fass.de")])  # type: ignore[arg-type]
    assert found == {"xn--fa-hia.de"}
    (query,) = port.sent
    assert {"xn--fa-hia.de", "faß.de", "fass.de"} <= set(_likes(query))
    emails = QueryLog("Email", ["José@Faß.de"])
    assert appeared_keys(emails, [create("Contact", "Email", "josé@faß.de")]) == {"josé@xn--fa-hia.de"}  # type: ignore[arg-type]
    assert isinstance(emails.sent[0].where, In)
    assert {"josé@faß.de", "josé@xn--fa-hia.de"} <= set(emails.sent[0].where.values)


def test_with_registrable_matching_an_account_on_the_registrable_domain_has_appeared() -> None:
    port = QueryLog("Website", ["https://acme.com"])
    creates = [create("Account", "Website", "shop.acme.com")]
    assert appeared_keys(port, creates) == set()  # type: ignore[arg-type]
    assert appeared_keys(port, creates, registrable=True) == {"acme.com"}  # type: ignore[arg-type]
    assert "acme.com" in _likes(port.sent[-1])
