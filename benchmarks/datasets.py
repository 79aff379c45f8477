"""Deterministic benchmark datasets: a workspace (CSV files) and the org it meets (seed records).

`generate(size, seed)` gives the same dataset for the same arguments on any machine. Of `size`
unique people, by `index % 100`:

- 0-19   already a Lead in the org, created by a person (a human edit: another Title, no Phone);
- 20-21  two Leads with that email in the org (a duplicate someone else made);
- 22-24  a converted Lead whose Contact and Account exist;
- 25-29  an existing Contact (no Lead);
- 30-99  new to the org.

The workspace files repeat every 50th person (upper-cased email, another title: the later row wins)
and every 25th company (its domain written as a URL). The org also holds `size // 10` Leads that
are not in the workspace, and one Account per 4 companies (every 10th of them a current customer).
"""

from __future__ import annotations

import csv
import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from sfsync.localorg.seed import SeedRecord

HUMAN = "ada@acme.local"
PEOPLE_PER_COMPANY = 4
PEOPLE_COLUMNS = ("Email", "First Name", "Last Name", "Title", "Work Phone", "Company Domain")
COMPANY_COLUMNS = ("Name", "Domain", "Industry", "Intent Level")
FIRST = ("Ada", "Grace", "Alan", "Katherine", "Linus", "Margaret", "Donald", "Barbara", "Edsger", "Frances")
LAST = ("Lovelace", "Hopper", "Turing", "Johnson", "Torvalds", "Hamilton", "Knuth", "Liskov", "Dijkstra", "Allen")
TITLES = ("VP of Sales", "Sales Operations Manager", "Account Executive", "CFO", "Head of RevOps", "CTO")
INDUSTRIES = ("Technology", "Retail", "Energy", "Transportation", "Healthcare", "Finance")
INTENTS = ("High", "Medium", "Low", "None")


@dataclass(frozen=True)
class Company:
    name: str
    domain: str
    industry: str
    intent: str

    def row(self) -> tuple[str, ...]:
        return (self.name, self.domain, self.industry, self.intent)


@dataclass(frozen=True)
class Person:
    index: int
    email: str
    first_name: str
    last_name: str
    title: str
    work_phone: str
    company: int

    def row(self, companies: tuple[Company, ...]) -> tuple[str, ...]:
        domain = companies[self.company].domain
        return (self.email, self.first_name, self.last_name, self.title, self.work_phone, domain)


@dataclass(frozen=True)
class Dataset:
    """A workspace and the org it is synced with; `people` and `companies` are unique, in file order."""

    size: int
    seed: int
    companies: tuple[Company, ...]
    people: tuple[Person, ...]

    def company_rows(self) -> Iterator[tuple[str, ...]]:
        yield from (c.row() for c in self.companies)
        for c in self.companies[::25]:
            yield (c.name, f"https://www.{c.domain}/about", c.industry, c.intent)

    def people_rows(self) -> Iterator[tuple[str, ...]]:
        yield from (p.row(self.companies) for p in self.people)
        for p in self.people[::50]:
            domain = self.companies[p.company].domain
            yield (p.email.upper(), p.first_name, p.last_name, "Chief Revenue Officer", p.work_phone, domain)

    def org_records(self) -> Iterator[SeedRecord]:
        """Accounts first, then Contacts, then Leads: references point backwards only."""
        yield from self._accounts()
        yield from self._contacts()
        yield from self._leads()

    def _accounts(self) -> Iterator[SeedRecord]:
        for number in range(0, len(self.companies), PEOPLE_PER_COMPANY):
            company = self.companies[number]
            values = {"Name": company.name, "Website": f"https://{company.domain}"}
            if number % (10 * PEOPLE_PER_COMPANY) == 0:
                values["Type"] = "Customer - Direct"
            yield SeedRecord("Account", values, ref=f"acc{number}", created_by=HUMAN)

    def _contacts(self) -> Iterator[SeedRecord]:
        for person in self.people:
            if 22 <= person.index % 100 < 30:
                account = f"@acc{person.company - person.company % PEOPLE_PER_COMPANY}"
                values = {"FirstName": person.first_name, "LastName": person.last_name, "Email": person.email}
                yield SeedRecord("Contact", values | {"AccountId": account}, ref=f"con{person.index}", created_by=HUMAN)

    def _leads(self) -> Iterator[SeedRecord]:
        for person in self.people:
            band = person.index % 100
            if band >= 25:
                continue
            company = self.companies[person.company]
            values = {"FirstName": person.first_name, "LastName": person.last_name, "Email": person.email}
            values |= {"Company": company.name, "Title": f"Senior {person.title}"}
            converted = None
            if band >= 22:
                account = f"@acc{person.company - person.company % PEOPLE_PER_COMPANY}"
                converted = {"contact": f"@con{person.index}", "account": account}
            yield SeedRecord("Lead", values, created_by=HUMAN, converted=converted)
            if 20 <= band < 22:
                yield SeedRecord("Lead", values | {"Title": person.title}, created_by=HUMAN)
        for number in range(self.size // 10):
            values = {"LastName": f"Other{number}", "Company": f"Elsewhere {number % 97}"}
            yield SeedRecord("Lead", values | {"Email": f"other{number}@elsewhere{number % 97}.example"})


def generate(size: int, seed: int = 7) -> Dataset:
    """`size` unique people over `size // 4` companies, drawn from `random.Random(seed)`."""
    rng = random.Random(seed)
    count = max(1, size // PEOPLE_PER_COMPANY)
    companies = tuple(_company(rng, number) for number in range(count))
    people = tuple(_person(rng, index, companies) for index in range(size))
    return Dataset(size, seed, companies, people)


def _company(rng: random.Random, number: int) -> Company:
    word = rng.choice(("north", "blue", "cedar", "helios", "tide", "cobalt", "marigold", "quantum"))
    name = f"{word.title()} {rng.choice(('Analytics', 'Logistics', 'Health', 'Cloud', 'Mining'))} {number}"
    return Company(name, f"{word}{number}.example", rng.choice(INDUSTRIES), rng.choice(INTENTS))


def _person(rng: random.Random, index: int, companies: tuple[Company, ...]) -> Person:
    first, last = rng.choice(FIRST), rng.choice(LAST)
    company = index % len(companies)
    email = f"{first.lower()}.{last.lower()}{index}@{companies[company].domain}"
    phone = f"+1 555 {rng.randrange(10_000):04d}"
    return Person(index, email, first, last, rng.choice(TITLES), phone, company)


def write_workspace(dataset: Dataset, directory: Path) -> tuple[Path, Path]:
    """Write `companies.csv` and `people.csv` into `directory`; returns their paths."""
    directory.mkdir(parents=True, exist_ok=True)
    companies, people = directory / "companies.csv", directory / "people.csv"
    _write_csv(companies, COMPANY_COLUMNS, dataset.company_rows())
    _write_csv(people, PEOPLE_COLUMNS, dataset.people_rows())
    return companies, people


def _write_csv(path: Path, header: tuple[str, ...], rows: Iterator[tuple[str, ...]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
