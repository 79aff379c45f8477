"""How `sync.bulk_create_job_size: auto` sizes Bulk create jobs from what the org's duplicate rules match on."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from engine_support import LEADS

from sfsync.config import LoadedConfig
from sfsync.config.models import Config
from sfsync.engine.planning.create_jobs import (
    GUARDED_JOB,
    SMALL_JOB,
    create_check_calls,
    create_job_sizes,
    ingest_jobs,
)
from sfsync.errors import RemoteError
from sfsync.salesforce.port import DuplicateRuleAction
from sfsync.salesforce.query import Query

EMAIL_BLOCK = DuplicateRuleAction("Lead_Email", "Block", (("Lead", ("Email",)),))


class Rules:
    """An org's duplicate rules as the port reads them: `DuplicateRule` rows, then each object's actions."""

    def __init__(self, actions: dict[str, list[DuplicateRuleAction]], *, readable: bool = True) -> None:
        self.actions, self.readable = actions, readable
        self.calls = 0

    def query(self, request: Query) -> Iterator[dict[str, Any]]:
        self.calls += 1
        assert request.sobject == "DuplicateRule"
        if not self.readable:
            raise RemoteError("insufficient access", code="INSUFFICIENT_ACCESS")
        return iter([{"SobjectType": name, "IsActive": True} for name in self.actions])

    def duplicate_rule_actions(self, sobject: str) -> list[DuplicateRuleAction]:
        self.calls += 1
        return self.actions[sobject]


@pytest.fixture
def leads(write_config: Callable[[str], LoadedConfig]) -> Config:
    return write_config(LEADS).config


def _sized(rules: Rules, config: Config, sobject: str = "Lead", size: str | int = "auto") -> Any:
    chosen = config.model_copy(update={"sync": config.sync.model_copy(update={"bulk_create_job_size": size})})
    return create_job_sizes(rules, chosen, [sobject])[sobject]  # type: ignore[arg-type]


def test_a_rule_blocking_on_the_email_alone_guards_leads_in_jobs_of_ten_thousand_for_two_calls(leads: Config) -> None:
    rules = Rules({"Lead": [EMAIL_BLOCK]})
    sizing = _sized(rules, leads)
    assert (sizing.size, sizing.guarded) == (GUARDED_JOB, True) == (10_000, True)
    assert sizing.why == "duplicate rule Lead_Email blocks a duplicate Email on create"
    assert rules.calls == 2


@pytest.mark.parametrize(
    ("action", "why"),
    [
        (DuplicateRuleAction("Alert", "Allow", (("Lead", ("Email",)),)), "no active duplicate rule blocks on create"),
        (
            DuplicateRuleAction("Name_Email", "Block", (("Lead", ("LastName", "Email")),)),
            "no blocking duplicate rule matches on its create key alone (Name_Email)",
        ),
        (
            DuplicateRuleAction("Against_Contacts", "Block", (("Contact", ("Email",)),)),
            "no blocking duplicate rule matches on its create key alone (Against_Contacts)",
        ),
    ],
)
def test_a_rule_that_allows_or_matches_more_or_elsewhere_leaves_small_jobs(
    action: DuplicateRuleAction, why: str, leads: Config
) -> None:
    sizing = _sized(Rules({"Lead": [action]}), leads)
    assert (sizing.size, sizing.guarded) == (SMALL_JOB, False)
    assert sizing.why.startswith(why + ": jobs of 2000")


def test_an_account_is_guarded_by_a_rule_on_its_website_not_its_name(leads: Config) -> None:
    on_website = DuplicateRuleAction("Site", "Block", (("Account", ("Website",)),))
    on_name = DuplicateRuleAction("Name", "Block", (("Account", ("Name",)),))
    assert _sized(Rules({"Account": [on_website]}), leads, "Account").guarded
    assert not _sized(Rules({"Account": [on_name]}), leads, "Account").guarded


def test_rules_that_cannot_be_read_leave_small_jobs_and_say_so(leads: Config) -> None:
    sizing = _sized(Rules({"Lead": [EMAIL_BLOCK]}, readable=False), leads)
    assert (sizing.size, sizing.guarded) == (SMALL_JOB, False)
    assert "the org's duplicate rules could not be read (INSUFFICIENT_ACCESS" in sizing.why
    assert "View Setup and Configuration" in sizing.why


def test_an_explicit_size_reads_no_rule(leads: Config) -> None:
    rules = Rules({"Lead": [EMAIL_BLOCK]})
    assert _sized(rules, leads, size=500).size == 500
    assert rules.calls == 0


def test_the_check_calls_count_the_first_jobs_split_key_query_then_one_per_job() -> None:
    # 2,000 emails of ~30 characters: three queries of SOQL's 20,000; the external ids as many again.
    assert create_check_calls("Lead", 10_000, SMALL_JOB, guarded=False, external_ids=True) == 3 + 3 + 4
    assert create_check_calls("Lead", 10_000, SMALL_JOB, guarded=False, external_ids=False) == 3 + 4
    assert create_check_calls("Lead", 1_000_000, GUARDED_JOB, guarded=True, external_ids=True) == 100
    assert create_check_calls("Lead", 0, SMALL_JOB, guarded=False, external_ids=True) == 0


def test_a_job_is_counted_as_the_jobs_its_csv_splits_into_past_100_mb() -> None:
    assert ingest_jobs(10_000, GUARDED_JOB) == 1
    assert ingest_jobs(1_000_000, GUARDED_JOB) == 100
    assert ingest_jobs(1_000_000, 1_000_000) == 2  # about 200 MB of CSV
    assert ingest_jobs(10_000, SMALL_JOB) == 5
