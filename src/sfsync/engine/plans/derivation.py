"""How much of a plan was derived afresh, and how much reused from the store's derivation cache."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DerivationSummary:
    """Records derived this plan out of all; `everything` says why every record was (else "")."""

    people: int
    people_derived: int
    companies: int
    companies_derived: int
    everything: str = ""

    def __str__(self) -> str:
        people, companies = _people(self.people), _companies(self.companies)
        if self.everything:
            return f"all {people} and {companies} ({self.everything})"
        unchanged = _people(self.people - self.people_derived), _companies(self.companies - self.companies_derived)
        return (
            f"{self.people_derived:,} of {people} and {self.companies_derived:,} of {companies} again; "
            f"{unchanged[0]} and {unchanged[1]} unchanged"
        )


def _people(count: int) -> str:
    return f"{count:,} {'person' if count == 1 else 'people'}"


def _companies(count: int) -> str:
    return f"{count:,} {'company' if count == 1 else 'companies'}"
