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
        if self.everything:
            return f"derived all {self.people:,} people and {self.companies:,} companies ({self.everything})"
        unchanged = self.people - self.people_derived, self.companies - self.companies_derived
        return (
            f"re-derived {self.people_derived:,} of {self.people:,} people and {self.companies_derived:,} of "
            f"{self.companies:,} companies; {unchanged[0]:,} people and {unchanged[1]:,} companies unchanged"
        )
